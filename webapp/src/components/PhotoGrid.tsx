import { Spinner } from '@maxhub/max-ui';
import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from '../i18n';
import { Link } from 'wouter';
import type { Photo } from '../api';
import type { PhotoFeed } from '../hooks/usePhotoFeed';
import { Icon } from './Icon';
import { MintNumber } from './MintNumber';
import { PhotoImage } from './PhotoImage';
import { ErrorState } from './States';

export function PhotoTile({ photo, fresh = false, belowFold = false }: { photo: Photo; fresh?: boolean; belowFold?: boolean }) {
  const { t } = useTranslation();
  return (
    // The tile hands its data to the photo screen, which renders at once and fills in the rest.
    <Link href={`/photos/${photo.id}`} state={{ photo }} className={`photo-tile${fresh ? ' photo-tile-fresh' : ''}`} data-photo-id={photo.id}>
      <PhotoImage
        src={photo.thumb_url}
        src2x={photo.thumb_2x_url}
        sizes="(min-width: 1200px) 220px, (min-width: 768px) 25vw, 50vw"
        alt={photo.title}
        placeholder={photo.placeholder}
        placeholderLater={belowFold}
        color={photo.dominant_color}
      />
      <div className="photo-tile-caption">
        <span className="photo-tile-title">
          <MintNumber n={photo.mint_number} /> {photo.title}
        </span>
        <span className="photo-tile-owner">{photo.owner.display_name}</span>
      </div>
      {photo.is_favorite && (
        <span className="photo-tile-fav" role="img" aria-label={t('common.favorite')}>
          <Icon name="heart" size={16} filled />
        </span>
      )}
    </Link>
  );
}

/** Loading skeleton tiles with the grid's shape. */
function SkeletonGrid({ count = 8 }: { count?: number }) {
  return (
    <div className="photo-grid" aria-hidden="true">
      {Array.from({ length: count }, (_, i) => (
        <div key={i} className="photo-tile photo-tile-skeleton">
          <div className="photo-image" style={{ aspectRatio: '1' }} />
        </div>
      ))}
    </div>
  );
}

/** Calls `onVisible` when the sentinel scrolls near the viewport. */
function useSentinel(onVisible: () => void, enabled: boolean) {
  const ref = useRef<HTMLDivElement>(null);
  const cb = useRef(onVisible);
  cb.current = onVisible;
  useEffect(() => {
    const el = ref.current;
    if (!el || !enabled) return;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && cb.current(), {
      rootMargin: '600px 0px',
    });
    io.observe(el);
    return () => io.disconnect();
  }, [enabled]);
  return ref;
}

interface Props {
  feed: PhotoFeed;
  empty: ReactNode;
  freshIds?: ReadonlySet<number>;
}

/**
 * Tiles a first screen shows (3–4 rows of 2 on a phone, 2 rows of 5 on a desktop): their blurred
 * placeholders are drawn with them (the largest paint); the rest decode theirs after the paint.
 */
const FIRST_SCREENFUL = 10;

let tilesShown: () => void = () => {};
/** Resolves when the first tiles of any grid are on screen (the app then fetches the other screens' code). */
export const firstTiles = new Promise<void>((resolve) => (tilesShown = resolve));

/** The infinite grid: skeleton, empty and error states, and a sentinel that loads more. */
export function PhotoGrid({ feed, empty, freshIds }: Props) {
  const { t } = useTranslation();
  const { items, loading, loadingMore, error, hasMore, loadMore, reload } = feed;
  const sentinel = useSentinel(loadMore, hasMore && !loading && !error);
  const shown = items.length > 0;
  useEffect(() => {
    if (shown) tilesShown();
  }, [shown]);

  if (loading && items.length === 0) return <SkeletonGrid />;
  if (error && items.length === 0) return <ErrorState error={error} onRetry={reload} />;
  if (items.length === 0) return <>{empty}</>;

  return (
    <>
      <div className="photo-grid">
        {items.map((p, i) => (
          <PhotoTile key={p.id} photo={p} fresh={freshIds?.has(p.id)} belowFold={i >= FIRST_SCREENFUL} />
        ))}
      </div>
      <div ref={sentinel} className="grid-footer">
        {loadingMore && <Spinner size={24} appearance="themed" />}
        {error !== null && error !== undefined && (
          <button type="button" className="btn btn-link" onClick={loadMore}>
            {t('states.retryMore')}
          </button>
        )}
        {!hasMore && items.length > 12 && <span className="text-secondary small">{t('states.everything')}</span>}
      </div>
    </>
  );
}
