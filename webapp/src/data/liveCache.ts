/**
 * Live events → the query cache. One subscriber (mounted with the socket) applies every event
 * to every cached query it concerns, so each screen shows the change whether or not it is
 * mounted, and a list you come back to is already current. Where an event carries the new
 * state (a photo's fields, a favourite count) the cache is patched in place; where it names
 * only ids (an owner change, a trade or transfer status) the affected queries are refetched.
 */
import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import type { Page, Photo, ServerEvent } from '../api';
import { keys, type FeedSource } from './queries';

type FeedData = InfiniteData<Page<Photo>, string | null>;

/** Would a photo just created appear in this feed's first page? */
export function feedAccepts(source: FeedSource, p: Photo): boolean {
  if (source.kind === 'user') return p.owner.id === source.userId;
  const { q, owner_id, creator_id, favorites } = source.query;
  if (favorites) return false; // nobody has favourited a photo that did not exist a moment ago
  if (owner_id !== undefined && owner_id !== null && p.owner.id !== owner_id) return false;
  if (creator_id !== undefined && creator_id !== null && p.creator.id !== creator_id) return false;
  if (q) return `${p.title} ${p.description ?? ''}`.toLowerCase().includes(q.toLowerCase());
  return true;
}

function mapFeeds(qc: QueryClient, fn: (source: FeedSource, data: FeedData) => FeedData): void {
  for (const [key, data] of qc.getQueriesData<FeedData>({ queryKey: keys.feeds })) {
    if (data) qc.setQueryData<FeedData>(key, fn(key[1] as FeedSource, data));
  }
}

function mapPhotos(data: FeedData, fn: (p: Photo) => Photo | null): FeedData {
  return {
    ...data,
    pages: data.pages.map((page) => ({
      ...page,
      items: page.items.flatMap((p) => {
        const next = fn(p);
        return next ? [next] : [];
      }),
    })),
  };
}

// Ids that arrived live since load, for the tiles' highlight.
let fresh: ReadonlySet<number> = new Set();
const freshListeners = new Set<() => void>();
function markFresh(id: number): void {
  fresh = new Set(fresh).add(id);
  freshListeners.forEach((l) => l());
}
export function useFreshIds(): ReadonlySet<number> {
  return useSyncExternalStore(
    (l) => (freshListeners.add(l), () => freshListeners.delete(l)),
    () => fresh,
  );
}

export function applyLiveEvent(qc: QueryClient, e: ServerEvent): void {
  switch (e.type) {
    case 'photo.created': {
      // An event is the same for every viewer: whether it is this viewer's favourite is not in it.
      const photo: Photo = { ...e.data, is_favorite: false };
      mapFeeds(qc, (source, data) => {
        if (!feedAccepts(source, photo) || data.pages.some((pg) => pg.items.some((p) => p.id === photo.id))) return data;
        const [first, ...rest] = data.pages;
        return { ...data, pages: [{ ...first, items: [photo, ...first.items] }, ...rest] };
      });
      markFresh(photo.id);
      return;
    }
    case 'photo.updated': {
      const photo = e.data;
      const merge = (p: Photo): Photo => (p.id === photo.id ? { ...p, ...photo, is_favorite: p.is_favorite } : p);
      mapFeeds(qc, (_s, data) => mapPhotos(data, merge));
      qc.setQueryData<Photo>(keys.photo(photo.id), (p) => p && merge(p));
      return;
    }
    case 'photo.deleted': {
      const { id } = e.data;
      mapFeeds(qc, (_s, data) => mapPhotos(data, (p) => (p.id === id ? null : p)));
      void qc.invalidateQueries({ queryKey: keys.photo(id) });
      return;
    }
    case 'photo.favorites_changed': {
      const { photo_id, favorites_count } = e.data;
      const set = (p: Photo): Photo => (p.id === photo_id ? { ...p, favorites_count } : p);
      mapFeeds(qc, (_s, data) => mapPhotos(data, set));
      qc.setQueryData<Photo>(keys.photo(photo_id), (p) => p && set(p));
      return;
    }
    case 'ownership.changed': {
      const { photo_id, from_user_id, to_user_id } = e.data;
      // The event names only ids: refetch the photo, its provenance, and every feed that holds
      // it or filters by one of the two owners (it may enter or leave those).
      void qc.invalidateQueries({ queryKey: keys.photo(photo_id) });
      void qc.invalidateQueries({ queryKey: keys.tradeCandidates });
      // A pin goes when the object changes hands.
      for (const owner of [from_user_id, to_user_id]) if (owner !== null) void qc.invalidateQueries({ queryKey: keys.showcase(owner) });
      void qc.invalidateQueries({
        queryKey: keys.feeds,
        predicate: (query) => {
          const source = query.queryKey[1] as FeedSource | undefined;
          const data = query.state.data as FeedData | undefined;
          const holds = data?.pages.some((pg) => pg.items.some((p) => p.id === photo_id)) ?? false;
          const owners = [from_user_id, to_user_id];
          const byOwner =
            source?.kind === 'user'
              ? owners.includes(source.userId)
              : source?.query.owner_id !== undefined && owners.includes(source?.query.owner_id ?? null);
          return holds || byOwner;
        },
      });
      return;
    }
    case 'showcase.updated':
      // It names the pinned ids only: the showcase is read again (its cards, as this viewer sees them).
      void qc.invalidateQueries({ queryKey: keys.showcase(e.data.user_id) });
      return;
    case 'user.updated': {
      const user = e.data;
      // A new display name shows on every tile that names this person.
      const rename = (p: Photo): Photo => ({
        ...p,
        owner: p.owner.id === user.id ? { ...p.owner, ...user } : p.owner,
        creator: p.creator.id === user.id ? { ...p.creator, ...user } : p.creator,
      });
      mapFeeds(qc, (_s, data) => mapPhotos(data, rename));
      void qc.invalidateQueries({ queryKey: keys.user(user.id) });
      return;
    }
    case 'trade.created':
    case 'trade.updated':
      void qc.invalidateQueries({ queryKey: keys.trades });
      void qc.invalidateQueries({ queryKey: ['trade'] });
      return;
    case 'transfer.updated':
      void qc.invalidateQueries({ queryKey: keys.transfers });
      return;
    case 'profile_request.updated':
      void qc.invalidateQueries({ queryKey: keys.profileRequests });
      void qc.invalidateQueries({ queryKey: keys.users });
      return;
    default:
      return;
  }
}
