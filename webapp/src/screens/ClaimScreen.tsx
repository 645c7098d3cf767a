import { useState } from 'react';
import { useTranslation } from '../i18n';
import { useParams } from 'wouter';
import { ApiError, transfersApi, type ClaimPreview, type Transfer } from '../api';
import { ButtonLink } from '../components/ButtonLink';
import { GiftNote } from '../components/GiftNote';
import { MintNumber } from '../components/MintNumber';
import { PhotoImage } from '../components/PhotoImage';
import { StoryView } from '../components/Story';
import { PrimaryAction } from '../components/PrimaryAction';
import { ScreenTitle, formatDate } from '../components/Screen';
import { EmptyState, Loading, Notice, errorText } from '../components/States';
import { UserChip } from '../components/UserChip';
import { useApiQuery } from '../hooks/useApiQuery';
import { keys } from '../data/queries';
import { errorCode } from '../i18n/errors';
import { useSession } from '../state/session';

type State = 'open' | 'used' | 'expired' | 'cancelled' | 'own' | 'unknown';

/** What the link can still do, judged before anyone taps. */
function stateOf(p: ClaimPreview): State {
  if (p.is_giver && p.status === 'pending') return 'own';
  if (p.status === 'completed') return 'used';
  if (p.status === 'expired' || (p.expires_at && Date.parse(p.expires_at) <= Date.now())) return 'expired';
  if (p.status === 'cancelled') return 'cancelled';
  return 'open';
}

/** A claim that failed tells us the state it found. */
function stateOfError(err: unknown): State | null {
  const code = errorCode(err);
  if (code === 'claim_used') return 'used';
  if (code === 'claim_expired') return 'expired';
  if (code === 'claim_cancelled') return 'cancelled';
  if (code === 'own_claim') return 'own';
  if (code === 'claim_not_found') return 'unknown';
  return null;
}

function PhotoCard({ preview }: { preview: ClaimPreview }) {
  const { t } = useTranslation();
  return (
    <div className="card-surface text-center claim-card">
      {/* A used, expired or cancelled code shows nothing of the object (it may be someone else's now). */}
      {preview.photo && (
        <>
          <div className="claim-photo">
            <PhotoImage src={preview.photo.thumb_url} src2x={preview.photo.thumb_2x_url} sizes="240px" alt={preview.photo.title} placeholder={preview.photo.placeholder} />
          </div>
          <div className="fw-semibold mt-2">
            <MintNumber n={preview.photo.mint_number} /> {preview.photo.title}
          </div>
        </>
      )}
      <div className="d-flex justify-content-center mt-1">
        <UserChip user={preview.giver} label={t('claim.giver')} />
      </div>
      {preview.note && <GiftNote note={preview.note} giver={preview.giver.display_name} />}
      {preview.expires_at && stateOf(preview) === 'open' && (
        <div className="small text-secondary mt-1">{t('claim.expires', { date: formatDate(preview.expires_at) })}</div>
      )}
      {/* Where it has been, before taking it (only while the code is pending, like the photo). */}
      {preview.photo && preview.story && (
        <div className="text-start mt-3">
          <h2 className="h6 mb-2">{t('story.title')}</h2>
          <StoryView story={preview.story} showNumber={false} />
        </div>
      )}
    </div>
  );
}

/** Opened from a claim QR or link: see what is given and by whom, then take it. */
export default function ClaimScreen() {
  const { t } = useTranslation();
  const { host } = useSession();
  const { token } = useParams<{ token: string }>();
  const preview = useApiQuery(keys.claim(token), () => transfersApi.preview(token));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [found, setFound] = useState<State | null>(null);
  const [done, setDone] = useState<Transfer | null>(null);

  const claim = async () => {
    setBusy(true);
    setError(null);
    try {
      setDone(await transfersApi.claim(token));
      host.haptic.notify('success');
    } catch (err) {
      host.haptic.notify('error');
      const state = stateOfError(err);
      if (state) setFound(state);
      else setError(errorText(err));
      preview.reload();
    } finally {
      setBusy(false);
    }
  };

  if (done)
    return (
      <div className="mx-auto text-center" style={{ maxWidth: 420 }}>
        <ScreenTitle>{t('claim.doneTitle')}</ScreenTitle>
        <div className="card-surface">
          {done.photo && (
            <>
              <PhotoImage src={done.photo.thumb_url} src2x={done.photo.thumb_2x_url} sizes="240px" alt={done.photo.title} placeholder={done.photo.placeholder} />
              <div className="fw-semibold mt-2">{done.photo.title}</div>
            </>
          )}
          <div className="small text-secondary">{t('claim.from', { name: done.from_user.display_name })}</div>
        </div>
        <ButtonLink href={done.photo ? `/photos/${done.photo.id}` : '/'} stretched>{t('common.openPhoto')}</ButtonLink>
      </div>
    );

  if (preview.loading && !preview.data) return <Loading />;

  const p = preview.data;
  const unknown =
    preview.error instanceof ApiError && (errorCode(preview.error) === 'claim_not_found' || preview.error.status === 404);
  const state: State = found ?? (p ? stateOf(p) : unknown ? 'unknown' : 'open');

  if (state === 'unknown')
    return (
      <EmptyState icon="alert" title={t('claim.unknownTitle')} action={<ButtonLink href="/" mode="secondary">{t('common.backToGallery')}</ButtonLink>}>
        {t('claim.unknown')}
      </EmptyState>
    );

  if (!p)
    // The preview failed for another reason (network): say so, offer to try again.
    return (
      <div className="mx-auto" style={{ maxWidth: 420 }}>
        <Notice kind="danger">{errorText(preview.error)}</Notice>
        <ButtonLink href="/" mode="secondary" stretched>{t('common.backToGallery')}</ButtonLink>
      </div>
    );

  const giver = p.giver.display_name;
  const closed: Record<Exclude<State, 'open' | 'unknown'>, { title: string; text: string }> = {
    used: {
      title: t('claim.usedTitle'),
      text: p.claimed_by ? t('claim.usedBy', { name: p.claimed_by.display_name }) : t('claim.used'),
    },
    expired: { title: t('claim.expiredTitle'), text: t('claim.expired', { name: giver }) },
    // Why it died, as the backend knows it: never "the giver keeps it" when a new link replaced it.
    cancelled:
      p.cancel_reason === 'replaced'
        ? { title: t('claim.replacedTitle'), text: t('claim.replaced', { name: giver }) }
        : p.cancel_reason === 'changed_hands'
          ? { title: t('claim.changedHandsTitle'), text: t('claim.changedHands') }
          : { title: t('claim.cancelledTitle'), text: t('claim.cancelled', { name: giver }) },
    own: { title: t('claim.ownTitle'), text: t('claim.own') },
  };

  return (
    <div className="mx-auto" style={{ maxWidth: 420 }} data-claim-state={state}>
      <ScreenTitle>{state === 'open' ? t('claim.title') : closed[state].title}</ScreenTitle>
      <PhotoCard preview={p} />
      {state === 'open' ? (
        <>
          <p className="small text-secondary text-center">{t('claim.once')}</p>
          {error && <Notice kind="danger">{error}</Notice>}
          <PrimaryAction text={t('claim.claim')} onClick={() => void claim()} loading={busy} />
        </>
      ) : (
        <>
          <Notice kind="info">{closed[state].text}</Notice>
          <ButtonLink href={state === 'own' && p.photo ? `/photos/${p.photo.id}` : '/'} mode="secondary" stretched>
            {state === 'own' && p.photo ? t('common.openPhoto') : t('common.backToGallery')}
          </ButtonLink>
        </>
      )}
    </div>
  );
}
