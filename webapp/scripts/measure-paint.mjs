// Perceived speed of the first screen on a throttled phone (issue 21's profile): a Russian Max
// user opening the mini-app, cold cache, served like production.
//   CDP profile: 150 ms RTT, 1.6 Mbps down / 750 kbps up, CPU slowed 4×; cold cache each run.
//   Usage: npm run build && node scripts/measure-paint.mjs --nginx   (starts a backend, like e2e;
//            --nginx puts the repository's nginx.conf in front of it, with the .gz copies the
//            image ships: gzip as in production. Without it the backend serves the files raw.)
//          E2E_BASE_URL=http://127.0.0.1:8000 E2E_MAX_BOT_TOKEN=… node scripts/measure-paint.mjs
//   E2E_WEBAPP_DIST picks another build to serve (to measure an older version the same way).
//   RUNS (default 3: the median of 3), SEED (photos uploaded first, default 8), NGINX_PORT,
//   CPU_SLOWDOWN (default 4, the profile's; 1 separates the network's share from the machine's).
//   --quick: one run over two seeded photos, same throttling. scripts/e2e.sh runs it after the
//   browser suite and checks the figures are printed, so the documented command cannot rot;
//   its number is not a measurement (one cold run on a loaded CI box), bench/RESULTS.md's are.
// Figures (performance.now() from navigation start, in the page):
//   first gallery paint   the first photo tile with its title in the DOM (a MutationObserver)
//   first thumbnail       the first tile's <img> loaded (the blurhash placeholder before it)
//   largest paint         the last largest-contentful-paint entry once every tile image in the
//                         viewport has loaded
//   requests before the first tiles: every resource (Resource Timing, plus the document) that
//   started before the first paint, and how many of them are scripts; initial JS / CSS = the
//   encoded (gzip over the wire) bodies of the scripts and stylesheets among them.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, realpathSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, useBackend, waitForHealth } from '../e2e/lib/backend.mjs';
import { launch, maxPhone } from '../e2e/lib/browser.mjs';
import { noisePng } from '../e2e/lib/image.mjs';
import { signInitData } from '../e2e/lib/initData.mjs';

const REPO = resolve(new URL('../..', import.meta.url).pathname);
const TOKEN = process.env.E2E_MAX_BOT_TOKEN ?? 'e2e-test-bot-token';
const QUICK = process.argv.includes('--quick');
const NGINX = process.argv.includes('--nginx');
const RUNS = QUICK ? 1 : Number(process.env.RUNS ?? 3);
const SEED = QUICK ? 2 : Number(process.env.SEED ?? 8);
const CPU_SLOWDOWN = Number(process.env.CPU_SLOWDOWN ?? 4);
const user = { id: 9_100_000 + (Date.now() % 100_000), first_name: 'Perf', language_code: 'ru' };

/** The repository's nginx.conf (rendered by tests/nginx_support.py, as the edge tests do) in
 * front of `backendUrl`, serving a copy of the build with gzip -9 copies like webapp/Dockerfile. */
async function startNginx(backendUrl) {
  const dist = process.env.E2E_WEBAPP_DIST ?? join(REPO, 'webapp/dist');
  const base = mkdtempSync(join(tmpdir(), 'mpg-paint-'));
  const root = join(base, 'dist');
  const runtime = join(base, 'nginx');
  // The build itself, not the link run.sh swaps (`dist -> dist-<hash>`): copying the link made
  // the gzip below write its .gz files into the real build, and a second run then failed.
  cpSync(realpathSync(dist), root, { recursive: true });
  for (const sub of ['logs', 'cache', 'uploads']) mkdirSync(join(runtime, sub), { recursive: true });
  const walk = (dir) => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
  const compressible = walk(root).filter((f) => /\.(js|css|html|svg|json|webmanifest)$/.test(f) && statSync(f).size > 1024);
  if (compressible.length) execFileSync('gzip', ['-9', '-k', '-n', '-f', ...compressible]);
  for (const d of [base, root, runtime]) chmodSync(d, 0o755);
  const port = Number(process.env.NGINX_PORT ?? (await freePort()));
  const backendPort = new URL(backendUrl).port;
  const conf = execFileSync(
    join(REPO, '.venv/bin/python'),
    [
      '-c',
      'import sys; from pathlib import Path; from tests.nginx_support import render_nginx_conf as r; ' +
        'print(r(listen_port=int(sys.argv[1]), backend_port=int(sys.argv[2]), web_root=Path(sys.argv[3]), ' +
        'upload_dir=Path(sys.argv[4]), runtime_dir=Path(sys.argv[5])))',
      String(port), backendPort, root, join(runtime, 'uploads'), runtime,
    ],
    { cwd: REPO, encoding: 'utf8' },
  );
  writeFileSync(join(runtime, 'nginx.conf'), conf);
  const bin = ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find((p) => { try { return statSync(p).isFile(); } catch { return false; } }) ?? 'nginx';
  const child = spawn(bin, ['-p', `${runtime}/`, '-e', join(runtime, 'logs/startup.log'), '-c', join(runtime, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, 20_000);
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(base, { recursive: true, force: true });
    },
  };
}

const backend = await useBackend({ botToken: TOKEN });
// Assigned inside the try below: a failing nginx start still stops the backend (and drops its
// database) instead of leaving both behind.
let edge = null;
const initData = () => signInitData(TOKEN, { user });

async function seedPhotos(n) {
  const auth = await fetch(`${backend.baseUrl}/api/auth/max`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ init_data: initData() }),
  }).then((r) => r.json());
  for (let i = 0; i < n; i++) {
    const form = new FormData();
    form.append('file', new Blob([noisePng(640, 480)], { type: 'image/png' }), `perf-${i}.png`);
    form.append('title', `Perf ${i}`);
    const res = await fetch(`${backend.baseUrl}/api/photos/upload`, { method: 'POST', headers: { Authorization: `Bearer ${auth.access_token}` }, body: form });
    if (!res.ok) throw new Error(`seed upload: ${res.status} ${await res.text()}`);
  }
}

async function once(browser) {
  const context = await maxPhone(browser, initData());
  await context.addInitScript(() => {
    window.__lcp = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__lcp = e.startTime;
    }).observe({ type: 'largest-contentful-paint', buffered: true });
    new MutationObserver((_, obs) => {
      if (document.querySelector('.photo-grid [data-photo-id] .photo-tile-title')) {
        window.__firstGalleryPaint = performance.now();
        obs.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
    document.addEventListener(
      'load',
      (e) => {
        if (window.__firstThumb === undefined && e.target instanceof HTMLImageElement && e.target.closest('.photo-grid')) {
          window.__firstThumb = performance.now();
        }
      },
      true,
    );
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 150,
    downloadThroughput: (1.6 * 1024 * 1024) / 8,
    uploadThroughput: (750 * 1024) / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => (bytes += e.encodedDataLength));
  await page.goto(edge ? edge.url : backend.baseUrl);
  await page.waitForFunction(() => window.__firstGalleryPaint !== undefined, null, { timeout: 60_000 });
  // Largest paint settles once the tiles on screen have their pictures.
  await page.waitForFunction(
    () => {
      const imgs = [...document.querySelectorAll('.photo-grid img')].filter((i) => i.getBoundingClientRect().top < innerHeight);
      return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0);
    },
    null,
    { timeout: 60_000 },
  );
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const result = await page.evaluate(() => {
    const first = window.__firstGalleryPaint;
    const before = performance.getEntriesByType('resource').filter((e) => e.startTime < first);
    const sum = (list) => list.reduce((s, e) => s + e.encodedBodySize, 0);
    const scripts = before.filter((e) => e.name.endsWith('.js'));
    const styles = before.filter((e) => e.name.endsWith('.css'));
    return {
      ms: first,
      thumb: window.__firstThumb,
      lcp: window.__lcp,
      requests: before.length + 1, // + the document
      scripts: scripts.length,
      js: sum(scripts),
      css: sum(styles),
      names: before.map((e) => new URL(e.name).pathname),
      timeline: performance
        .getEntriesByType('resource')
        .map((e) => `${Math.round(e.startTime)}→${Math.round(e.responseEnd)} ${(e.encodedBodySize / 1024).toFixed(1)}K ${new URL(e.name).pathname}`),
    };
  });
  await context.close();
  return { ...result, bytes };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const list = (xs) => xs.map((x) => Math.round(x)).join(', ');

try {
  edge = NGINX ? await startNginx(backend.baseUrl) : null;
  await seedPhotos(SEED);
  const browser = await launch();
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await once(browser));
  await browser.close();
  const last = runs.at(-1);
  console.log(`served by: ${edge ? 'nginx.conf (gzip)' : 'the backend (no compression)'}; ${RUNS} cold run(s), ${SEED} photos seeded, CPU ${CPU_SLOWDOWN}× slower`);
  console.log(`first gallery paint (ms): ${list(runs.map((r) => r.ms))} → median ${Math.round(median(runs.map((r) => r.ms)))}`);
  console.log(`first thumbnail (ms): ${list(runs.map((r) => r.thumb))} → median ${Math.round(median(runs.map((r) => r.thumb)))}`);
  console.log(`largest paint (ms): ${list(runs.map((r) => r.lcp))} → median ${Math.round(median(runs.map((r) => r.lcp)))}`);
  console.log(`requests before the first tiles: ${last.requests} (${last.scripts} JS files): ${['/', ...last.names].join(' ')}`);
  console.log(`initial JS ${(last.js / 1024).toFixed(1)} KiB + CSS ${(last.css / 1024).toFixed(1)} KiB over the wire = ${((last.js + last.css) / 1024).toFixed(1)} KiB`);
  if (process.env.TIMELINE) console.log(last.timeline.join('\n'));
  console.log(`bytes over the wire until then (last run, all requests): ${(last.bytes / 1024).toFixed(1)} KiB`);
} finally {
  await edge?.stop();
  await backend.stop();
}
