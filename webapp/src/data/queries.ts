/**
 * The one data layer every screen reads through: TanStack Query caches and shares results (two
 * screens asking for the same photo make one request; going back finds the data in hand), and
 * the live socket patches that cache (src/data/liveCache.ts), so lists change without reloading.
 * Keys are built here only, so the live patches and the screens agree on them.
 */
import { QueryClient } from '@tanstack/react-query';
import { ApiError, photosApi, type PhotoQuery } from '../api';

/** What a photo feed lists: a filtered `/api/photos` listing, or one person's public collection. */
export type FeedSource =
  | { kind: 'photos'; query: Omit<PhotoQuery, 'cursor' | 'limit'> }
  | { kind: 'user'; userId: number };

export const keys = {
  feeds: ['feed'] as const,
  feed: (s: FeedSource) => ['feed', s] as const,
  /** The anonymous first gallery page fetched while sign-in runs. */
  publicGallery: ['public-gallery'] as const,
  photo: (id: number) => ['photo', id] as const,
  story: (id: number) => ['photo', id, 'story'] as const,
  /** A person's pinned objects (their profile's showcase). */
  showcases: ['showcase'] as const,
  showcase: (userId: number) => ['showcase', userId] as const,
  user: (id: number) => ['user', id] as const,
  users: ['user'] as const,
  trades: ['trades'] as const,
  tradeList: (role: 'incoming' | 'outgoing') => ['trades', role] as const,
  trade: (ref: number | string) => ['trade', ref] as const,
  transfers: ['transfers'] as const,
  pendingCode: (photoId: number) => ['transfers', 'pending-code', photoId] as const,
  profileRequests: ['profileRequests'] as const,
  profileRequestList: (role: 'incoming' | 'outgoing') => ['profileRequests', role] as const,
  claim: (token: string) => ['claim', token] as const,
  /** What the trade form offers from (a person's objects, up to 100) and who the counterpart is. */
  tradeCandidates: ['trade-candidates'] as const,
  ownedForTrade: (userId: number) => ['trade-candidates', userId] as const,
  counterpart: (userId: number | null) => ['trade-candidates', 'user', userId] as const,
};

/** The anonymous first gallery page (preloaded by index.html: src/api/firstPage.ts). */
export const publicGalleryQuery = {
  queryKey: keys.publicGallery,
  queryFn: ({ signal }: { signal: AbortSignal }) => photosApi.listPublic(signal),
};

/** Retry what may pass on a second try (no connection, 5xx), never a 4xx answer. */
export function retryable(failures: number, err: unknown): boolean {
  if (failures >= 2) return false;
  return !(err instanceof ApiError) || err.status === 0 || err.status >= 500;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Live events keep cached data current; a revisit within this time costs no request.
        staleTime: 30_000,
        gcTime: 30 * 60_000,
        retry: retryable,
        // A messenger's webview gains and loses focus constantly (share sheets, the scanner).
        refetchOnWindowFocus: false,
      },
    },
  });
}

export const queryClient = createQueryClient();
