import { SearchInput } from '@maxhub/max-ui';
import { useCallback, useEffect, useState } from 'react';
import { photosApi, type Photo } from '../api';
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

/** Everyone's art objects, newest first, live. */
export default function GalleryScreen() {
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 300);
  const feed = usePhotoFeed(
    `gallery:${q}`,
    useCallback((cursor, signal) => photosApi.list({ cursor, q: q || undefined }, signal), [q]),
  );
  const accepts = useCallback(
    (p: Photo) => !q || `${p.title} ${p.description ?? ''}`.toLowerCase().includes(q.toLowerCase()),
    [q],
  );
  const fresh = useLivePhotoFeed(feed, accepts);

  return (
    <>
      <ScreenTitle>Gallery</ScreenTitle>
      <div className="mb-3">
        <SearchInput
          placeholder="Search titles and descriptions"
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-label="Search photos"
        />
      </div>
      <PhotoGrid
        feed={feed}
        freshIds={fresh}
        empty={
          q ? (
            <EmptyState icon="image" title="Nothing found">
              No photo matches “{q}”.
            </EmptyState>
          ) : (
            <EmptyState
              icon="image"
              title="The gallery is empty"
              action={
                <ButtonLink href="/upload">Upload the first photo</ButtonLink>
              }
            >
              Upload a photo to mint the first art object.
            </EmptyState>
          )
        }
      />
    </>
  );
}
