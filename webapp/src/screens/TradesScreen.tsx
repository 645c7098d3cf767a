import { Button } from '@maxhub/max-ui';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from '../i18n';
import { useState } from 'react';
import { Link } from 'wouter';
import { transfersApi, tradesApi, usersBlockApi, type Trade, type Transfer } from '../api';
import { ButtonLink } from '../components/ButtonLink';
import { GiftNote } from '../components/GiftNote';
import { Icon } from '../components/Icon';
import { ThumbRow } from '../components/PhotoThumb';
import { ScreenTitle, Segmented, StatusBadge, formatDate } from '../components/Screen';
import { EmptyState, ErrorState, Loading, errorText } from '../components/States';
import { TradeCard } from '../components/TradeCard';
import { UserChip } from '../components/UserChip';
import { useApiQuery } from '../hooks/useApiQuery';
import { keys } from '../data/queries';
import { useMe } from '../state/session';

type Tab = 'incoming' | 'outgoing' | 'transfers';

function TradeList({ role }: { role: 'incoming' | 'outgoing' }) {
  const { t } = useTranslation();
  const me = useMe();
  const list = useApiQuery(keys.tradeList(role), (signal) => tradesApi.list(role, undefined, signal));

  if (list.loading && !list.data) return <Loading />;
  if (list.error) return <ErrorState error={list.error} onRetry={list.reload} />;
  const items = list.data?.items ?? [];
  if (items.length === 0)
    return (
      <EmptyState icon="inbox" title={role === 'incoming' ? t('trades.emptyInboxTitle') : t('trades.emptyOutboxTitle')}>
        {role === 'incoming' ? t('trades.emptyInbox') : t('trades.emptyOutbox')}
      </EmptyState>
    );
  const replace = (next: Trade) =>
    list.setData((d) => d && { items: d.items.map((x) => (x.id === next.id ? next : x)) });
  return (
    <>
      {items.map((tr) => (
        <TradeCard key={tr.id} trade={tr} myId={me.id} onChange={replace} />
      ))}
    </>
  );
}

function TransferRow({ tr, sent, onChange }: { tr: Transfer; sent: boolean; onChange: (t: Transfer) => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const cancel = async () => {
    try {
      onChange(await transfersApi.cancel(tr.id));
    } catch (err) {
      setError(errorText(err));
    }
  };
  // A gift nobody asked for need not be kept: send it back, or refuse further ones.
  const sendBack = async () => {
    try {
      await transfersApi.sendBack(tr.id);
      setNote(t('trades.sentBack'));
    } catch (err) {
      setError(errorText(err));
    }
  };
  const block = async () => {
    try {
      await usersBlockApi.block(tr.from_user.id);
      setNote(t('trades.senderBlocked'));
    } catch (err) {
      setError(errorText(err));
    }
  };
  // The recipient may hide the giver's note from everyone else (provenance then keeps it for the two of them).
  const qc = useQueryClient();
  const toggleNote = async () => {
    try {
      onChange(await transfersApi.setNoteHidden(tr.id, !tr.note_hidden));
      if (tr.photo) void qc.invalidateQueries({ queryKey: keys.story(tr.photo.id) }); // its story shows the note
    } catch (err) {
      setError(errorText(err));
    }
  };
  const gift = !sent && tr.status === 'completed' && !tr.returned_at && !note;
  const other = sent ? tr.to_user : tr.from_user;
  return (
    <div className="card-surface d-flex gap-3 align-items-center transfer-row">
      {/* null: the object's current owner keeps a private collection (it changed hands since). */}
      <ThumbRow photos={tr.photo ? [tr.photo] : []} emptyText={t('user.private')} />
      <div className="flex-grow-1 min-w-0">
        <div className="mb-1">
          {other ? <UserChip user={other} label={sent ? t('trades.to') : t('trades.from')} /> : <span className="text-secondary">{t('trades.anyoneWithCode')}</span>}
        </div>
        <div className="small text-secondary">{formatDate(tr.created_at)}</div>
        {tr.note && (
          <GiftNote note={tr.note} giver={tr.from_user.display_name}>
            {tr.note_hidden && <div className="small text-secondary">{t('note.hiddenState')}</div>}
            {!sent && tr.status === 'completed' && (
              <button type="button" className="btn btn-link p-0 tap-link" onClick={() => void toggleNote()} aria-pressed={tr.note_hidden}>
                {tr.note_hidden ? t('note.show') : t('note.hide')}
              </button>
            )}
          </GiftNote>
        )}
        {error && <div className="small text-danger">{error}</div>}
        {(note || tr.returned_at) && <div className="small text-secondary">{note ?? t('trades.sentBack')}</div>}
      </div>
      <div className="d-flex flex-column align-items-end gap-2">
        <StatusBadge status={tr.status} />
        {sent && tr.status === 'pending' && (
          <Button mode="tertiary" appearance="negative" onClick={cancel}>
            {t('common.cancel')}
          </Button>
        )}
        {/* Only a direct gift can go back: one claimed through a link was asked for (expires_at
            is set only on claim links). */}
        {gift && tr.expires_at === null && (
          <>
            <Button mode="tertiary" onClick={sendBack}>
              {t('trades.sendBack')}
            </Button>
            <Button mode="tertiary" appearance="negative" onClick={block}>
              {t('trades.blockSender')}
            </Button>
          </>
        )}
      </div>
    </div>
  );
}

function TransferList() {
  const { t } = useTranslation();
  const list = useApiQuery(keys.transfers, (signal) =>
    Promise.all([transfersApi.list('sent', signal), transfersApi.list('received', signal)]).then(([s, r]) => ({ sent: s.items, received: r.items })),
  );
  if (list.loading && !list.data) return <Loading />;
  if (list.error || !list.data) return <ErrorState error={list.error} onRetry={list.reload} />;
  const { sent, received } = list.data;
  if (sent.length + received.length === 0)
    return (
      <EmptyState icon="send" title={t('trades.emptyTransfersTitle')}>
        {t('trades.emptyTransfers')}
      </EmptyState>
    );
  const replace = (next: Transfer) =>
    list.setData((d) => d && { sent: d.sent.map((x) => (x.id === next.id ? next : x)), received: d.received.map((x) => (x.id === next.id ? next : x)) });
  return (
    <>
      {received.length > 0 && <h2 className="h6 text-secondary mt-2">{t('trades.received')}</h2>}
      {received.map((tr) => (
        <TransferRow key={`r${tr.id}`} tr={tr} sent={false} onChange={replace} />
      ))}
      {sent.length > 0 && <h2 className="h6 text-secondary mt-3">{t('trades.sent')}</h2>}
      {sent.map((tr) => (
        <TransferRow key={`s${tr.id}`} tr={tr} sent onChange={replace} />
      ))}
    </>
  );
}

/** Trades inbox/outbox and transfers. */
export default function TradesScreen() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>('incoming');
  return (
    <>
      <ScreenTitle
        actions={
          <Link href="/requests" className="btn btn-link tap-link">
            {t('trades.profileRequests')}
          </Link>
        }
      >
        {t('trades.title')}
      </ScreenTitle>
      {/* Starting a trade needs no URL: the form begins with the people search. */}
      <div className="mb-3">
        <ButtonLink href="/trades/new" stretched iconBefore={<Icon name="plus" size={18} />}>
          {t('trades.newTrade')}
        </ButtonLink>
      </div>
      <Segmented
        label={t('trades.tabs')}
        value={tab}
        onChange={setTab}
        options={[
          { value: 'incoming', label: t('trades.inbox') },
          { value: 'outgoing', label: t('trades.outbox') },
          { value: 'transfers', label: t('trades.transfers') },
        ]}
      />
      {tab === 'transfers' ? <TransferList /> : <TradeList key={tab} role={tab} />}
    </>
  );
}
