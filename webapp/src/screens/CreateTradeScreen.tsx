import { useCallback, useState } from 'react';
import { useTranslation } from '../i18n';
import { useSearch } from 'wouter';
import { photosApi, tradesApi, usersApi, type Photo, type UserSummary } from '../api';
import { Icon } from '../components/Icon';
import { PeoplePicker } from '../components/PeoplePicker';
import { PhotoImage } from '../components/PhotoImage';
import { PrimaryAction, useClosingConfirmation } from '../components/PrimaryAction';
import { ScreenTitle } from '../components/Screen';
import { EmptyState, ErrorState, Loading, Notice, errorText } from '../components/States';
import { UserChip } from '../components/UserChip';
import { useApiQuery } from '../hooks/useApiQuery';
import { keys } from '../data/queries';
import { navigate } from '../routing/navigation';
import { useMe, useSession } from '../state/session';

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
            <PhotoImage src={p.thumb_url} src2x={p.thumb_2x_url} sizes="(min-width: 768px) 160px, 33vw" alt={p.title} placeholder={p.placeholder} color={p.dominant_color} />
            <span className="pick-check" aria-hidden="true">{on && <Icon name="check" size={16} />}</span>
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
 * Propose a trade: pick the person (by name), then mine and theirs. Sent to them, or, when
 * "open" is chosen, a QR link anyone holding the requested items may accept. `?to=`, `?want=`
 * and `?give=` preselect. Nothing is sent until both sides have something.
 */
export default function CreateTradeScreen() {
  const { t } = useTranslation();
  const me = useMe();
  const { host } = useSession();
  const params = new URLSearchParams(useSearch());
  const want = Number(params.get('want')) || null;
  const give = Number(params.get('give')) || null;
  const [to, setTo] = useState<number | null>(() => Number(params.get('to')) || null);

  const mine = useApiQuery(keys.ownedForTrade(me.id), () => ownedBy(me.id));
  const theirs = useApiQuery(keys.counterpart(to), async () =>
    to ? { user: (await usersApi.get(to)) as UserSummary, photos: await ownedBy(to) } : null,
  );
  const [offered, setOffered] = useState<ReadonlySet<number>>(() => new Set(give ? [give] : []));
  const [requested, setRequested] = useState<ReadonlySet<number>>(() => new Set(want ? [want] : []));
  const [open, setOpen] = useState(false);
  const [choosing, setChoosing] = useState(false);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const pick = (set: typeof setOffered) => (id: number) => {
    host.haptic.selection();
    set((s) => toggle(s, id));
  };
  const toggleOffered = useCallback(pick(setOffered), [host]);
  const toggleRequested = useCallback(pick(setRequested), [host]);
  useClosingConfirmation(offered.size + requested.size > 0 || message.trim() !== '');

  const other = theirs.data;
  const reason = !to
    ? t('newTrade.needCounterpart')
    : offered.size === 0
      ? t('newTrade.needOffer')
      : requested.size === 0
        ? t('newTrade.needRequest')
        : null;

  const submit = async () => {
    if (reason || busy) return;
    setBusy(true);
    setError(null);
    try {
      const trade = await tradesApi.create({
        offered_photo_ids: [...offered],
        requested_photo_ids: [...requested],
        recipient_id: open || !to ? null : to,
        message: message.trim(),
      });
      host.haptic.notify('success');
      setOffered(new Set());
      setRequested(new Set());
      setMessage('');
      navigate(`/trades/${trade.id}`, { replace: true, state: { trade } });
    } catch (err) {
      host.haptic.notify('error');
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (mine.loading || theirs.loading) return <Loading />;
  if (mine.error || theirs.error)
    return <ErrorState error={mine.error || theirs.error} onRetry={() => (mine.reload(), theirs.reload())} />;
  if (to === me.id) return <EmptyState title={t('newTrade.self')}>{t('newTrade.selfText')}</EmptyState>;

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <ScreenTitle>{t('newTrade.title')}</ScreenTitle>
      {/* Once someone is picked, the search folds into their name with "Choose someone else":
          it never disappears without a way back, and a list loading below does not move the form. */}
      <div className="card-surface">
        {other && !choosing ? (
          <div className="d-flex align-items-center gap-2 flex-wrap">
            <span className="form-label mb-0 me-auto">{t('newTrade.pickPerson')}</span>
            <UserChip user={other.user} size={32} />
            <button type="button" className="btn btn-link" onClick={() => setChoosing(true)}>
              {t('newTrade.changePerson')}
            </button>
          </div>
        ) : (
          <PeoplePicker
            label={t('newTrade.pickPerson')}
            value={other?.user ?? null}
            onChange={(u) => {
              setRequested(new Set());
              setTo(u?.id ?? null);
              setChoosing(false);
            }}
            excludeId={me.id}
          />
        )}
      </div>
      <div className="row g-3">
        <div className="col-12 col-lg-6">
          <div className="card-surface">
            <h2 className="h6">{t('newTrade.youGive', { count: offered.size })}</h2>
            <Picker photos={mine.data ?? []} selected={offered} onToggle={toggleOffered} empty={t('newTrade.nothingToOffer')} />
          </div>
        </div>
        {other && (
          <div className="col-12 col-lg-6">
            <div className="card-surface">
              {/* The heading keeps its words on one line; a long name wraps below it at 320 px. */}
              <div className="d-flex flex-wrap align-items-center gap-2 mb-2">
                <h2 className="h6 mb-0" style={{ whiteSpace: 'nowrap' }}>{t('newTrade.youGet', { count: requested.size })}</h2>
                <span className="ms-auto">
                  <UserChip user={other.user} size={28} />
                </span>
              </div>
              <Picker photos={other.photos} selected={requested} onToggle={toggleRequested} empty={t('newTrade.theyOwnNothing', { name: other.user.display_name })} />
            </div>
          </div>
        )}
      </div>
      <div className="card-surface">
        {other && (
          <div className="form-check form-switch mb-3 switch-row">
            <input className="form-check-input" type="checkbox" role="switch" id="trade-open" checked={open} onChange={(e) => setOpen(e.target.checked)} />
            <label className="form-check-label" htmlFor="trade-open">
              {t('newTrade.openSwitch')}
            </label>
          </div>
        )}
        <label htmlFor="trade-msg" className="form-label">
          {t('newTrade.messageLabel')} <span className="text-secondary">{t('common.optional')}</span>
        </label>
        <input id="trade-msg" className="form-control mb-3" value={message} maxLength={500} onChange={(e) => setMessage(e.target.value)} />
        {error && <Notice kind="danger" onClose={() => setError(null)}>{error}</Notice>}
        <PrimaryAction
          text={open || !other ? t('newTrade.create') : t('newTrade.sendTo', { name: other.user.display_name })}
          onClick={() => void submit()}
          loading={busy}
          disabled={Boolean(reason)}
          reason={reason}
        />
      </div>
    </form>
  );
}
