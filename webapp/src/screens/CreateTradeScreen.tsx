import { Button } from '@maxhub/max-ui';
import { useCallback, useState, type FormEvent } from 'react';
import { useSearch } from 'wouter';
import { photosApi, tradesApi, usersApi, type Photo } from '../api';
import { Icon } from '../components/Icon';
import { PhotoImage } from '../components/PhotoImage';
import { ScreenTitle } from '../components/Screen';
import { EmptyState, ErrorState, Loading, Notice, errorText } from '../components/States';
import { UserChip } from '../components/UserChip';
import { useAsync } from '../hooks/useAsync';
import { navigate } from '../routing/navigation';
import { useMe } from '../state/session';

function toggle(set: ReadonlySet<number>, id: number): Set<number> {
  const next = new Set(set);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

function Picker({
  photos,
  selected,
  onToggle,
  empty,
}: {
  photos: Photo[];
  selected: ReadonlySet<number>;
  onToggle: (id: number) => void;
  empty: string;
}) {
  if (photos.length === 0) return <div className="text-secondary small py-3">{empty}</div>;
  return (
    <div className="photo-grid pick-grid">
      {photos.map((p) => {
        const on = selected.has(p.id);
        return (
          <button
            type="button"
            key={p.id}
            className={`photo-tile${on ? ' selected' : ''}`}
            onClick={() => onToggle(p.id)}
            aria-pressed={on}
            data-photo-id={p.id}
          >
            <PhotoImage src={p.thumb_url} alt={p.title} placeholder={p.placeholder} color={p.dominant_color} />
            <span className="pick-check">{on && <Icon name="check" size={16} />}</span>
            <div className="photo-tile-caption">
              <span className="photo-tile-title">{p.title}</span>
            </div>
          </button>
        );
      })}
    </div>
  );
}

/** Everything a user owns (first 100 — a trade picker, not a browser). */
async function ownedBy(userId: number): Promise<Photo[]> {
  return (await photosApi.list({ owner_id: userId, limit: 100 })).items;
}

/**
 * Propose a trade: pick mine and theirs. With `?to=<user>` the trade is
 * addressed to them (or, when "open" is chosen, anyone holding those items
 * may accept through the QR link). `?want=` and `?give=` preselect items.
 */
export default function CreateTradeScreen() {
  const me = useMe();
  const params = new URLSearchParams(useSearch());
  const to = Number(params.get('to')) || null;
  const want = Number(params.get('want')) || null;
  const give = Number(params.get('give')) || null;

  const mine = useAsync(() => ownedBy(me.id), [me.id]);
  const theirs = useAsync(
    async () => (to ? { user: await usersApi.get(to), photos: await ownedBy(to) } : null),
    [to],
  );
  const [offered, setOffered] = useState<ReadonlySet<number>>(() => new Set(give ? [give] : []));
  const [requested, setRequested] = useState<ReadonlySet<number>>(() => new Set(want ? [want] : []));
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggleOffered = useCallback((id: number) => setOffered((s) => toggle(s, id)), []);
  const toggleRequested = useCallback((id: number) => setRequested((s) => toggle(s, id)), []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const trade = await tradesApi.create({
        offered_photo_ids: [...offered],
        requested_photo_ids: [...requested],
        recipient_id: open || !to ? undefined : to,
        message: message.trim() || undefined,
      });
      navigate(`/trades/${trade.id}`, { replace: true, state: { trade } });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (mine.loading || theirs.loading) return <Loading />;
  if (mine.error || theirs.error)
    return <ErrorState error={mine.error || theirs.error} onRetry={() => (mine.reload(), theirs.reload())} />;
  const other = theirs.data;
  if (to === me.id) return <EmptyState title="That’s you">You cannot trade with yourself.</EmptyState>;

  return (
    <form onSubmit={submit}>
      <ScreenTitle>New trade</ScreenTitle>
      {!other && (
        <Notice kind="info">
          Open a photo or a profile and tap “Propose a trade” to ask for someone’s items. Without a counterparty this
          becomes an open offer: whoever scans its QR code takes your items.
        </Notice>
      )}
      <div className="row g-3">
        <div className="col-12 col-lg-6">
          <div className="card-surface">
            <h2 className="h6">You give ({offered.size})</h2>
            <Picker photos={mine.data ?? []} selected={offered} onToggle={toggleOffered} empty="You own no photos to offer." />
          </div>
        </div>
        {other && (
          <div className="col-12 col-lg-6">
            <div className="card-surface">
              <div className="d-flex align-items-center gap-2 mb-2">
                <h2 className="h6 mb-0">You get ({requested.size})</h2>
                <span className="ms-auto">
                  <UserChip user={other.user} size={24} />
                </span>
              </div>
              <Picker photos={other.photos} selected={requested} onToggle={toggleRequested} empty={`${other.user.display_name} owns no photos.`} />
            </div>
          </div>
        )}
      </div>
      <div className="card-surface">
        {other && (
          <div className="form-check form-switch mb-3">
            <input className="form-check-input" type="checkbox" role="switch" id="trade-open" checked={open} onChange={(e) => setOpen(e.target.checked)} />
            <label className="form-check-label" htmlFor="trade-open">
              Open trade — show a QR code instead of sending it to {other.user.display_name}
            </label>
          </div>
        )}
        <label htmlFor="trade-msg" className="form-label">Message <span className="text-secondary">(optional)</span></label>
        <input id="trade-msg" className="form-control mb-3" value={message} maxLength={500} onChange={(e) => setMessage(e.target.value)} />
        {error && <Notice kind="danger" onClose={() => setError(null)}>{error}</Notice>}
        <Button type="submit" stretched loading={busy} disabled={offered.size + requested.size === 0}>
          {open || !other ? 'Create trade QR' : `Send to ${other.user.display_name}`}
        </Button>
      </div>
    </form>
  );
}
