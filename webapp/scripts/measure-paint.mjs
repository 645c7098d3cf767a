// Time to the first gallery paint on a throttled phone, and what the first screen downloads.
//   CDP profile: 150 ms RTT, 1.6 Mbps down / 750 kbps up, CPU slowed 4×; cold cache each run.
//   Usage: npm run build && node scripts/measure-paint.mjs            (starts a backend, like e2e)
//          E2E_BASE_URL=http://127.0.0.1:8000 E2E_MAX_BOT_TOKEN=… node scripts/measure-paint.mjs
//   E2E_WEBAPP_DIST picks another build to serve (to measure an older version the same way).
//   --quick: one run over two seeded photos, same throttling. scripts/e2e.sh runs it after the
//   browser suite and checks both figures are printed, so the documented command cannot rot;
//   its number is not a measurement (one cold run on a loaded CI box), the README's table is.
// "First gallery paint" = the first photo tile with its title in the DOM (a MutationObserver
// stamps performance.now() from navigation start), as a Max user opening the mini-app.
import { useBackend } from '../e2e/lib/backend.mjs';
import { launch, maxPhone } from '../e2e/lib/browser.mjs';
import { noisePng } from '../e2e/lib/image.mjs';
import { signInitData } from '../e2e/lib/initData.mjs';

const TOKEN = process.env.E2E_MAX_BOT_TOKEN ?? 'e2e-test-bot-token';
const QUICK = process.argv.includes('--quick');
const RUNS = QUICK ? 1 : Number(process.env.RUNS ?? 5);
const SEED = QUICK ? 2 : Number(process.env.SEED ?? 8);
const user = { id: 9_100_000 + (Date.now() % 100_000), first_name: 'Perf', language_code: 'ru' };

const backend = await useBackend({ botToken: TOKEN });
const base = backend.baseUrl;
const initData = () => signInitData(TOKEN, { user });

async function seedPhotos(n) {
  const auth = await fetch(`${base}/api/auth/max`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ init_data: initData() }),
  }).then((r) => r.json());
  for (let i = 0; i < n; i++) {
    const form = new FormData();
    form.append('file', new Blob([noisePng(640, 480)], { type: 'image/png' }), `perf-${i}.png`);
    form.append('title', `Perf ${i}`);
    const res = await fetch(`${base}/api/photos/upload`, { method: 'POST', headers: { Authorization: `Bearer ${auth.access_token}` }, body: form });
    if (!res.ok) throw new Error(`seed upload: ${res.status} ${await res.text()}`);
  }
}

async function once(browser) {
  const context = await maxPhone(browser, initData());
  await context.addInitScript(() => {
    new MutationObserver((_, obs) => {
      if (document.querySelector('.photo-grid [data-photo-id] .photo-tile-title')) {
        window.__firstGalleryPaint = performance.now();
        obs.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
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
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => (bytes += e.encodedDataLength));
  await page.goto(base);
  await page.waitForFunction(() => window.__firstGalleryPaint !== undefined, null, { timeout: 60_000 });
  const ms = await page.evaluate(() => window.__firstGalleryPaint);
  await context.close();
  return { ms, bytes };
}

try {
  await seedPhotos(SEED);
  const browser = await launch();
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await once(browser));
  await browser.close();
  const sorted = runs.map((r) => r.ms).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(`first gallery paint (ms): ${runs.map((r) => Math.round(r.ms)).join(', ')} → median ${Math.round(median)}`);
  console.log(`bytes over the wire until then (last run, all requests): ${(runs.at(-1).bytes / 1024).toFixed(1)} KiB`);
} finally {
  await backend.stop();
}
