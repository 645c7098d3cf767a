import { Button } from '@maxhub/max-ui';
import { useState } from 'react';
import { requestsApi, type ProfileRequest } from '../api';
import { ScreenTitle, Segmented, StatusBadge, formatDate } from '../components/Screen';
import { EmptyState, ErrorState, Loading, errorText } from '../components/States';
import { UserChip } from '../components/UserChip';
import { useAsync } from '../hooks/useAsync';
import { useLiveEvents } from '../state/live';

type Role = 'incoming' | 'outgoing';

function RequestRow({ r, role, onDone }: { r: ProfileRequest; role: Role; onDone: () => void }) {
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
      {r.message && <p className="mt-2 mb-0 fst-italic">“{r.message}”</p>}
      <div className="d-flex flex-wrap align-items-center gap-2 mt-2">
        {role === 'incoming' && r.status === 'pending' && (
          <>
            <Button size="small" disabled={busy} onClick={() => run(() => requestsApi.accept(r.id))}>
              Allow
            </Button>
            <Button size="small" mode="secondary" appearance="negative" disabled={busy} onClick={() => run(() => requestsApi.decline(r.id))}>
              Decline
            </Button>
          </>
        )}
        {role === 'outgoing' && (
          <Button size="small" mode="tertiary" appearance="negative" disabled={busy} onClick={() => run(() => requestsApi.remove(r.id))}>
            {r.status === 'pending' ? 'Withdraw' : 'Remove'}
          </Button>
        )}
        {role === 'incoming' && r.status === 'accepted' && (
          <Button size="small" mode="tertiary" appearance="negative" disabled={busy} onClick={() => run(() => requestsApi.remove(r.id))}>
            Revoke access
          </Button>
        )}
        <span className="small text-secondary ms-auto">{formatDate(r.created_at)}</span>
      </div>
      {error && <div className="small text-danger mt-1">{error}</div>}
    </div>
  );
}

/** Requests to see private profiles: mine to answer, and the ones I sent. */
export default function RequestsScreen() {
  const [role, setRole] = useState<Role>('incoming');
  const list = useAsync(() => requestsApi.list(role), [role]);
  useLiveEvents(['profile_request.updated'], () => list.reload());

  return (
    <>
      <ScreenTitle>Profile requests</ScreenTitle>
      <Segmented
        label="Requests"
        value={role}
        onChange={setRole}
        options={[
          { value: 'incoming', label: 'To me' },
          { value: 'outgoing', label: 'Sent' },
        ]}
      />
      {list.loading && !list.data ? (
        <Loading />
      ) : list.error ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : (list.data?.items.length ?? 0) === 0 ? (
        <EmptyState icon="lock" title="No requests">
          {role === 'incoming'
            ? 'When your profile is private, people ask here to see your collection.'
            : 'Ask for access on a private profile.'}
        </EmptyState>
      ) : (
        list.data!.items.map((r) => <RequestRow key={r.id} r={r} role={role} onDone={list.reload} />)
      )}
    </>
  );
}
