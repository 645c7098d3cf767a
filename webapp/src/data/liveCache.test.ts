// @vitest-environment node
import type { InfiniteData } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { Page, Photo, ServerEvent } from '../api';
import { applyLiveEvent, feedAccepts } from './liveCache';
import { createQueryClient, keys, type FeedSource } from './queries';

const anna = { id: 1, display_name: 'Анна', avatar_url: null };
const boris = { id: 2, display_name: 'Борис', avatar_url: null };
const photo = (id: number, over: Partial<Photo> = {}): Photo => ({
  id,
  mint_number: id,
  profile_hidden: false,
  title: `Фото ${id}`,
  description: '',
  width: 10,
  height: 10,
  mime: 'image/png',
  placeholder: '',
  dominant_color: '#000000',
  thumb_url: '',
  thumb_2x_url: '',
  preview_url: '',
  owner: anna,
  creator: anna,
  favorites_count: 0,
  created_at: '2026-12-07T00:00:00Z',
  updated_at: '2026-12-07T00:00:00Z',
  is_favorite: true,
  ...over,
});
type Feed = InfiniteData<Page<Photo>, string | null>;
const feedOf = (items: Photo[]): Feed => ({ pages: [{ items, next_cursor: null }], pageParams: [null] });
const ev = (e: unknown) => e as ServerEvent;

const all: FeedSource = { kind: 'photos', query: {} };
const borisOwns: FeedSource = { kind: 'photos', query: { owner_id: 2 } };
const favourites: FeedSource = { kind: 'photos', query: { favorites: true } };

describe('live events → the query cache', () => {
  it('a new photo enters the feeds it belongs to, once, and no other', () => {
    const qc = createQueryClient();
    qc.setQueryData(keys.feed(all), feedOf([photo(1)]));
    qc.setQueryData(keys.feed(borisOwns), feedOf([]));
    qc.setQueryData(keys.feed(favourites), feedOf([]));
    const created = ev({ id: 10, type: 'photo.created', data: { ...photo(5), is_favorite: undefined } });
    applyLiveEvent(qc, created);
    applyLiveEvent(qc, created); // a replay after a reconnect
    expect(qc.getQueryData<Feed>(keys.feed(all))!.pages[0].items.map((p) => p.id)).toEqual([5, 1]);
    expect(qc.getQueryData<Feed>(keys.feed(all))!.pages[0].items[0].is_favorite).toBe(false);
    expect(qc.getQueryData<Feed>(keys.feed(borisOwns))!.pages[0].items).toEqual([]);
    expect(qc.getQueryData<Feed>(keys.feed(favourites))!.pages[0].items).toEqual([]);
  });

  it('an edit and a favourite count patch every feed and the open photo, keeping my own favourite flag', () => {
    const qc = createQueryClient();
    qc.setQueryData(keys.feed(all), feedOf([photo(1), photo(2)]));
    qc.setQueryData(keys.photo(2), photo(2));
    applyLiveEvent(qc, ev({ id: 1, type: 'photo.updated', data: { ...photo(2, { title: 'Новое' }), is_favorite: undefined } }));
    applyLiveEvent(qc, ev({ id: 2, type: 'photo.favorites_changed', data: { photo_id: 2, favorites_count: 7 } }));
    const listed = qc.getQueryData<Feed>(keys.feed(all))!.pages[0].items[1];
    expect(listed).toMatchObject({ title: 'Новое', favorites_count: 7, is_favorite: true });
    expect(qc.getQueryData<Photo>(keys.photo(2))).toMatchObject({ title: 'Новое', favorites_count: 7, is_favorite: true });
  });

  it('a deletion leaves every feed; a new display name reaches every tile', () => {
    const qc = createQueryClient();
    qc.setQueryData(keys.feed(all), feedOf([photo(1), photo(2, { owner: boris })]));
    applyLiveEvent(qc, ev({ id: 1, type: 'photo.deleted', data: { id: 1 } }));
    applyLiveEvent(qc, ev({ id: 2, type: 'user.updated', data: { ...boris, display_name: 'Боря' } }));
    const items = qc.getQueryData<Feed>(keys.feed(all))!.pages[0].items;
    expect(items.map((p) => [p.id, p.owner.display_name])).toEqual([[2, 'Боря']]);
  });

  it('an owner change refetches the photo and the feeds of both owners, not unrelated ones', () => {
    const qc = createQueryClient();
    const annaOwns: FeedSource = { kind: 'photos', query: { owner_id: 1 } };
    const veraOwns: FeedSource = { kind: 'photos', query: { owner_id: 3 } };
    for (const s of [annaOwns, borisOwns, veraOwns]) qc.setQueryData(keys.feed(s), feedOf([]));
    qc.setQueryData(keys.photo(4), photo(4));
    applyLiveEvent(
      qc,
      ev({ id: 3, type: 'ownership.changed', data: { photo_id: 4, from_user_id: 1, to_user_id: 2, reason: 'transfer', trade_id: null, transfer_id: 9 } }),
    );
    const stale = (k: readonly unknown[]) => qc.getQueryState(k)!.isInvalidated;
    expect([stale(keys.feed(annaOwns)), stale(keys.feed(borisOwns)), stale(keys.feed(veraOwns)), stale(keys.photo(4))]).toEqual([true, true, false, true]);
  });

  it('a showcase change refetches that profile’s showcase; an owner change both owners’', () => {
    const qc = createQueryClient();
    for (const id of [1, 2, 3]) qc.setQueryData(keys.showcase(id), { user_id: id, items: [] });
    qc.setQueryData(keys.story(4), { photo_id: 4 });
    const stale = (k: readonly unknown[]) => qc.getQueryState(k)!.isInvalidated;
    applyLiveEvent(qc, ev({ id: 4, type: 'showcase.updated', data: { user_id: 3, photo_ids: [7, 5] } }));
    expect([stale(keys.showcase(1)), stale(keys.showcase(2)), stale(keys.showcase(3))]).toEqual([false, false, true]);
    applyLiveEvent(
      qc,
      ev({ id: 5, type: 'ownership.changed', data: { photo_id: 4, from_user_id: 1, to_user_id: 2, reason: 'trade', trade_id: 3, transfer_id: null } }),
    );
    // A pin goes when its object changes hands; the object's story gains an owner.
    expect([stale(keys.showcase(1)), stale(keys.showcase(2)), stale(keys.story(4))]).toEqual([true, true, true]);
  });

  it('feedAccepts follows the search text, owner, creator and person filters', () => {
    const p = photo(1, { title: 'Закат над морем', owner: boris });
    expect(feedAccepts({ kind: 'photos', query: { q: 'закат' } }, p)).toBe(true);
    expect(feedAccepts({ kind: 'photos', query: { q: 'рассвет' } }, p)).toBe(false);
    expect(feedAccepts({ kind: 'photos', query: { creator_id: 1 } }, p)).toBe(true);
    expect(feedAccepts({ kind: 'user', userId: 2 }, p)).toBe(true);
    expect(feedAccepts({ kind: 'user', userId: 1 }, p)).toBe(false);
  });
});
