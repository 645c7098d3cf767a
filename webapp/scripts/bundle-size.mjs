// Measures what a phone downloads before the first screen renders: the entry
// script plus every chunk index.html preloads (and the CSS), gzip level 9.
// Usage: npm run build && npm run size
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const initial = new Set(
  [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]),
);

const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

const rows = [...initial].map((f) => ({ file: f, raw: readFileSync(join(dist, f)).length, gzip: gz(f) }));
const total = (ext) => rows.filter((r) => r.file.endsWith(ext)).reduce((s, r) => s + r.gzip, 0);
const lazy = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js') && !initial.has(`assets/${f}`));

for (const r of rows) console.log(`${r.file.padEnd(44)} ${kb(r.raw).padStart(10)} raw ${kb(r.gzip).padStart(10)} gzip`);
console.log(`initial JS  (gzip): ${kb(total('.js'))}`);
console.log(`initial CSS (gzip): ${kb(total('.css'))}`);
console.log(`lazy chunks: ${lazy.length}, largest: ${lazy
  .map((f) => ({ f, g: gz(`assets/${f}`) }))
  .sort((a, b) => b.g - a.g)
  .slice(0, 3)
  .map(({ f, g }) => `${f} ${kb(g)}`)
  .join(', ')}`);
