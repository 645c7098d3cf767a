import { Button } from '@maxhub/max-ui';
import { useState } from 'react';
import { useParams } from 'wouter';
import { ApiError, transfersApi, type Transfer } from '../api';
import { PhotoImage } from '../components/PhotoImage';
import { ScreenTitle } from '../components/Screen';
import { EmptyState, Notice, errorText } from '../components/States';
import { ButtonLink } from '../components/ButtonLink';

function claimError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 404) return 'This claim code is unknown.';
    if (err.status === 409 || err.status === 410) return err.message || 'This code was already used, cancelled or has expired.';
  }
  return errorText(err);
}

/** Opened from a claim QR or link: take ownership of the photo being given away. */
export default function ClaimScreen() {
  const { token } = useParams<{ token: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<Transfer | null>(null);

  const claim = async () => {
    setBusy(true);
    setError(null);
    try {
      setDone(await transfersApi.claim(token));
    } catch (err) {
      setError(claimError(err));
    } finally {
      setBusy(false);
    }
  };

  if (done)
    return (
      <div className="mx-auto text-center" style={{ maxWidth: 420 }}>
        <ScreenTitle>It’s yours</ScreenTitle>
        <div className="card-surface">
          <PhotoImage src={done.photo.thumb_url} alt={done.photo.title} placeholder={done.photo.placeholder} />
          <div className="fw-semibold mt-2">{done.photo.title}</div>
          <div className="small text-secondary">from {done.from_user.display_name}</div>
        </div>
        <ButtonLink href={`/photos/${done.photo.id}`} stretched>Open the photo</ButtonLink>
      </div>
    );

  return (
    <div className="mx-auto" style={{ maxWidth: 420 }}>
      <EmptyState
        icon="send"
        title="Someone is giving you a photo"
        action={
          <Button onClick={claim} loading={busy}>
            Claim it
          </Button>
        }
      >
        Claim codes work once: the first person to claim becomes the owner.
      </EmptyState>
      {error && <Notice kind="danger">{error}</Notice>}
    </div>
  );
}
