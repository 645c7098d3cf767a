import { Button } from '@maxhub/max-ui';
import { useState } from 'react';
import { Link } from 'wouter';
import { ApiError, tradesApi, type Trade } from '../api';
import { ThumbRow } from './PhotoThumb';
import { StatusBadge, formatDate } from './Screen';
import { Notice, errorText } from './States';
import { UserChip } from './UserChip';

type Action = 'accept' | 'decline' | 'cancel';

function actionError(err: unknown): string {
  if (err instanceof ApiError && err.status === 409) {
    return 'One of the items changed hands in the meantime, so this trade can no longer happen.';
  }
  return errorText(err);
}

/**
 * A trade with both sides shown from the viewer's point of view and the
 * actions they may take: the recipient (or, for an open trade, whoever holds
 * the token) accepts or declines, the proposer cancels.
 */
export function TradeCard({
  trade,
  myId,
  token,
  onChange,
  linkToDetail = true,
}: {
  trade: Trade;
  myId: number;
  /** The open-trade token when the viewer came through its link. */
  token?: string;
  onChange: (t: Trade) => void;
  linkToDetail?: boolean;
}) {
  const [busy, setBusy] = useState<Action | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mine = trade.proposer.id === myId;
  const pending = trade.status === 'pending';
  const canAnswer = pending && !mine && (trade.recipient?.id === myId || (!trade.recipient && Boolean(token)));

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
      onChange(next);
    } catch (err) {
      setError(actionError(err));
      if (err instanceof ApiError && err.status === 409) {
        tradesApi.get(trade.id).then(onChange, () => undefined);
      }
    } finally {
      setBusy(null);
    }
  };

  const counterpart = mine ? trade.recipient : trade.proposer;
  return (
    <article className="card-surface" data-trade-id={trade.id}>
      <div className="d-flex align-items-center gap-2 mb-2">
        {counterpart ? (
          <UserChip user={counterpart} label={mine ? 'To' : 'From'} />
        ) : (
          <span className="fw-semibold">Open trade (by QR or link)</span>
        )}
        <span className="ms-auto">
          <StatusBadge status={trade.status} />
        </span>
      </div>
      {trade.message && <p className="mb-2 fst-italic">“{trade.message}”</p>}
      <div className="row g-2">
        <div className="col-12 col-sm-6">
          <div className="small text-secondary mb-1">{mine ? 'You give' : `${trade.proposer.display_name} gives`}</div>
          <ThumbRow photos={trade.offered} />
        </div>
        <div className="col-12 col-sm-6">
          <div className="small text-secondary mb-1">{mine ? 'You get' : 'You give'}</div>
          <ThumbRow photos={trade.requested} />
        </div>
      </div>
      {error && (
        <div className="mt-2">
          <Notice kind="danger" onClose={() => setError(null)}>
            {error}
          </Notice>
        </div>
      )}
      <div className="d-flex flex-wrap align-items-center gap-2 mt-3">
        {canAnswer && (
          <>
            <Button size="small" onClick={() => act('accept')} loading={busy === 'accept'} disabled={busy !== null}>
              Accept
            </Button>
            {trade.recipient && (
              <Button size="small" mode="secondary" appearance="negative" onClick={() => act('decline')} loading={busy === 'decline'} disabled={busy !== null}>
                Decline
              </Button>
            )}
          </>
        )}
        {pending && mine && (
          <Button size="small" mode="secondary" appearance="negative" onClick={() => act('cancel')} loading={busy === 'cancel'} disabled={busy !== null}>
            Cancel trade
          </Button>
        )}
        <span className="small text-secondary ms-auto">
          {linkToDetail ? <Link href={`/trades/${trade.id}`}>#{trade.id}</Link> : `#${trade.id}`} · {formatDate(trade.created_at)}
        </span>
      </div>
    </article>
  );
}
