import { Button } from '@maxhub/max-ui';
import { useState } from 'react';
import { useTranslation } from '../i18n';
import { Link } from 'wouter';
import { ApiError, tradesApi, type Trade } from '../api';
import { errorCode } from '../i18n/errors';
import { useSession } from '../state/session';
import { MintNumber } from './MintNumber';
import { PrimaryAction } from './PrimaryAction';
import { StoryView } from './Story';
import { ThumbRow } from './PhotoThumb';
import { StatusBadge, formatDate } from './Screen';
import { Notice, errorText } from './States';
import { UserChip } from './UserChip';

type Action = 'accept' | 'decline' | 'cancel';

/** The backend's `cannot_accept_reason` (an ErrorCode) → what we tell the viewer. */
const REASONS: Record<string, string> = {
  own_trade: 'trade.cannotAccept.own',
  not_owner_of_requested: 'trade.cannotAccept.not_owner',
  trade_addressed_to_other: 'trade.cannotAccept.not_recipient',
  trade_expired: 'trade.cannotAccept.expired',
};

/**
 * Why this viewer cannot accept, as a catalogue key; null when they can, or when there is
 * nothing to explain (a closed trade shows its state; the proposer's own list needs no note).
 */
export function cannotAcceptKey(trade: Trade, myId: number, viaToken: boolean): string | null {
  if (trade.status !== 'pending') return null;
  if (trade.proposer.id === myId) return viaToken ? REASONS.own_trade! : null;
  if (trade.viewer_can_accept === false) {
    const reason = trade.cannot_accept_reason ?? '';
    if (reason === 'trade_not_pending') return null;
    return REASONS[reason] ?? 'trade.cannotAccept.generic';
  }
  if (trade.viewer_can_accept === undefined && trade.recipient && trade.recipient.id !== myId) return REASONS.trade_addressed_to_other!;
  return null;
}

/**
 * A trade with both sides shown from the viewer's point of view and the actions they may
 * take: the recipient (or, for an open trade, whoever holds the requested items) accepts or
 * declines, the proposer cancels. With `primary` the accept is the screen's main action
 * (Telegram's bottom button).
 */
export function TradeCard({
  trade,
  myId,
  token,
  onChange,
  linkToDetail = true,
  primary = false,
}: {
  trade: Trade;
  myId: number;
  /** The open-trade token when the viewer came through its link. */
  token?: string;
  onChange: (t: Trade) => void;
  linkToDetail?: boolean;
  primary?: boolean;
}) {
  const { t } = useTranslation();
  const { host } = useSession();
  const [busy, setBusy] = useState<Action | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mine = trade.proposer.id === myId;
  const pending = trade.status === 'pending';
  const blocked = cannotAcceptKey(trade, myId, Boolean(token));
  const canAccept = pending && !mine && !blocked && (trade.recipient?.id === myId || (!trade.recipient && Boolean(token)));
  // The addressee may always say no, even when they can no longer say yes.
  const canDecline = pending && !mine && trade.recipient?.id === myId;

  const act = async (action: Action) => {
    setBusy(action);
    setError(null);
    try {
      const next =
        action === 'accept'
          ? await tradesApi.accept(trade.id, trade.recipient ? undefined : token)
          : action === 'decline'
            ? await tradesApi.decline(trade.id)
            : await tradesApi.cancel(trade.id);
      host.haptic.notify(action === 'accept' ? 'success' : 'warning');
      onChange(next);
    } catch (err) {
      host.haptic.notify('error');
      const code = errorCode(err);
      setError(err instanceof ApiError && err.status === 409 && !code ? t('trade.changedHands') : errorText(err));
      if (err instanceof ApiError && err.status === 409) {
        (token ? tradesApi.byToken(token) : tradesApi.get(trade.id)).then(onChange, () => undefined);
      }
    } finally {
      setBusy(null);
    }
  };

  const counterpart = mine ? trade.recipient : trade.proposer;
  // Who gives the requested side: while pending, their current owner; once done, the person
  // who accepted (the items have changed hands since, so "current owner" would be the proposer).
  const requestedOwner = pending ? (trade.requested[0]?.owner ?? trade.recipient) : (trade.accepted_by ?? trade.recipient);
  const closedKey = !pending ? `trade.closed.${trade.status}` : null;
  return (
    <article className="card-surface" data-trade-id={trade.id}>
      <div className="d-flex align-items-center gap-2 mb-2">
        {counterpart ? (
          <UserChip user={counterpart} label={mine ? t('trades.to') : t('trades.from')} />
        ) : (
          <span className="fw-semibold">{t('trade.open')}</span>
        )}
        <span className="ms-auto">
          <StatusBadge status={trade.status} />
        </span>
      </div>
      {trade.message && <p className="mb-2 fst-italic"><q>{trade.message}</q></p>}
      <div className="row g-2">
        <div className="col-12 col-sm-6">
          <div className="small text-secondary mb-1">
            {mine ? t('trade.youGive') : t('trade.theyGive', { name: trade.proposer.display_name })}
          </div>
          <ThumbRow photos={trade.offered} />
        </div>
        <div className="col-12 col-sm-6">
          <div className="small text-secondary mb-1">
            {mine
              ? t('trade.youGet')
              : requestedOwner && requestedOwner.id !== myId
                ? t('trade.theyGive', { name: requestedOwner.display_name })
                : t('trade.youGive')}
            {mine && requestedOwner && <span className="ms-1">({requestedOwner.display_name})</span>}
          </div>
          <ThumbRow photos={trade.requested} />
        </div>
      </div>
      {/* Before accepting: where each offered object has been (number, author, owners so far). */}
      {pending && !mine && trade.stories && trade.stories.length > 0 && (
        <div className="mt-2 trade-stories">
          {trade.stories.map((story) => {
            const item = trade.offered.find((p) => p.id === story.photo_id);
            return (
              <details key={story.photo_id} className="trade-story" data-photo-id={story.photo_id} open={!linkToDetail && trade.stories!.length === 1}>
                <summary className="small fw-semibold">
                  {t('story.title')} · <MintNumber n={story.mint_number} /> {item?.title}
                </summary>
                <StoryView story={story} showNumber={false} />
              </details>
            );
          })}
        </div>
      )}
      {trade.accepted_by && trade.status === 'accepted' && (
        <div className="mt-2 d-flex align-items-center gap-2" data-testid="accepted-by">
          <UserChip user={trade.accepted_by} label={t('trade.acceptedBy')} />
        </div>
      )}
      {closedKey && linkToDetail === false && <p className="mt-2 mb-0 text-secondary">{t(closedKey)}</p>}
      {blocked && (
        <div className="mt-2">
          <Notice kind="info">{t(blocked)}</Notice>
        </div>
      )}
      {error && (
        <div className="mt-2">
          <Notice kind="danger" onClose={() => setError(null)}>
            {error}
          </Notice>
        </div>
      )}
      {canAccept && primary && (
        <PrimaryAction className="mt-3" text={t('trade.accept')} onClick={() => void act('accept')} loading={busy === 'accept'} disabled={busy !== null} />
      )}
      <div className="d-flex flex-wrap align-items-center gap-2 mt-3">
        {canAccept && !primary && (
          <Button onClick={() => act('accept')} loading={busy === 'accept'} disabled={busy !== null}>
            {t('trade.accept')}
          </Button>
        )}
        {canDecline && (
          <Button mode="secondary" appearance="negative" onClick={() => act('decline')} loading={busy === 'decline'} disabled={busy !== null}>
            {t('trade.decline')}
          </Button>
        )}
        {pending && mine && (
          <Button mode="secondary" appearance="negative" onClick={() => act('cancel')} loading={busy === 'cancel'} disabled={busy !== null}>
            {t('trade.cancel')}
          </Button>
        )}
        <span className="small text-secondary ms-auto">
          {linkToDetail ? <Link href={`/trades/${trade.id}`} className="tap-link">{t('trade.title', { id: trade.id })}</Link> : t('trade.title', { id: trade.id })} · {formatDate(trade.created_at)}
        </span>
      </div>
    </article>
  );
}
