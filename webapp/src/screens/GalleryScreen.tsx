import { SearchInput } from '@maxhub/max-ui';
import { useTranslation } from 'react-i18next';
import { useCallback, useEffect, useState } from 'react';
import { photosApi, type Page, type Photo } from '../api';
import { PhotoGrid } from '../components/PhotoGrid';
import { ScreenTitle } from '../components/Screen';
import { EmptyState } from '../components/States';
import { usePhotoFeed } from '../hooks/usePhotoFeed';
import { useLivePhotoFeed } from '../hooks/useLivePhotoFeed';
import { ButtonLink } from '../components/ButtonLink';

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** The first public page fetched while sign-in ran; the signed-in gallery starts from it. */
let publicFirstPage: Page<Photo> | null = null;

/**
 * Shown while sign-in runs (it and the listing go in parallel, not one after the other): the
 * public gallery, without the live socket, which opens only behind sign-in.
 */
export function StartingGallery() {
  const { t } = useTranslation();
  const feed = usePhotoFeed(
    'public',
    useCallback(async (_cursor, signal) => (publicFirstPage = await photosApi.listPublic(signal)), []),
  );
  return (
    <main className="app-content" aria-busy="true">
      <ScreenTitle>{t('gallery.title')}</ScreenTitle>
      <PhotoGrid feed={{ ...feed, hasMore: false }} empty={<EmptyState icon="image" title={t('gallery.emptyTitle')} />} />
    </main>
  );
}

/** Everyone's art objects, newest first, live. */
export default function GalleryScreen() {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 300);
  const feed = usePhotoFeed(
    `gallery:${q}`,
    useCallback((cursor, signal) => photosApi.list({ cursor, q: q || undefined }, signal), [q]),
    q ? null : publicFirstPage,
  );
  const accepts = useCallback(
    (p: Photo) => !q || `${p.title} ${p.description ?? ''}`.toLowerCase().includes(q.toLowerCase()),
    [q],
  );
  const fresh = useLivePhotoFeed(feed, accepts);

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
