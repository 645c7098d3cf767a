import { Button } from '@maxhub/max-ui';
import { useState } from 'react';
import { useParams } from 'wouter';
import { ApiError, authApi } from '../api';
import { EmptyState, Notice, errorText } from '../components/States';
import { useMe } from '../state/session';
import { ButtonLink } from '../components/ButtonLink';

function approveError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 404) return 'This sign-in code is unknown. Refresh the QR code on the computer.';
    if (err.status === 410) return 'This sign-in code has expired. Refresh the QR code on the computer.';
    if (err.status === 409) return 'This sign-in code was already used.';
  }
  return errorText(err);
}

/** Opened by scanning the desktop's sign-in QR: let that computer in as me. */
export default function ApproveLoginScreen() {
  const { token } = useParams<{ token: string }>();
  const me = useMe();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  const approve = async () => {
    setBusy(true);
    setError(null);
    try {
      // The token in the QR link is the sign-in request's id.
      await authApi.qrApprove(token, token);
      setDone(true);
    } catch (err) {
      setError(approveError(err));
    } finally {
      setBusy(false);
    }
  };

  if (done)
    return (
      <EmptyState
        icon="check"
        title="The computer is signed in"
        action={
          <ButtonLink href="/" mode="secondary">Back to the gallery</ButtonLink>
        }
      >
        You can continue there as {me.display_name}.
      </EmptyState>
    );

  return (
    <div className="mx-auto" style={{ maxWidth: 440 }}>
      <EmptyState
        icon="lock"
        title="Sign in on a computer?"
        action={
          <div className="d-flex gap-2 justify-content-center">
            <Button onClick={approve} loading={busy}>
              Approve
            </Button>
            <ButtonLink href="/" mode="secondary">Not me</ButtonLink>
          </div>
        }
      >
        A browser asks to sign in as <strong>{me.display_name}</strong>. Approve only if you scanned the code on your own
        screen just now.
      </EmptyState>
      {error && <Notice kind="danger">{error}</Notice>}
    </div>
  );
}
