import { Button } from '@maxhub/max-ui';
import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { useParams } from 'wouter';
import { authApi } from '../api';
import { EmptyState, Notice, errorText } from '../components/States';
import { useMe, useSession } from '../state/session';
import { ButtonLink } from '../components/ButtonLink';

/** Opened by scanning the desktop's sign-in QR: let that computer in as me. */
export default function ApproveLoginScreen() {
  const { t } = useTranslation();
  const { token } = useParams<{ token: string }>();
  const me = useMe();
  const { host } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

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
      setError(errorText(err, { '404': 'approve.unknown', '410': 'approve.expired', '409': 'approve.used' }));
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
            <Button onClick={approve} loading={busy}>
              {t('approve.approve')}
            </Button>
            <ButtonLink href="/" mode="secondary">{t('approve.notMe')}</ButtonLink>
          </div>
        }
      >
        <Trans i18nKey="approve.text" values={{ name: me.display_name }} components={[<strong />]} />
      </EmptyState>
      {error && <Notice kind="danger">{error}</Notice>}
    </div>
  );
}
