import { useInfiniteQuery } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { ApiError } from '../api/client';
import { photosApi, usersApi, type Page, type Photo } from '../api';
import { keys, type FeedSource } from '../data/queries';

export interface PhotoFeed {
  items: Photo[];
  /** True while the first page loads. */
  loading: boolean;
  loadingMore: boolean;
  error: unknown;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

export function fetchFeedPage(source: FeedSource, cursor: string | null, signal?: AbortSignal): Promise<Page<Photo>> {
  return source.kind === 'user'
    ? usersApi.photos(source.userId, cursor, 24, signal)
    : photosApi.list({ ...source.query, cursor }, signal);
}

/**
 * A keyset-paginated feed from the shared cache: coming back to it finds every page already
 * loaded (and the live events applied); `seed` is a first page already in hand (the public
 * gallery shown during sign-in), shown at once and refreshed quietly.
 */
export function usePhotoFeed(source: FeedSource, seed?: Page<Photo> | null): PhotoFeed {
  const q = useInfiniteQuery({
    queryKey: keys.feed(source),
    queryFn: ({ pageParam, signal }) => fetchFeedPage(source, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    ...(seed ? { initialData: { pages: [seed], pageParams: [null] }, initialDataUpdatedAt: 0 } : {}),
  });
  const items = useMemo(() => {
    // Pages fetched before and after a live insert can overlap: show each object once.
    const seen = new Set<number>();
    return (q.data?.pages ?? []).flatMap((p) => p.items.filter((x) => !seen.has(x.id) && seen.add(x.id)));
  }, [q.data]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage, refetch } = q;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const reload = useCallback(() => void refetch(), [refetch]);
  // Offline with nothing cached: an error with a retry, not an endless skeleton.
  const waiting = q.isPending && q.fetchStatus === 'paused';
  return {
    items,
    loading: q.isPending && !waiting,
    loadingMore: isFetchingNextPage,
    error: waiting ? new ApiError(0, null) : q.error,
    hasMore: hasNextPage,
    loadMore,
    reload,
  };
}
