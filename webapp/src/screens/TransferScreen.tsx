import { Button } from '@maxhub/max-ui';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from '../i18n';
import { useParams } from 'wouter';
import { photosApi, transfersApi, type Photo, type Transfer, type UserSummary } from '../api';
import { GiftNote, NoteField, noteTooLong } from '../components/GiftNote';
import { MintNumber } from '../components/MintNumber';
import { PeoplePicker } from '../components/PeoplePicker';
import { PhotoImage } from '../components/PhotoImage';
import { PrimaryAction, useClosingConfirmation } from '../components/PrimaryAction';
import { ShareCode } from '../components/QrCode';
import { ScreenTitle, Segmented, StatusBadge, formatDate } from '../components/Screen';
import { EmptyState, ErrorState, Loading, Notice, errorText } from '../components/States';
import { formatNumber } from '../i18n';
import { errorCode } from '../i18n/errors';
import { ButtonLink } from '../components/ButtonLink';
import { UserChip } from '../components/UserChip';
import { useApiQuery } from '../hooks/useApiQuery';
import { claimCodeAfterEvent } from '../data/claimCode';
import { keys } from '../data/queries';
import { navigate } from '../routing/navigation';
import { useLiveEvents } from '../state/live';
import { useMe, useSession } from '../state/session';

/** The link a claim QR carries: the backend's deep link (host-specific), else a web link. */
function claimLink(t: Transfer): string | null {
  if (t.deep_link) return t.deep_link;
  return t.claim_token ? `${window.location.origin}/claim/${t.claim_token}` : null;
}

function ToUser({ photo }: { photo: Photo }) {
  const { t } = useTranslation();
  const me = useMe();
  const { host } = useSession();
  const [user, setUser] = useState<UserSummary | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useClosingConfirmation(user !== null || note.trim() !== '');

  const submit = async () => {
    if (!user || busy || noteTooLong(note)) return;
    setBusy(true);
    setError(null);
    try {
      await transfersApi.create(photo.id, user.id, note.trim());
      host.haptic.notify('success');
      navigate(`/photos/${photo.id}`, { replace: true });
    } catch (err) {
      host.haptic.notify('error');
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="card-surface">
      <PeoplePicker label={t('transfer.recipient')} value={user} onChange={setUser} excludeId={me.id} />
      <div className="mt-3">
        <NoteField id="gift-note" value={note} onChange={setNote} />
      </div>
      {error && <Notice kind="danger">{error}</Notice>}
      <PrimaryAction
        className="mt-3"
        text={user ? t('transfer.giveTo', { name: user.display_name }) : t('transfer.giveAway')}
        onClick={() => void submit()}
        loading={busy}
        disabled={!user || noteTooLong(note)}
        reason={t('transfer.pickSomeone')}
      />
      <p className="small text-secondary mt-2 mb-0">{t('transfer.final')}</p>
    </div>
  );
}

/** Re-renders when `at` (an ISO time) passes, so a code's expiry shows without a reload. */
function usePassed(at: string | null | undefined): boolean {
  const [now, setNow] = useState(() => Date.now());
  const due = at ? Date.parse(at) : NaN;
  useEffect(() => {
    if (Number.isNaN(due) || due <= now) return;
    const timer = setTimeout(() => setNow(Date.now()), Math.min(due - now + 50, 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [due, now]);
  return !Number.isNaN(due) && due <= now;
}

/**
 * The claim link: the live one is shown again when you come back (never silently replaced);
 * a new one replaces it only when you ask, and its old holder is then told it was replaced.
 */
function ClaimCode({ photo }: { photo: Photo }) {
  const { t } = useTranslation();
  const { host } = useSession();
  const pending = useApiQuery(keys.pendingCode(photo.id), (signal) => transfersApi.pendingCode(photo.id, signal));
  // What this screen made or last heard; before that, the live code the server shows again.
  const [local, setLocal] = useState<Transfer | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const transfer = local ?? pending.data ?? null;
  const expired = usePassed(transfer?.status === 'pending' ? transfer.expires_at : null);
  const status = transfer && expired ? 'expired' : transfer?.status;

  // The event carries the whole transfer, with who claimed it. It is matched against the state
  // as it is when React applies the update, not as this render saw it: after "Заменить ссылку"
  // the old link's `cancelled` event can arrive after the reply (the new code is already set)
  // but before the next render, and must not put the old, cancelled code back.
  const serverCode = useRef<Transfer | null>(null);
  serverCode.current = pending.data ?? null;
  useLiveEvents(['transfer.updated'], (e) => {
    const next = e.data;
    if (next.status === 'completed' && transfer?.id === next.id) host.haptic.notify('success');
    setLocal((current) => claimCodeAfterEvent(current, serverCode.current, next));
  });

  const run = async (make: () => Promise<Transfer>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      setLocal(await make());
      host.haptic.notify('success');
    } catch (err) {
      host.haptic.notify('error');
      if (errorCode(err) === 'claim_code_pending') {
        // Made elsewhere meanwhile (another device): show that one instead.
        setLocal(null);
        pending.reload();
        setNotice(errorText(err));
      } else setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const replace = () => {
    if (transfer && window.confirm(t('transfer.replaceConfirm'))) void run(() => transfersApi.replace(transfer.id));
  };
  const cancel = async () => {
    if (!transfer) return;
    try {
      setLocal({ ...transfer, ...(await transfersApi.cancel(transfer.id)) });
      host.haptic.notify('warning');
    } catch (err) {
      setError(errorText(err));
    }
  };

  if (pending.loading) return <Loading />;
  if (!transfer)
    return (
      <div className="card-surface">
        <p>{t('transfer.codeIntro')}</p>
        {pending.error !== null && pending.error !== undefined && <Notice kind="danger">{errorText(pending.error)}</Notice>}
        {error && <Notice kind="danger">{error}</Notice>}
        <NoteField id="code-note" value={note} onChange={setNote} />
        <PrimaryAction text={t('transfer.createCode')} onClick={() => void run(() => transfersApi.create(photo.id, undefined, note.trim()))} loading={busy} disabled={noteTooLong(note)} />
      </div>
    );
  const link = claimLink(transfer);
  const live = status === 'pending';
  return (
    <div className="card-surface text-center" data-transfer-id={transfer.id} data-transfer-status={status}>
      <div className="mb-2">
        <StatusBadge status={status ?? transfer.status} />
      </div>
      {notice && <Notice kind="info">{notice}</Notice>}
      {live && !local && <p className="small text-secondary">{t('transfer.stillLive')}</p>}
      {live && link && (
        <ShareCode
          value={link}
          label={t('transfer.codeLabel')}
          hint={[t('claim.giverShareHint'), transfer.expires_at ? t('transfer.validUntil', { date: formatDate(transfer.expires_at) }) : '']
            .filter(Boolean)
            .join(' ')}
          shareText={t('transfer.shareText', { title: `${photo.title} · ${t('photo.mintNumber', { n: formatNumber(photo.mint_number) })}` })}
        />
      )}
      {transfer.note && <GiftNote note={transfer.note} giver={transfer.from_user.display_name} />}
      {status === 'completed' && transfer.to_user && (
        <div className="mt-2 d-flex justify-content-center" data-testid="claimed-by">
          <UserChip user={transfer.to_user} label={t('transfer.claimedBy')} />
        </div>
      )}
      {error && <Notice kind="danger">{error}</Notice>}
      {live && (
        <div className="d-flex flex-wrap gap-2 justify-content-center mt-3">
          <Button mode="secondary" onClick={replace} loading={busy}>{t('transfer.replaceCode')}</Button>
          <Button mode="secondary" appearance="negative" onClick={cancel}>{t('transfer.cancelCode')}</Button>
        </div>
      )}
      {(status === 'expired' || status === 'cancelled') && (
        <div className="mt-3 text-start">
          <NoteField id="code-note" value={note} onChange={setNote} />
          <PrimaryAction text={t('transfer.newCode')} onClick={() => void run(() => transfersApi.create(photo.id, undefined, note.trim()))} loading={busy} disabled={noteTooLong(note)} />
        </div>
      )}
    </div>
  );
}

/** Give a photo away: by a one-time claim link (QR), or straight to a person. */
export default function TransferScreen() {
  const { t } = useTranslation();
  const id = Number(useParams<{ id: string }>().id);
  const me = useMe();
  const photo = useApiQuery(keys.photo(id), (signal) => photosApi.get(id, signal));
  const [mode, setMode] = useState<'user' | 'code'>('code');
  // Once shown as yours, the screen stays: when the gift is claimed the photo changes hands
  // (and the cache refetches it), and this screen must then say who claimed it.
  const wasMine = useRef(false);
  if (photo.data && photo.data.owner.id === me.id) wasMine.current = true;

  if (photo.loading && !photo.data) return <Loading />;
  if (photo.error || !photo.data) return <ErrorState error={photo.error} onRetry={photo.reload} />;
  const p = photo.data;
  if (!wasMine.current)
    return (
      <EmptyState icon="lock" title={t('transfer.notYoursTitle')} action={<ButtonLink href={`/photos/${p.id}`} mode="secondary">{t('common.openPhoto')}</ButtonLink>}>
        {t('transfer.notYours', { name: p.owner.display_name, title: p.title })}
      </EmptyState>
    );

  return (
    <div className="mx-auto" style={{ maxWidth: 560 }}>
      <ScreenTitle>{t('transfer.title')}</ScreenTitle>
      <div className="card-surface d-flex align-items-center gap-3">
        <div style={{ width: 64 }}>
          <PhotoImage src={p.thumb_url} src2x={p.thumb_2x_url} sizes="64px" alt={p.title} placeholder={p.placeholder} color={p.dominant_color} />
        </div>
        <div className="fw-semibold">
          <MintNumber n={p.mint_number} /> {p.title}
        </div>
      </div>
      <Segmented
        label={t('transfer.by')}
        value={mode}
        onChange={setMode}
        options={[
          { value: 'code', label: t('transfer.byCode') },
          { value: 'user', label: t('transfer.byUser') },
        ]}
      />
      {mode === 'user' ? <ToUser photo={p} /> : <ClaimCode photo={p} />}
    </div>
  );
}
