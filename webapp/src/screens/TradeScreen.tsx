import { useParams } from 'wouter';
import { useHistoryState } from 'wouter/use-browser-location';
import { tradesApi, type Trade } from '../api';
import { ShareCode } from '../components/QrCode';
import { ScreenTitle } from '../components/Screen';
import { ErrorState, Loading } from '../components/States';
import { TradeCard } from '../components/TradeCard';
import { useAsync } from '../hooks/useAsync';
import { useLiveEvents } from '../state/live';
import { useMe } from '../state/session';

/** The link an open trade is accepted through: the backend's deep link, else a web link. */
function tradeLink(trade: Trade): string | null {
  if (trade.deep_link) return trade.deep_link;
  return trade.token ? `${window.location.origin}/trade/${trade.token}` : null;
}

/** One trade, by id (`/trades/7`) or by an open trade's token (`/trade/<token>` from a QR). */
export default function TradeScreen() {
  const { id, token } = useParams<{ id?: string; token?: string }>();
  const me = useMe();
  // A freshly created open trade arrives with its token in the navigation state.
  const created = useHistoryState<{ trade?: Trade } | null>()?.trade;
  const trade = useAsync(
    () => (token ? tradesApi.byToken(token) : tradesApi.get(Number(id))),
    [id, token],
  );
  useLiveEvents(['trade.updated'], (e) => {
    if ((e.data as { id?: number }).id === trade.data?.id) trade.reload();
  });

  if (trade.loading && !trade.data) return <Loading />;
  if (trade.error || !trade.data) return <ErrorState error={trade.error} onRetry={trade.reload} />;
  const t = { ...created, ...trade.data, token: trade.data.token ?? created?.token, deep_link: trade.data.deep_link ?? created?.deep_link };
  const link = t.proposer.id === me.id && t.status === 'pending' && !t.recipient ? tradeLink(t) : null;

  return (
    <div className="mx-auto" style={{ maxWidth: 720 }}>
      <ScreenTitle>{`Trade #${t.id}`}</ScreenTitle>
      {link && (
        <div className="card-surface">
          <ShareCode value={link} label="Trade QR code" hint="Let the other person scan this with their phone, or send them the link." />
        </div>
      )}
      {token && t.proposer.id !== me.id && t.status === 'pending' && (
        <p className="text-secondary">
          {t.proposer.display_name} offers a trade. Accepting swaps the items at once.
        </p>
      )}
      <TradeCard trade={t} myId={me.id} token={token} onChange={(next) => trade.setData(() => next)} linkToDetail={false} />
    </div>
  );
}
