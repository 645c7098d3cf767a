import { act } from 'preact/test-utils';
import { createRoot } from 'react-dom/client';
import { describe, expect, it, vi } from 'vitest';
import { PhotoImage } from './PhotoImage';

const HASH = 'LKO2?U%2Tw=w]~RBVZRi};RPxuwH';

describe('PhotoImage placeholders', () => {
  it('decodes at once on the first screen, after the first paint below it', async () => {
    const box = document.createElement('div');
    await act(() =>
      createRoot(box).render(
        <>
          <PhotoImage src="/a.webp" alt="a" placeholder={HASH} color="#123456" />
          <PhotoImage src="/b.webp" alt="b" placeholder="LEHV6nWB2yk8pyo0adR*.7kCMdnj" color="#654321" placeholderLater />
        </>,
      ),
    );
    const [now, later] = [...box.querySelectorAll<HTMLElement>('.photo-image')];
    expect(now!.style.backgroundImage).toContain('data:image/bmp;base64,');
    // Below the fold: the dominant colour first, the blur once the browser is idle.
    expect(later!.style.backgroundImage).toBe('');
    expect(later!.style.backgroundColor).toBe('rgb(101, 67, 33)');
    await vi.waitFor(() => expect(later!.style.backgroundImage).toContain('data:image/bmp;base64,'));
  });
});
