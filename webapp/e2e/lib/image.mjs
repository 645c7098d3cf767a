// Makes a unique PNG (random tiles and noise, so every run mints new objects and the
// file is big enough for the upload progress bar to be visible when throttled).
import { deflateSync, crc32 } from 'node:zlib';
import { randomBytes } from 'node:crypto';

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

export function noisePng(width = 480, height = 360) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = [];
  // A grid of 8 x 6 random colours plus fine noise: every call is a different picture, not only
  // different bytes (the gallery refuses near copies of a picture, by perceptual hash).
  const tiles = randomBytes(8 * 6 * 3);
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    const noise = randomBytes(width * 3);
    const tileRow = Math.floor((y * 6) / height) * 8;
    for (let x = 0; x < width * 3; x++) {
      const tile = tileRow + Math.floor((Math.floor(x / 3) * 8) / width);
      row[1 + x] = (tiles[tile * 3 + (x % 3)] + (noise[x] >> 3)) & 255;
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 1 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
