import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page, Photo } from '../api';

export interface PhotoFeed {
  items: Photo[];
  /** True while the first page loads. */
  loading: boolean;
  loadingMore: boolean;
  error: unknown;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
  /** Local edits from live events. */
  update: (fn: (items: Photo[]) => Photo[]) => void;
}

/**
 * Keyset-paginated photos: `fetchPage(cursor)` returns `{items, next_cursor}`;
 * `key` identifies the query (a new key starts over).
 */
export function usePhotoFeed(
  key: string,
  fetchPage: (cursor: string | null, signal: AbortSignal) => Promise<Page<Photo>>,
  /** A first page already in hand (the public gallery shown during sign-in): shown at once, then refreshed quietly. */
  seed?: Page<Photo> | null,
): PhotoFeed {
  const seedRef = useRef(seed);
  const [items, setItems] = useState<Photo[]>(() => seed?.items ?? []);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(true);
  const [loading, setLoading] = useState(!seed);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const inflight = useRef<AbortController | null>(null);

  const run = useCallback((from: string | null, first: boolean, quiet = false) => {
    inflight.current?.abort();
    const ctrl = new AbortController();
    inflight.current = ctrl;
    if (first) setLoading(!quiet);
    else setLoadingMore(true);
    setError(null);
    fetchRef.current(from, ctrl.signal).then(
      (page) => {
        if (ctrl.signal.aborted) return;
        setItems((prev) => {
          if (first) return page.items;
          const seen = new Set(prev.map((p) => p.id));
          return [...prev, ...page.items.filter((p) => !seen.has(p.id))];
        });
        setCursor(page.next_cursor);
        setHasMore(Boolean(page.next_cursor));
        setLoading(false);
        setLoadingMore(false);
      },
      (err) => {
        if (ctrl.signal.aborted) return;
        setError(err);
        setLoading(false);
        setLoadingMore(false);
      },
    );
  }, []);

  useEffect(() => {
    const seeded = seedRef.current;
    seedRef.current = null; // only for the first load
    if (seeded) {
      setItems(seeded.items);
      setCursor(seeded.next_cursor);
      setHasMore(Boolean(seeded.next_cursor));
      run(null, true, true);
    } else {
      setItems([]);
      setCursor(null);
      setHasMore(true);
      run(null, true);
    }
    return () => inflight.current?.abort();
  }, [key, generation, run]);

  const loadMore = useCallback(() => {
    if (loading || loadingMore || !hasMore) return;
    run(cursor, false);
  }, [loading, loadingMore, hasMore, cursor, run]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  return { items, loading, loadingMore, error, hasMore, loadMore, reload, update: setItems };
}
