// @vitest-environment node
import { decode } from 'blurhash';
import { describe, expect, it } from 'vitest';
import { blurhashUrl, bmpDataUrl } from './PhotoImage';

const HASH = 'LEHV6nWB2yk8pyo0adR*.7kCMdnj';

/** The pixel at (x, y), top row first, read back out of a 24-bit bottom-up BMP. */
function pixel(bmp: Uint8Array, x: number, y: number): number[] {
  const view = new DataView(bmp.buffer);
  const width = view.getInt32(18, true);
  const height = view.getInt32(22, true);
  const row = (width * 3 + 3) & ~3;
  const o = view.getUint32(10, true) + (height - 1 - y) * row + x * 3;
  return [bmp[o + 2]!, bmp[o + 1]!, bmp[o]!];
}

describe('blurhash placeholder', () => {
  it('is a valid 16×16 24-bit BMP holding exactly the decoded pixels', () => {
    const url = blurhashUrl(HASH)!;
    expect(url.startsWith('data:image/bmp;base64,')).toBe(true);
    const bmp = Uint8Array.from(atob(url.split(',')[1]!), (c) => c.charCodeAt(0));
    const view = new DataView(bmp.buffer);
    expect(String.fromCharCode(bmp[0]!, bmp[1]!)).toBe('BM');
    expect(view.getUint32(2, true)).toBe(bmp.length);
    expect([view.getInt32(18, true), view.getInt32(22, true), view.getUint16(28, true)]).toEqual([16, 16, 24]);
    const rgba = decode(HASH, 16, 16);
    for (const [x, y] of [[0, 0], [15, 0], [0, 15], [7, 9], [15, 15]] as const) {
      const i = (y * 16 + x) * 4;
      expect(pixel(bmp, x, y), `pixel ${x},${y}`).toEqual([rgba[i], rgba[i + 1], rgba[i + 2]]);
    }
  });

  it('pads rows to 4 bytes when the width needs it', () => {
    const rgba = new Uint8ClampedArray(3 * 2 * 4).map((_, i) => i * 7);
    const bmp = Uint8Array.from(atob(bmpDataUrl(rgba, 3, 2).split(',')[1]!), (c) => c.charCodeAt(0));
    expect(bmp.length).toBe(54 + 12 * 2); // 3 pixels × 3 bytes = 9, padded to 12
    expect(pixel(bmp, 2, 1)).toEqual([rgba[20], rgba[21], rgba[22]]);
  });

  it('answers null for a malformed hash instead of throwing', () => {
    expect(blurhashUrl('nope')).toBeNull();
  });
});
