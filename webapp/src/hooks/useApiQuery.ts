import { useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useCallback } from 'react';
import { ApiError } from '../api/client';

export interface ApiQueryState<T> {
  data: T | undefined;
  error: unknown;
  /** True until the first answer (a refetch in the background keeps showing the data). */
  loading: boolean;
  reload: () => void;
  /** Write a local result (e.g. what a mutation answered) into the shared cache. */
  setData: (update: (prev: T | undefined) => T | undefined) => void;
}

/**
 * One cached request (keys from data/queries.ts): shared by every screen that asks for the same
 * key, kept while you navigate, refreshed by the live events (data/liveCache.ts).
 */
export function useApiQuery<T>(
  key: QueryKey,
  load: (signal: AbortSignal) => Promise<T>,
  opts: { enabled?: boolean } = {},
): ApiQueryState<T> {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: key, queryFn: ({ signal }) => load(signal), enabled: opts.enabled });
  const { refetch } = q;
  const reload = useCallback(() => void refetch(), [refetch]);
  const hash = JSON.stringify(key);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the key is compared by value
  const setData = useCallback((update: (prev: T | undefined) => T | undefined) => qc.setQueryData<T>(key, update), [qc, hash]);
  // Offline with nothing cached, the query waits for the connection: say so (with a retry)
  // instead of spinning. What is cached stays on screen meanwhile.
  const waiting = q.isPending && q.fetchStatus === 'paused';
  return {
    data: q.data,
    error: waiting ? new ApiError(0, null) : q.error,
    loading: q.isPending && !waiting && opts.enabled !== false,
    reload,
    setData,
  };
}
