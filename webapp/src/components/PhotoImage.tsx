import { decode } from 'blurhash';
import { useMemo, useState } from 'react';

// 16×16 is plenty for a blur the browser scales up smoothly; 32×32 cost four times the decoding
// (and a bigger PNG to encode) per tile, on the main thread before the first tiles showed.
const HASH_SIZE = 16;
const cache = new Map<string, string>();

/** Decodes a blurhash into a tiny data URL (memoised). */
function blurhashUrl(hash: string): string | null {
  const hit = cache.get(hash);
  if (hit) return hit;
  try {
    const pixels = decode(hash, HASH_SIZE, HASH_SIZE);
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = HASH_SIZE;
    const ctx = canvas.getContext('2d');
    if (!ctx) return null;
    const img = ctx.createImageData(HASH_SIZE, HASH_SIZE);
    img.data.set(pixels);
    ctx.putImageData(img, 0, 0);
    const url = canvas.toDataURL();
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
}

/** An image that shows its blurhash (or dominant colour) until the real pixels arrive. */
export function PhotoImage({ src, src2x, sizes, alt, placeholder, color, ratio = 1, className = '', eager = false }: Props) {
  const [state, setState] = useState<'loading' | 'loaded' | 'error'>('loading');
  const blur = useMemo(() => (placeholder ? blurhashUrl(placeholder) : null), [placeholder]);
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
