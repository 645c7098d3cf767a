import { Button } from '@maxhub/max-ui';
import { useState } from 'react';
import { Link } from 'wouter';
import { transfersApi, tradesApi, type Trade, type Transfer } from '../api';
import { ThumbRow } from '../components/PhotoThumb';
import { ScreenTitle, Segmented, StatusBadge, formatDate } from '../components/Screen';
import { EmptyState, ErrorState, Loading, errorText } from '../components/States';
import { TradeCard } from '../components/TradeCard';
import { UserChip } from '../components/UserChip';
import { useAsync } from '../hooks/useAsync';
import { useLiveEvents } from '../state/live';
import { useMe } from '../state/session';

type Tab = 'incoming' | 'outgoing' | 'transfers';

function TradeList({ role }: { role: 'incoming' | 'outgoing' }) {
  const me = useMe();
  const list = useAsync(() => tradesApi.list(role), [role]);
  useLiveEvents(['trade.created', 'trade.updated'], () => list.reload());

  if (list.loading && !list.data) return <Loading />;
  if (list.error) return <ErrorState error={list.error} onRetry={list.reload} />;
  const items = list.data?.items ?? [];
  if (items.length === 0)
    return (
      <EmptyState icon="inbox" title={role === 'incoming' ? 'No trade offers' : 'No proposals sent'}>
        {role === 'incoming'
          ? 'When someone proposes a trade for your photos it shows up here.'
          : 'Open someone’s photo and tap “Propose a trade”.'}
      </EmptyState>
    );
  const replace = (t: Trade) =>
    list.setData((d) => d && { items: d.items.map((x) => (x.id === t.id ? t : x)) });
  return (
    <>
      {items.map((t) => (
        <TradeCard key={t.id} trade={t} myId={me.id} onChange={replace} />
      ))}
    </>
  );
}

function TransferRow({ t, sent, onChange }: { t: Transfer; sent: boolean; onChange: (t: Transfer) => void }) {
  const [error, setError] = useState<string | null>(null);
  const cancel = async () => {
    try {
      onChange(await transfersApi.cancel(t.id));
    } catch (err) {
      setError(errorText(err));
    }
  };
  const other = sent ? t.to_user : t.from_user;
  return (
    <div className="card-surface d-flex gap-3 align-items-center">
      <ThumbRow photos={[t.photo]} />
      <div className="flex-grow-1 min-w-0">
        <div className="mb-1">
          {other ? <UserChip user={other} label={sent ? 'To' : 'From'} /> : <span className="text-secondary">Claim code — anyone with it</span>}
        </div>
        <div className="small text-secondary">{formatDate(t.created_at)}</div>
        {error && <div className="small text-danger">{error}</div>}
      </div>
      <div className="d-flex flex-column align-items-end gap-2">
        <StatusBadge status={t.status} />
        {sent && t.status === 'pending' && (
          <Button size="small" mode="tertiary" appearance="negative" onClick={cancel}>
            Cancel
          </Button>
        )}
      </div>
    </div>
  );
}

function TransferList() {
  const list = useAsync(
    () => Promise.all([transfersApi.list('sent'), transfersApi.list('received')]).then(([s, r]) => ({ sent: s.items, received: r.items })),
    [],
  );
  useLiveEvents(['transfer.updated'], () => list.reload());
  if (list.loading && !list.data) return <Loading />;
  if (list.error || !list.data) return <ErrorState error={list.error} onRetry={list.reload} />;
  const { sent, received } = list.data;
  if (sent.length + received.length === 0)
    return (
      <EmptyState icon="send" title="No transfers yet">
        Give one of your photos away from its page with “Transfer”.
      </EmptyState>
    );
  const replace = (t: Transfer) =>
    list.setData((d) => d && { ...d, sent: d.sent.map((x) => (x.id === t.id ? t : x)) });
  return (
    <>
      {received.length > 0 && <h2 className="h6 text-secondary mt-2">Received</h2>}
      {received.map((t) => (
        <TransferRow key={`r${t.id}`} t={t} sent={false} onChange={replace} />
      ))}
      {sent.length > 0 && <h2 className="h6 text-secondary mt-3">Sent</h2>}
      {sent.map((t) => (
        <TransferRow key={`s${t.id}`} t={t} sent onChange={replace} />
      ))}
    </>
  );
}

/** Trades inbox/outbox and transfers. */
export default function TradesScreen() {
  const [tab, setTab] = useState<Tab>('incoming');
  return (
    <>
      <ScreenTitle
        actions={
          <Link href="/requests" className="btn btn-sm btn-link">
            Profile requests
          </Link>
        }
      >
        Trades
      </ScreenTitle>
      <Segmented
        label="Trades"
        value={tab}
        onChange={setTab}
        options={[
          { value: 'incoming', label: 'Inbox' },
          { value: 'outgoing', label: 'Outbox' },
          { value: 'transfers', label: 'Transfers' },
        ]}
      />
      {tab === 'transfers' ? <TransferList /> : <TradeList key={tab} role={tab} />}
    </>
  );
}
