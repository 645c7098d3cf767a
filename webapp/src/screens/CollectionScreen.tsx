import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
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
  owned: { title: 'collection.emptyOwnedTitle', text: 'collection.emptyOwned' },
  created: { title: 'collection.emptyCreatedTitle', text: 'collection.emptyCreated' },
  favorites: { title: 'collection.emptyFavoritesTitle', text: 'collection.emptyFavorites' },
};

function queryFor(tab: Tab, myId: number): PhotoQuery {
  if (tab === 'owned') return { owner_id: myId };
  if (tab === 'created') return { creator_id: myId };
  return { favorites: true };
}

/** My collection: what I own, what I created, what I bookmarked. */
export default function CollectionScreen() {
  const { t } = useTranslation();
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
          <Link href={`/users/${me.id}`} className="btn btn-link tap-link">
            {t('collection.publicProfile')}
          </Link>
        }
      >
        {t('collection.title')}
      </ScreenTitle>
      <Segmented
        label={t('collection.tabs')}
        value={tab}
        onChange={setTab}
        options={[
          { value: 'owned', label: t('collection.owned') },
          { value: 'created', label: t('collection.created') },
          { value: 'favorites', label: t('collection.favorites') },
        ]}
      />
      <PhotoGrid
        feed={feed}
        freshIds={fresh}
        empty={
          <EmptyState
            title={t(EMPTY[tab].title)}
            action={
              tab !== 'favorites' && (
                <ButtonLink href="/upload">{t('collection.upload')}</ButtonLink>
              )
            }
          >
            {t(EMPTY[tab].text)}
          </EmptyState>
        }
      />
    </>
  );
}
