import { Button } from '@maxhub/max-ui';
import { useCallback, useState } from 'react';
import { useParams } from 'wouter';
import { requestsApi, usersApi, type PublicUser } from '../api';
import { Icon } from '../components/Icon';
import { PhotoGrid } from '../components/PhotoGrid';
import { ScreenTitle } from '../components/Screen';
import { EmptyState, ErrorState, Loading, Notice, errorText } from '../components/States';
import { UserAvatar } from '../components/UserChip';
import { useAsync } from '../hooks/useAsync';
import { usePhotoFeed } from '../hooks/usePhotoFeed';
import { useLiveEvents } from '../state/live';
import { useMe } from '../state/session';
import { ButtonLink } from '../components/ButtonLink';

function Collection({ user }: { user: PublicUser }) {
  const feed = usePhotoFeed(
    `user:${user.id}`,
    useCallback((cursor) => usersApi.photos(user.id, cursor), [user.id]),
  );
  return <PhotoGrid feed={feed} empty={<EmptyState title="No photos yet">{user.display_name} owns nothing right now.</EmptyState>} />;
}

function PrivateProfile({ user, onRequested }: { user: PublicUser; onRequested: () => void }) {
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const status = user.profile_request_status;

  const request = async () => {
    setBusy(true);
    setError(null);
    try {
      await requestsApi.create(user.id, message.trim() || undefined);
      onRequested();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <EmptyState icon="lock" title="This profile is private">
      {status === 'pending' ? (
        <span>Your request is waiting for {user.display_name}’s answer.</span>
      ) : (
        <div className="d-flex flex-column gap-2 align-items-stretch mt-1" style={{ minWidth: 260 }}>
          <span>
            {status === 'declined'
              ? 'Your last request was declined. You may ask again.'
              : `Ask ${user.display_name} to let you see their collection.`}
          </span>
          {error && <Notice kind="danger">{error}</Notice>}
          <input
            className="form-control"
            placeholder="Add a message (optional)"
            value={message}
            maxLength={500}
            onChange={(e) => setMessage(e.target.value)}
            aria-label="Message"
          />
          <Button onClick={request} loading={busy}>
            Request access
          </Button>
        </div>
      )}
    </EmptyState>
  );
}

/** Someone's profile: their collection, or a request-access card when private. */
export default function UserScreen() {
  const id = Number(useParams<{ id: string }>().id);
  const me = useMe();
  const user = useAsync(() => usersApi.get(id), [id]);

  useLiveEvents(['profile_request.updated'], () => user.reload());

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
            <span>ID {u.id}</span>
            {u.is_private && (
              <span className="d-inline-flex align-items-center gap-1">
                <Icon name="lock" size={14} /> Private
              </span>
            )}
          </div>
        </div>
        {!isMe && (
          <ButtonLink href={`/trades/new?to=${u.id}`} size="small" iconBefore={<Icon name="trades" size={16} />}>
            Trade
          </ButtonLink>
        )}
      </div>
      {u.can_view_collection || isMe ? <Collection user={u} /> : <PrivateProfile user={u} onRequested={user.reload} />}
    </>
  );
}
