import { useCallback, useState } from 'react';
import { Link } from 'wouter';
import { photosApi, type Photo, type PhotoQuery } from '../api';
import { PhotoGrid } from '../components/PhotoGrid';
import { ScreenTitle, Segmented } from '../components/Screen';
import { EmptyState } from '../components/States';
import { usePhotoFeed } from '../hooks/usePhotoFeed';
import { useLivePhotoFeed, type OwnershipChanged } from '../hooks/useLivePhotoFeed';
import { useLiveEvents } from '../state/live';
import { useMe } from '../state/session';
import { ButtonLink } from '../components/ButtonLink';

type Tab = 'owned' | 'created' | 'favorites';

const EMPTY: Record<Tab, { title: string; text: string }> = {
  owned: { title: 'You own nothing yet', text: 'Upload a photo, claim a transfer or trade for one.' },
  created: { title: 'Nothing created yet', text: 'Every photo you upload is minted with you as its creator.' },
  favorites: { title: 'No favorites', text: 'Tap the heart on any photo to keep it here.' },
};

function queryFor(tab: Tab, myId: number): PhotoQuery {
  if (tab === 'owned') return { owner_id: myId };
  if (tab === 'created') return { creator_id: myId };
  return { favorites: true };
}

/** My collection: what I own, what I created, what I bookmarked. */
export default function CollectionScreen() {
  const me = useMe();
  const [tab, setTab] = useState<Tab>('owned');
  const feed = usePhotoFeed(
    `me:${tab}`,
    useCallback((cursor, signal) => photosApi.list({ ...queryFor(tab, me.id), cursor }, signal), [tab, me.id]),
  );
  const accepts = useCallback(
    (p: Photo) => (tab === 'owned' ? p.owner.id === me.id : tab === 'created' ? p.creator.id === me.id : false),
    [tab, me.id],
  );
  const fresh = useLivePhotoFeed(feed, accepts);

  // Objects arriving in or leaving my collection: simplest correct answer is to reload.
  useLiveEvents(['ownership.changed'], (e) => {
    const { from_user_id, to_user_id } = e.data as OwnershipChanged;
    if (tab === 'owned' && (from_user_id === me.id || to_user_id === me.id)) feed.reload();
  });

  return (
    <>
      <ScreenTitle
        actions={
          <Link href={`/users/${me.id}`} className="btn btn-sm btn-link">
            Public profile
          </Link>
        }
      >
        My collection
      </ScreenTitle>
      <Segmented
        label="Collection"
        value={tab}
        onChange={setTab}
        options={[
          { value: 'owned', label: 'Owned' },
          { value: 'created', label: 'Created' },
          { value: 'favorites', label: 'Favorites' },
        ]}
      />
      <PhotoGrid
        feed={feed}
        freshIds={fresh}
        empty={
          <EmptyState
            title={EMPTY[tab].title}
            action={
              tab !== 'favorites' && (
                <ButtonLink href="/upload">Upload a photo</ButtonLink>
              )
            }
          >
            {EMPTY[tab].text}
          </EmptyState>
        }
      />
    </>
  );
}
