import { useEffect } from 'react';

const positions = new Map<string, number>();

/**
 * Keeps a screen's scroll position across visits within the session: saved as it scrolls,
 * restored once its (cached) content is there again. A passive effect, so it runs after the
 * shell's move to the top on every new screen (a layout effect).
 */
export function useScrollMemory(key: string, ready: boolean): void {
  useEffect(() => {
    if (!ready) return;
    const saved = positions.get(key);
    if (saved !== undefined) window.scrollTo(0, saved);
    const save = () => positions.set(key, window.scrollY);
    window.addEventListener('scroll', save, { passive: true });
    return () => {
      window.removeEventListener('scroll', save);
    };
  }, [key, ready]);
}
