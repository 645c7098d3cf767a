import { SearchInput } from '@maxhub/max-ui';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from '../i18n';
import { useEffect, useState } from 'react';
import type { Page, Photo } from '../api';
import { PhotoGrid } from '../components/PhotoGrid';
import { ScreenTitle } from '../components/Screen';
import { EmptyState } from '../components/States';
import { usePhotoFeed } from '../hooks/usePhotoFeed';
import { useScrollMemory } from '../hooks/useScrollMemory';
import { useFreshIds } from '../data/liveCache';
import { keys, publicGalleryQuery } from '../data/queries';
import { ButtonLink } from '../components/ButtonLink';

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/**
 * Shown while sign-in runs (it and the listing go in parallel, not one after the other): the
 * public gallery, without the live socket, which opens only behind sign-in.
 */
export function StartingGallery() {
  const { t } = useTranslation();
  const q = useQuery(publicGalleryQuery);
  const items = q.data?.items ?? [];
  return (
    <main className="app-content" aria-busy="true">
      <ScreenTitle>{t('gallery.title')}</ScreenTitle>
      <PhotoGrid
        feed={{ items, loading: q.isPending, loadingMore: false, error: q.error, hasMore: false, loadMore: () => {}, reload: () => void q.refetch() }}
        empty={<EmptyState icon="image" title={t('gallery.emptyTitle')} />}
      />
    </main>
  );
}

/** The search text survives a visit to a photo and back, like the feed and the scroll position. */
let lastSearch = '';

/** Everyone's art objects, newest first, live. */
export default function GalleryScreen() {
  const { t } = useTranslation();
  const [text, setText] = useState(lastSearch);
  lastSearch = text;
  const q = useDebounced(text.trim(), 300);
  // The signed-in gallery starts from the public page fetched during sign-in, if there was one.
  const seed = useQueryClient().getQueryData<Page<Photo>>(keys.publicGallery);
  const feed = usePhotoFeed({ kind: 'photos', query: q ? { q } : {} }, q ? null : seed);
  const fresh = useFreshIds();
  useScrollMemory(`gallery:${q}`, feed.items.length > 0);

  return (
    <>
      <ScreenTitle>{t('gallery.title')}</ScreenTitle>
      <div className="mb-3">
        <SearchInput
          placeholder={t('gallery.search')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-label={t('gallery.searchLabel')}
        />
      </div>
      <PhotoGrid
        feed={feed}
        freshIds={fresh}
        empty={
          q ? (
            <EmptyState icon="image" title={t('gallery.notFoundTitle')}>
              {t('gallery.notFound', { q })}
            </EmptyState>
          ) : (
            <EmptyState
              icon="image"
              title={t('gallery.emptyTitle')}
              action={
                <ButtonLink href="/upload">{t('gallery.uploadFirst')}</ButtonLink>
              }
            >
              {t('gallery.empty')}
            </EmptyState>
          )
        }
      />
    </>
  );
}
