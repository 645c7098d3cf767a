import { Button } from '@maxhub/max-ui';
import { useTranslation } from '../i18n';
import { useState } from 'react';
import { profileRequestsApi, type ProfileRequest } from '../api';
import { ScreenTitle, Segmented, StatusBadge, formatDate } from '../components/Screen';
import { EmptyState, ErrorState, Loading, errorText } from '../components/States';
import { UserChip } from '../components/UserChip';
import { useApiQuery } from '../hooks/useApiQuery';
import { keys } from '../data/queries';

type Role = 'incoming' | 'outgoing';

function ProfileRequestRow({ r, role, onDone }: { r: ProfileRequest; role: Role; onDone: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="card-surface">
      <div className="d-flex align-items-center gap-2">
        <UserChip user={role === 'incoming' ? r.requester : r.target} />
        <span className="ms-auto">
          <StatusBadge status={r.status} />
        </span>
      </div>
      {r.message && <p className="mt-2 mb-0 fst-italic"><q>{r.message}</q></p>}
      <div className="d-flex flex-wrap align-items-center gap-2 mt-2">
        {role === 'incoming' && r.status === 'pending' && (
          <>
            <Button disabled={busy} onClick={() => run(() => profileRequestsApi.accept(r.id))}>
              {t('profileRequests.allow')}
            </Button>
            <Button mode="secondary" appearance="negative" disabled={busy} onClick={() => run(() => profileRequestsApi.decline(r.id))}>
              {t('profileRequests.decline')}
            </Button>
          </>
        )}
        {role === 'outgoing' && (
          <Button mode="tertiary" appearance="negative" disabled={busy} onClick={() => run(() => profileRequestsApi.remove(r.id))}>
            {r.status === 'pending' ? t('profileRequests.withdraw') : t('profileRequests.remove')}
          </Button>
        )}
        {role === 'incoming' && r.status === 'accepted' && (
          <Button mode="tertiary" appearance="negative" disabled={busy} onClick={() => run(() => profileRequestsApi.remove(r.id))}>
            {t('profileRequests.revoke')}
          </Button>
        )}
        <span className="small text-secondary ms-auto">{formatDate(r.created_at)}</span>
      </div>
      {error && <div className="small text-danger mt-1">{error}</div>}
    </div>
  );
}

/** Requests to see private profiles: mine to answer, and the ones I sent. */
export default function ProfileRequestsScreen() {
  const { t } = useTranslation();
  const [role, setRole] = useState<Role>('incoming');
  const list = useApiQuery(keys.profileRequestList(role), (signal) => profileRequestsApi.list(role, signal));

  return (
    <>
      <ScreenTitle>{t('profileRequests.title')}</ScreenTitle>
      <Segmented
        label={t('profileRequests.tabs')}
        value={role}
        onChange={setRole}
        options={[
          { value: 'incoming', label: t('profileRequests.toMe') },
          { value: 'outgoing', label: t('profileRequests.sent') },
        ]}
      />
      {list.loading && !list.data ? (
        <Loading />
      ) : list.error ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : (list.data?.items.length ?? 0) === 0 ? (
        <EmptyState icon="lock" title={t('profileRequests.emptyTitle')}>
          {role === 'incoming' ? t('profileRequests.emptyIncoming') : t('profileRequests.emptyOutgoing')}
        </EmptyState>
      ) : (
        list.data!.items.map((r) => <ProfileRequestRow key={r.id} r={r} role={role} onDone={list.reload} />)
      )}
    </>
  );
}
