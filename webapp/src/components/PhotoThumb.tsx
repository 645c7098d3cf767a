import type { PhotoSummary } from '../api';
import { Link } from 'wouter';
import { PhotoImage } from './PhotoImage';

/** A small square thumbnail for trade and transfer items. */
export function PhotoThumb({ photo, size = 64 }: { photo: PhotoSummary; size?: number }) {
  return (
    <Link href={`/photos/${photo.id}`} className="photo-thumb" style={{ width: size }} title={photo.title}>
      <PhotoImage src={photo.thumb_url} alt={photo.title} placeholder={photo.placeholder} />
      <span className="photo-thumb-title">{photo.title}</span>
    </Link>
  );
}

export function ThumbRow({ photos, emptyText = 'Nothing' }: { photos: PhotoSummary[]; emptyText?: string }) {
  if (photos.length === 0) return <div className="text-secondary small">{emptyText}</div>;
  return (
    <div className="thumb-row">
      {photos.map((p) => (
        <PhotoThumb key={p.id} photo={p} />
      ))}
    </div>
  );
}
