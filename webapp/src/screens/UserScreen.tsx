import { Button } from '@maxhub/max-ui';
import { useTranslation } from '../i18n';
import { useState } from 'react';
import { useParams } from 'wouter';
import { profileRequestsApi, usersApi, type PublicUser } from '../api';
import { Icon } from '../components/Icon';
import { PhotoGrid } from '../components/PhotoGrid';
import { ScreenTitle } from '../components/Screen';
import { ShowcaseSection } from '../components/Showcase';
import { EmptyState, ErrorState, Loading, Notice, errorText } from '../components/States';
import { UserAvatar } from '../components/UserChip';
import { useApiQuery } from '../hooks/useApiQuery';
import { keys } from '../data/queries';
import { usePhotoFeed } from '../hooks/usePhotoFeed';
import { useMe } from '../state/session';
import { ButtonLink } from '../components/ButtonLink';

function Collection({ user }: { user: PublicUser }) {
  const { t } = useTranslation();
  const feed = usePhotoFeed({ kind: 'user', userId: user.id });
  return <PhotoGrid feed={feed} empty={<EmptyState title={t('user.noPhotosTitle')}>{t('user.noPhotos', { name: user.display_name })}</EmptyState>} />;
}

function PrivateProfile({ user, onRequested }: { user: PublicUser; onRequested: () => void }) {
  const { t } = useTranslation();
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const status = user.profile_request_status;

  const request = async () => {
    setBusy(true);
    setError(null);
    try {
      await profileRequestsApi.create(user.id, message.trim() || undefined);
      onRequested();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <EmptyState icon="lock" title={t('user.privateTitle')}>
      {status === 'pending' ? (
        <span>{t('user.waiting', { name: user.display_name })}</span>
      ) : (
        <div className="d-flex flex-column gap-2 align-items-stretch mt-1" style={{ minWidth: 260 }}>
          <span>
            {status === 'declined' ? t('user.declined') : t('user.ask', { name: user.display_name })}
          </span>
          {error && <Notice kind="danger">{error}</Notice>}
          <input
            className="form-control"
            placeholder={t('user.messagePlaceholder')}
            value={message}
            maxLength={500}
            onChange={(e) => setMessage(e.target.value)}
            aria-label={t('common.message')}
          />
          <Button onClick={request} loading={busy}>
            {t('user.request')}
          </Button>
        </div>
      )}
    </EmptyState>
  );
}

/** Someone's profile: their collection, or a request-access card when private. */
export default function UserScreen() {
  const { t } = useTranslation();
  const id = Number(useParams<{ id: string }>().id);
  const me = useMe();
  const user = useApiQuery(keys.user(id), (signal) => usersApi.get(id, signal));

  if (user.loading && !user.data) return <Loading />;
  if (user.error || !user.data) return <ErrorState error={user.error} onRetry={user.reload} />;
  const u = user.data;
  const isMe = u.id === me.id;

  return (
    <>
      <div className="card-surface user-head">
        <UserAvatar user={u} size={56} />
        <div className="user-head-text">
          <ScreenTitle>{u.display_name}</ScreenTitle>
          <div className="small text-secondary d-flex gap-2 align-items-center">
            <span>{t('user.id', { id: u.id })}</span>
            {u.is_private && (
              <span className="d-inline-flex align-items-center gap-1">
                <Icon name="lock" size={14} /> {t('user.private')}
              </span>
            )}
          </div>
        </div>
        {!isMe && (
          <ButtonLink href={`/trades/new?to=${u.id}`} iconBefore={<Icon name="trades" size={16} />}>
            {t('user.trade')}
          </ButtonLink>
        )}
      </div>
      {u.can_view_collection || isMe ? (
        <>
          <ShowcaseSection userId={u.id} isMe={isMe} />
          <Collection user={u} />
        </>
      ) : (
        <PrivateProfile user={u} onRequested={user.reload} />
      )}
    </>
  );
}
