import { useState } from 'react';
import { photosApi, type Photo } from '../api';
export type { OwnershipChanged } from '../api';
import { useLiveEvents } from '../state/live';
import type { PhotoFeed } from './usePhotoFeed';

/**
 * Keeps a feed in step with `/api/ws`: new photos slide in at the top (when
 * `accepts` says they belong here), edits and owner changes update in place,
 * deletions disappear. Returns the ids that arrived live, for a highlight.
 */
export function useLivePhotoFeed(feed: PhotoFeed, accepts: (p: Photo) => boolean): ReadonlySet<number> {
  const [fresh, setFresh] = useState<ReadonlySet<number>>(new Set());
  const { update } = feed;

  useLiveEvents(['photo.created', 'photo.updated', 'photo.deleted', 'ownership.changed'], (e) => {
    switch (e.type) {
      case 'photo.created': {
        // An event is the same for every viewer: whether it is this viewer's favorite is not in it.
        const photo: Photo = { ...e.data, is_favorite: false };
        if (!accepts(photo)) return;
        update((items) => (items.some((p) => p.id === photo.id) ? items : [photo, ...items]));
        setFresh((s) => new Set(s).add(photo.id));
        return;
      }
      case 'photo.updated': {
        const photo = e.data;
        update((items) => items.map((p) => (p.id === photo.id ? { ...p, ...photo, is_favorite: p.is_favorite } : p)));
        return;
      }
      case 'photo.deleted': {
        const { id } = e.data;
        update((items) => items.filter((p) => p.id !== id));
        return;
      }
      case 'ownership.changed': {
        const { photo_id } = e.data;
        if (!feed.items.some((p) => p.id === photo_id)) return;
        // The event names only ids: fetch the photo for the new owner's name.
        photosApi.get(photo_id).then(
          (photo) => update((items) => items.map((p) => (p.id === photo.id ? photo : p))),
          () => undefined,
        );
        return;
      }
    }
  });

  return fresh;
}
