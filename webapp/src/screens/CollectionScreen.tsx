import { useState } from 'react';
import { useTranslation } from '../i18n';
import { Link } from 'wouter';
import type { PhotoQuery } from '../api';
import { PhotoGrid } from '../components/PhotoGrid';
import { ScreenTitle, Segmented } from '../components/Screen';
import { EmptyState } from '../components/States';
import { usePhotoFeed } from '../hooks/usePhotoFeed';
import { useFreshIds } from '../data/liveCache';
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
  // Objects arriving in or leaving the collection: the live cache refetches feeds filtered by owner.
  const feed = usePhotoFeed({ kind: 'photos', query: queryFor(tab, me.id) });
  const fresh = useFreshIds();

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
