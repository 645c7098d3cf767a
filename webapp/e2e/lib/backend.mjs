// Uses the backend at E2E_BASE_URL when given; otherwise starts one from the
// repository (uvicorn from .venv) on a free port with a throw-away database.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(new URL('../../..', import.meta.url).pathname);

/** A port nothing listens on now (the OS picks it). */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
    srv.on('error', rej);
  });
}

export async function waitForHealth(baseUrl, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    try {
      const res = await fetch(`${baseUrl}/health`);
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`backend at ${baseUrl} not healthy: ${last}`);
}

export async function useBackend({ botToken }) {
  if (process.env.E2E_BASE_URL) {
    const baseUrl = process.env.E2E_BASE_URL.replace(/\/+$/, '');
    await waitForHealth(baseUrl, 20_000);
    return { baseUrl, stop: async () => {} };
  }

  const server = process.env.E2E_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432';
  const db = `mpg_e2e_${process.pid}`;
  execFileSync('psql', [`${server}/postgres`, '-qc', `CREATE DATABASE ${db}`], { stdio: 'inherit' });
  const uploads = mkdtempSync(join(tmpdir(), 'mpg-e2e-'));
  const port = await freePort();
  const child = spawn(
    join(REPO, '.venv/bin/uvicorn'),
    ['app.main:app', '--app-dir', 'backend', '--port', String(port), '--log-level', 'warning'],
    {
      cwd: REPO,
      env: {
        ...process.env,
        DATABASE_URL: `${server}/${db}`,
        MAX_BOT_TOKEN: botToken,
        TELEGRAM_BOT_TOKEN: process.env.E2E_TG_BOT_TOKEN ?? '654321:e2e-tg-token',
        MINIAPP_LINK: 'https://max.ru/e2e_gallery_bot',
        TELEGRAM_MINIAPP_LINK: 'https://t.me/e2e_gallery_bot/gallery',
        JWT_SECRET: 'e2e-only-secret-0123456789abcdef0123456789',
        UPLOAD_DIR: uploads,
        WEBAPP_DIST: process.env.E2E_WEBAPP_DIST ?? join(REPO, 'webapp/dist'),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  process.env.E2E_DATABASE_URL = `${server}/${db}`;
  await waitForHealth(baseUrl);
  return {
    baseUrl,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      execFileSync('psql', [`${server}/postgres`, '-qc', `DROP DATABASE IF EXISTS ${db}`], { stdio: 'inherit' });
      rmSync(uploads, { recursive: true, force: true });
    },
  };
}
