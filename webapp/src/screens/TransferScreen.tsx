import { Button } from '@maxhub/max-ui';
import { useEffect, useState, type FormEvent } from 'react';
import { useParams } from 'wouter';
import { photosApi, transfersApi, usersApi, type PublicUser, type Transfer } from '../api';
import { PhotoImage } from '../components/PhotoImage';
import { ShareCode } from '../components/QrCode';
import { ScreenTitle, Segmented, StatusBadge, formatDate } from '../components/Screen';
import { EmptyState, ErrorState, Loading, Notice, errorText } from '../components/States';
import { ButtonLink } from '../components/ButtonLink';
import { UserChip } from '../components/UserChip';
import { useAsync } from '../hooks/useAsync';
import { navigate } from '../routing/navigation';
import { useLiveEvents } from '../state/live';
import { useMe } from '../state/session';

/** The link a claim QR carries: the backend's deep link, else a web link. */
function claimLink(t: Transfer): string | null {
  if (t.deep_link) return t.deep_link;
  return t.claim_token ? `${window.location.origin}/claim/${t.claim_token}` : null;
}

function ToUser({ photoId }: { photoId: number }) {
  const me = useMe();
  const [userId, setUserId] = useState('');
  const [user, setUser] = useState<PublicUser | null>(null);
  const [lookup, setLookup] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // Show who the id belongs to before anything is given away.
  useEffect(() => {
    setUser(null);
    setLookup(null);
    const id = Number(userId);
    if (!id) return;
    const t = setTimeout(() => {
      usersApi.get(id).then(setUser, (err) => setLookup(errorText(err)));
    }, 300);
    return () => clearTimeout(t);
  }, [userId]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!user) return;
    setBusy(true);
    setError(null);
    try {
      await transfersApi.create(photoId, user.id);
      navigate(`/photos/${photoId}`, { replace: true });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="card-surface">
      <label htmlFor="to-user" className="form-label">Recipient’s user ID</label>
      <input
        id="to-user"
        className="form-control"
        inputMode="numeric"
        pattern="[0-9]*"
        placeholder="e.g. 42 — shown on their profile"
        value={userId}
        onChange={(e) => setUserId(e.target.value.replace(/\D/g, ''))}
      />
      <div className="my-3" style={{ minHeight: 32 }}>
        {user && (user.id === me.id ? <span className="text-danger small">That’s you.</span> : <UserChip user={user} label="Give to" />)}
        {lookup && <span className="text-danger small">{lookup}</span>}
      </div>
      {error && <Notice kind="danger">{error}</Notice>}
      <Button type="submit" stretched loading={busy} disabled={!user || user.id === me.id}>
        {user ? `Give it to ${user.display_name}` : 'Give it away'}
      </Button>
      <p className="small text-secondary mt-2 mb-0">The transfer completes at once and cannot be undone.</p>
    </form>
  );
}

function ClaimCode({ photoId }: { photoId: number }) {
  const [transfer, setTransfer] = useState<Transfer | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useLiveEvents(['transfer.updated'], (e) => {
    const t = e.data as Transfer;
    if (transfer && t.id === transfer.id) setTransfer((prev) => prev && { ...prev, ...t, claim_token: prev.claim_token, deep_link: prev.deep_link });
  });

  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      setTransfer(await transfersApi.create(photoId));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const cancel = async () => {
    if (!transfer) return;
    try {
      setTransfer({ ...transfer, ...(await transfersApi.cancel(transfer.id)) });
    } catch (err) {
      setError(errorText(err));
    }
  };

  if (!transfer)
    return (
      <div className="card-surface">
        <p>Make a one-time claim code. The first person who scans it (before it expires) becomes the owner.</p>
        {error && <Notice kind="danger">{error}</Notice>}
        <Button stretched onClick={create} loading={busy}>Create claim QR</Button>
      </div>
    );
  const link = claimLink(transfer);
  return (
    <div className="card-surface text-center">
      <div className="mb-2">
        <StatusBadge status={transfer.status} />
      </div>
      {transfer.status === 'pending' && link && (
        <ShareCode value={link} label="Claim QR code" hint={transfer.expires_at ? `Valid until ${formatDate(transfer.expires_at)}` : undefined} />
      )}
      {transfer.status === 'completed' && transfer.to_user && (
        <p className="mt-2">
          Claimed by <UserChip user={transfer.to_user} />
        </p>
      )}
      {error && <Notice kind="danger">{error}</Notice>}
      {transfer.status === 'pending' && (
        <Button className="mt-3" mode="secondary" appearance="negative" onClick={cancel}>Cancel the code</Button>
      )}
    </div>
  );
}

/** Give a photo away: directly to a user, or with a claim QR. */
export default function TransferScreen() {
  const id = Number(useParams<{ id: string }>().id);
  const me = useMe();
  const photo = useAsync(() => photosApi.get(id), [id]);
  const [mode, setMode] = useState<'user' | 'code'>('code');

  if (photo.loading && !photo.data) return <Loading />;
  if (photo.error || !photo.data) return <ErrorState error={photo.error} onRetry={photo.reload} />;
  const p = photo.data;
  if (p.owner.id !== me.id)
    return (
      <EmptyState icon="lock" title="Not yours to give" action={<ButtonLink href={`/photos/${p.id}`} mode="secondary">Open the photo</ButtonLink>}>
        Only the owner, {p.owner.display_name}, can transfer “{p.title}”.
      </EmptyState>
    );

  return (
    <div className="mx-auto" style={{ maxWidth: 560 }}>
      <ScreenTitle>Transfer</ScreenTitle>
      <div className="card-surface d-flex align-items-center gap-3">
        <div style={{ width: 64 }}>
          <PhotoImage src={p.thumb_url} alt={p.title} placeholder={p.placeholder} color={p.dominant_color} />
        </div>
        <div className="fw-semibold">{p.title}</div>
      </div>
      <Segmented
        label="Transfer by"
        value={mode}
        onChange={setMode}
        options={[
          { value: 'code', label: 'Claim QR' },
          { value: 'user', label: 'To a user' },
        ]}
      />
      {mode === 'user' ? <ToUser photoId={p.id} /> : <ClaimCode photoId={p.id} />}
    </div>
  );
}
