import { Button } from '@maxhub/max-ui';
import { useEffect, useState } from 'react';
import { Trans, useTranslation } from '../i18n';
import { useParams } from 'wouter';
import { authApi, type QrLoginDetails } from '../api';
import { EmptyState, Notice, errorText } from '../components/States';
import { useMe, useSession } from '../state/session';
import { ButtonLink } from '../components/ButtonLink';

/** Opened by scanning the desktop's sign-in QR: let that computer in as me. */
export default function ApproveLoginScreen() {
  const { t, i18n } = useTranslation();
  const { token } = useParams<{ token: string }>();
  const me = useMe();
  const { host } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  // What asks to sign in (browser, OS, address, time): shown before the user confirms.
  const [details, setDetails] = useState<QrLoginDetails | null>(null);
  const overrides = { '404': 'approve.unknown', '410': 'approve.expired', '409': 'approve.used' };

  useEffect(() => {
    let live = true;
    authApi.qrDetails(token).then(
      (found) => live && setDetails(found),
      (err) => live && setError(errorText(err, overrides)),
    );
    return () => {
      live = false;
    };
  }, [token]);
  const time = (iso: string) =>
    new Date(iso).toLocaleTimeString(i18n.language, { hour: '2-digit', minute: '2-digit' });

  const approve = async () => {
    setBusy(true);
    setError(null);
    try {
      // The token in the QR link is the sign-in request's id.
      await authApi.qrApprove(token, token);
      host.haptic.notify('success');
      setDone(true);
    } catch (err) {
      host.haptic.notify('error');
      setError(errorText(err, overrides));
    } finally {
      setBusy(false);
    }
  };

  if (done)
    return (
      <EmptyState
        icon="check"
        title={t('approve.doneTitle')}
        action={<ButtonLink href="/" mode="secondary">{t('common.backToGallery')}</ButtonLink>}
      >
        {t('approve.done', { name: me.display_name })}
      </EmptyState>
    );

  return (
    <div className="mx-auto" style={{ maxWidth: 440 }}>
      <EmptyState
        icon="lock"
        title={t('approve.title')}
        action={
          <div className="d-flex gap-2 justify-content-center">
            <Button onClick={approve} loading={busy} disabled={!details}>
              {t('approve.approve')}
            </Button>
            <ButtonLink href="/" mode="secondary">{t('approve.notMe')}</ButtonLink>
          </div>
        }
      >
        <Trans i18nKey="approve.text" values={{ name: me.display_name }} components={[<strong />]} />
        {details ? (
          <ul className="list-unstyled mt-2 mb-0" data-testid="qr-login-details">
            <li>
              <strong>{t('approve.device', { browser: details.browser, os: details.os })}</strong>
            </li>
            {details.ip && <li>{t('approve.address', { ip: details.ip })}</li>}
            <li>{t('approve.requested', { time: time(details.created_at), until: time(details.expires_at) })}</li>
          </ul>
        ) : (
          !error && <p className="mt-2 mb-0">{t('approve.checking')}</p>
        )}
      </EmptyState>
      {error && <Notice kind="danger">{error}</Notice>}
    </div>
  );
}
