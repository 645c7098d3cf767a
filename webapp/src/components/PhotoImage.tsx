import { decode } from 'blurhash';
import { useEffect, useState } from 'react';

// 16×16 is plenty for a blur the browser scales up smoothly; 32×32 cost four times the decoding
// per tile, on the main thread before the first tiles showed.
const HASH_SIZE = 16;
const cache = new Map<string, string>();

/**
 * Pixels (RGBA, top row first, as blurhash's `decode` gives them) → a 24-bit BMP data URL.
 * Written by hand instead of canvas + `toDataURL`: no 2D context to create and no PNG to encode
 * per tile, which was most of the placeholders' cost in the first tiles' render.
 */
export function bmpDataUrl(rgba: Uint8ClampedArray, width: number, height: number): string {
  const row = (width * 3 + 3) & ~3; // rows are padded to 4 bytes
  const size = 54 + row * height;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes[0] = 0x42; // "BM"
  bytes[1] = 0x4d;
  view.setUint32(2, size, true);
  view.setUint32(10, 54, true); // pixel data offset
  view.setUint32(14, 40, true); // BITMAPINFOHEADER
  view.setInt32(18, width, true);
  view.setInt32(22, height, true); // positive: bottom row first
  view.setUint16(26, 1, true); // planes
  view.setUint16(28, 24, true); // bits per pixel
  view.setUint32(34, row * height, true);
  for (let y = 0; y < height; y++) {
    let o = 54 + (height - 1 - y) * row;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      bytes[o++] = rgba[i + 2]!; // BMP stores blue, green, red
      bytes[o++] = rgba[i + 1]!;
      bytes[o++] = rgba[i]!;
    }
  }
  let binary = '';
  for (let i = 0; i < size; i++) binary += String.fromCharCode(bytes[i]!);
  return `data:image/bmp;base64,${btoa(binary)}`;
}

/** Placeholders waiting to be decoded after the first paint, and the tiles waiting for them. */
const later = new Map<string, Set<(url: string | null) => void>>();
let laterScheduled = false;

/** Decodes `hash` once the browser is idle (after the first paint) and calls `done` with it. */
function decodeLater(hash: string, done: (url: string | null) => void): () => void {
  let waiting = later.get(hash);
  if (!waiting) later.set(hash, (waiting = new Set()));
  waiting.add(done);
  if (!laterScheduled) {
    laterScheduled = true;
    const idle = window.requestIdleCallback ?? ((cb: () => void) => setTimeout(cb, 50));
    idle(() => {
      laterScheduled = false;
      const batch = [...later];
      later.clear();
      for (const [h, callbacks] of batch) {
        const url = blurhashUrl(h);
        callbacks.forEach((cb) => cb(url));
      }
    });
  }
  return () => waiting.delete(done);
}

/** Decodes a blurhash into a tiny data URL (memoised). */
export function blurhashUrl(hash: string): string | null {
  const hit = cache.get(hash);
  if (hit) return hit;
  try {
    const url = bmpDataUrl(decode(hash, HASH_SIZE, HASH_SIZE), HASH_SIZE, HASH_SIZE);
    cache.set(hash, url);
    return url;
  } catch {
    return null;
  }
}

interface Props {
  src: string;
  /** The 640-px thumbnail, when the backend has one: 2× screens pick it through srcset. */
  src2x?: string | null;
  /** Rendered width for srcset (CSS `sizes`), e.g. a grid column. */
  sizes?: string;
  alt: string;
  placeholder?: string | null;
  color?: string | null;
  /** width / height; the box keeps it so the layout never jumps. */
  ratio?: number;
  className?: string;
  eager?: boolean;
  /**
   * Decode the blurhash after the first paint instead of during this render: for tiles below the
   * first screenful, whose placeholders nobody sees yet (decoding all 24 of a page was a quarter
   * of the first tiles' render on a slow phone).
   */
  placeholderLater?: boolean;
}

/** An image that shows its blurhash (or dominant colour) until the real pixels arrive. */
export function PhotoImage({ src, src2x, sizes, alt, placeholder, color, ratio = 1, className = '', eager = false, placeholderLater = false }: Props) {
  const [state, setState] = useState<'loading' | 'loaded' | 'error'>('loading');
  const now = !placeholder ? null : !placeholderLater || cache.has(placeholder) ? blurhashUrl(placeholder) : undefined;
  const [decoded, setDecoded] = useState<{ hash: string; url: string | null } | null>(null);
  useEffect(() => {
    if (now !== undefined || !placeholder) return;
    return decodeLater(placeholder, (url) => setDecoded({ hash: placeholder, url }));
  }, [now, placeholder]);
  const blur = now !== undefined ? now : decoded && decoded.hash === placeholder ? decoded.url : null;
  return (
    <div
      className={`photo-image ${className}`}
      style={{
        aspectRatio: String(ratio),
        backgroundColor: color ?? undefined,
        backgroundImage: blur ? `url(${blur})` : undefined,
      }}
      data-state={state}
    >
      <img
        src={src}
        srcSet={src2x ? `${src} 320w, ${src2x} 640w` : undefined}
        sizes={src2x ? (sizes ?? '(min-width: 768px) 240px, 50vw') : undefined}
        alt={alt}
        loading={eager ? 'eager' : 'lazy'}
        decoding="async"
        onLoad={() => setState('loaded')}
        onError={() => setState('error')}
      />
    </div>
  );
}
