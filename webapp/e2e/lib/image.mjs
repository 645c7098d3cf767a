// Makes a unique PNG (random noise, so every run mints new objects and the
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
  const base = randomBytes(3);
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    const noise = randomBytes(width * 3);
    for (let x = 0; x < width * 3; x++) {
      // A soft gradient from a random colour plus noise: looks like a photo-ish blur.
      row[1 + x] = (base[x % 3] + ((y * 255) / height) * (x % 3 === 1 ? 1 : 0.3) + (noise[x] >> 2)) & 255;
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
