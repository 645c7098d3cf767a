import { useTranslation } from '../i18n';
import { useParams } from 'wouter';
import { useHistoryState } from 'wouter/use-browser-location';
import { tradesApi, type Trade } from '../api';
import { ShareCode } from '../components/QrCode';
import { ScreenTitle } from '../components/Screen';
import { ErrorState, Loading } from '../components/States';
import { TradeCard } from '../components/TradeCard';
import { useApiQuery } from '../hooks/useApiQuery';
import { keys } from '../data/queries';
import { useLiveEvents } from '../state/live';
import { useMe, useSession } from '../state/session';

/** The link an open trade is accepted through: the backend's deep link, else a web link. */
function tradeLink(trade: Trade): string | null {
  if (trade.deep_link) return trade.deep_link;
  return trade.token ? `${window.location.origin}/trade/${trade.token}` : null;
}

/** One trade, by id (`/trades/7`) or by an open trade's token (`/trade/<token>` from a QR). */
export default function TradeScreen() {
  const { t } = useTranslation();
  const { id, token } = useParams<{ id?: string; token?: string }>();
  const me = useMe();
  const { host } = useSession();
  // A freshly created open trade arrives with its token in the navigation state.
  const created = useHistoryState<{ trade?: Trade } | null>()?.trade;
  const trade = useApiQuery(keys.trade(token ?? Number(id)), (signal) =>
    token ? tradesApi.byToken(token, signal) : tradesApi.get(Number(id), signal),
  );
  // The event carries the whole trade, including who accepted it.
  useLiveEvents(['trade.updated'], (e) => {
    const next = e.data;
    if (next.id !== trade.data?.id) return;
    if (next.status === 'accepted' && next.proposer.id === me.id) host.haptic.notify('success');
    if (next.proposer && next.offered) trade.setData((prev) => ({ ...prev, ...next, viewer_can_accept: prev?.viewer_can_accept ?? false, cannot_accept_reason: prev?.cannot_accept_reason }));
    if (token) trade.reload(); // the viewer's ability to accept may have changed
  });

  if (trade.loading && !trade.data) return <Loading />;
  if (trade.error || !trade.data) return <ErrorState error={trade.error} onRetry={trade.reload} />;
  const tr = { ...created, ...trade.data, token: trade.data.token ?? created?.token, deep_link: trade.data.deep_link ?? created?.deep_link };
  const link = tr.proposer.id === me.id && tr.status === 'pending' && !tr.recipient ? tradeLink(tr) : null;

  return (
    <div className="mx-auto" style={{ maxWidth: 720 }}>
      <ScreenTitle>{t('trade.title', { id: tr.id })}</ScreenTitle>
      {link && (
        <div className="card-surface">
          <ShareCode value={link} label={t('trade.qrLabel')} hint={t('trade.qrHint')} shareText={t('trade.shareText')} />
        </div>
      )}
      {token && tr.proposer.id !== me.id && tr.status === 'pending' && tr.viewer_can_accept !== false && (
        <p className="text-secondary">{t('trade.offers', { name: tr.proposer.display_name })}</p>
      )}
      <TradeCard trade={tr} myId={me.id} token={token} onChange={(next) => trade.setData(() => next)} linkToDetail={false} primary />
    </div>
  );
}
