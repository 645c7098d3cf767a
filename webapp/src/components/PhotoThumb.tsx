import type { PhotoSummary } from '../api';
import { useTranslation } from '../i18n';
import { Link } from 'wouter';
import { MintNumber } from './MintNumber';
import { PhotoImage } from './PhotoImage';

/** A small square thumbnail for trade and transfer items, with its title. */
export function PhotoThumb({ photo, size = 72 }: { photo: PhotoSummary; size?: number }) {
  return (
    <Link href={`/photos/${photo.id}`} className="photo-thumb" style={{ width: size }} title={photo.title} state={{ photo }}>
      <PhotoImage src={photo.thumb_url} alt={photo.title} placeholder={photo.placeholder} sizes={`${size}px`} />
      <span className="photo-thumb-title">
        <MintNumber n={photo.mint_number} className="mint-number photo-thumb-number" />
        {photo.title}
      </span>
    </Link>
  );
}

export function ThumbRow({ photos, emptyText }: { photos: PhotoSummary[]; emptyText?: string }) {
  const { t } = useTranslation();
  if (photos.length === 0) return <div className="text-secondary small">{emptyText ?? t('common.nothing')}</div>;
  return (
    <div className="thumb-row">
      {photos.map((p) => (
        <PhotoThumb key={p.id} photo={p} />
      ))}
    </div>
  );
}
