import { Button } from '@maxhub/max-ui';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from '../i18n';
import { ApiError, approvedSignIn, authApi, type QrLoginRequest } from '../api';
import { QrCode } from '../components/QrCode';
import { EmptyState, Loading, Notice, errorText } from '../components/States';
import { useSession } from '../state/session';

const POLL_MS = 1500;

type QrState =
  | { phase: 'loading' }
  | { phase: 'waiting'; request: QrLoginRequest }
  | { phase: 'expired' }
  | { phase: 'error'; message: string };

/** Desktop sign-in by QR: show the code, poll until a signed-in phone approves it. */
function QrSignIn() {
  const { t } = useTranslation();
  const { adopt } = useSession();
  const [state, setState] = useState<QrState>({ phase: 'loading' });
  const [round, setRound] = useState(0);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ctrl = new AbortController();
    setState({ phase: 'loading' });

    const poll = async (req: QrLoginRequest) => {
      if (stopped) return;
      try {
        const res = await authApi.qrPoll(req.request_id, req.secret, ctrl.signal);
        if (stopped) return;
        const approved = approvedSignIn(res);
        if (approved) return adopt(approved);
        if (res.status === 'consumed') return setState({ phase: 'expired' });
      } catch (err) {
        if (stopped) return;
        if (err instanceof ApiError && (err.status === 410 || err.status === 404)) return setState({ phase: 'expired' });
        // Transient (network) errors: keep polling.
      }
      timer = setTimeout(() => void poll(req), POLL_MS);
    };

    authApi.qrStart().then(
      (req) => {
        if (stopped) return;
        setState({ phase: 'waiting', request: req });
        timer = setTimeout(() => void poll(req), POLL_MS);
      },
      (err) => !stopped && setState({ phase: 'error', message: errorText(err) }),
    );
    return () => {
      stopped = true;
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [adopt, round]);

  const links = state.phase === 'waiting' ? state.request.deep_links : undefined;
  return (
    <div className="card-surface h-100 text-center d-flex flex-column align-items-center">
      <h2 className="h5">{t('signIn.qrTitle')}</h2>
      <p className="small text-secondary">{t('signIn.qrText')}</p>
      {state.phase === 'waiting' ? (
        <>
          <QrCode value={state.request.qr_payload} label={t('signIn.qrLabel')} size={220} />
          <div className="small text-secondary mt-2" data-testid="qr-waiting">{t('signIn.waiting')}</div>
          {links && (links.max || links.telegram) && (
            <div className="d-flex flex-wrap gap-2 justify-content-center align-items-center mt-2 small">
              <span className="text-secondary">{t('signIn.openIn')}</span>
              {links.max && (
                <a className="tap-link" href={links.max} target="_blank" rel="noopener noreferrer" data-deep-link="max">
                  Max
                </a>
              )}
              {links.telegram && (
                <a className="tap-link" href={links.telegram} target="_blank" rel="noopener noreferrer" data-deep-link="telegram">
                  Telegram
                </a>
              )}
            </div>
          )}
        </>
      ) : state.phase === 'loading' ? (
        <Loading label={t('signIn.preparing')} />
      ) : (
        <div className="d-flex flex-column align-items-center gap-2 my-4">
          <div className="text-secondary">{state.phase === 'expired' ? t('signIn.expired') : state.message}</div>
          <Button mode="secondary" onClick={() => setRound((r) => r + 1)}>
            {t('signIn.newCode')}
          </Button>
        </div>
      )}
    </div>
  );
}

/** Username and password, for sign-in and sign-up on the desktop. */
function PasswordSignIn() {
  const { t } = useTranslation();
  const { adopt } = useSession();
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      adopt(mode === 'login' ? await authApi.login(username.trim(), password) : await authApi.register(username.trim(), password));
    } catch (err) {
      setError(errorText(err, { '401': 'signIn.wrongPassword', '409': 'signIn.taken' }));
      setBusy(false);
    }
  };

  return (
    <form className="card-surface h-100" onSubmit={submit}>
      <h2 className="h5">{mode === 'login' ? t('signIn.passwordTitle') : t('signIn.registerTitle')}</h2>
      {error && <Notice kind="danger">{error}</Notice>}
      <div className="mb-3">
        <label htmlFor="username" className="form-label">{t('signIn.username')}</label>
        <input id="username" className="form-control" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required minLength={3} maxLength={32} />
      </div>
      <div className="mb-3">
        <label htmlFor="password" className="form-label">{t('signIn.password')}</label>
        <input id="password" type="password" className="form-control" autoComplete={mode === 'login' ? 'current-password' : 'new-password'} value={password} onChange={(e) => setPassword(e.target.value)} required minLength={mode === 'register' ? 8 : 1} />
      </div>
      <Button type="submit" stretched loading={busy}>
        {mode === 'login' ? t('signIn.submitLogin') : t('signIn.submitRegister')}
      </Button>
      <button type="button" className="btn btn-link w-100 mt-2 tap-link" onClick={() => setMode(mode === 'login' ? 'register' : 'login')}>
        {mode === 'login' ? t('signIn.toRegister') : t('signIn.toLogin')}
      </button>
    </form>
  );
}

/**
 * Inside Max or Telegram the messenger is the account: when its sign-in fails (initData too
 * old or refused), explain and offer to reopen — never a password form.
 */
function MessengerFailure() {
  const { t } = useTranslation();
  const { host, messengerFailure, retry } = useSession();
  const hostName = host.kind === 'telegram' ? 'Telegram' : 'Max';
  return (
    <main className="sign-in" data-testid="messenger-failure">
      <EmptyState
        icon="alert"
        title={t('signIn.messengerFailedTitle')}
        action={
          <div className="d-flex flex-column gap-2 align-items-stretch">
            {messengerFailure === 'offline' ? (
              <Button onClick={retry}>{t('common.tryAgain')}</Button>
            ) : host.close ? (
              <Button onClick={() => host.close!()}>{t('signIn.reopen')}</Button>
            ) : (
              <p className="small text-secondary mb-0">{t('signIn.reopenHint')}</p>
            )}
          </div>
        }
      >
        {messengerFailure === 'offline' ? t('signIn.messengerOffline') : t('signIn.messengerFailed', { host: hostName })}
      </EmptyState>
    </main>
  );
}

export default function SignInScreen() {
  const { t } = useTranslation();
  const { host, notice } = useSession();
  useEffect(() => {
    document.title = `${t('signIn.title')} · ${t('app.name')}`;
  }, [t]);
  if (host.kind !== 'web') return <MessengerFailure />;
  return (
    <main className="sign-in">
      <div className="text-center mb-4">
        <h1 className="brand justify-content-center fs-3 mb-1">
          <span className="brand-mark" aria-hidden="true">◆</span> {t('app.name')}
        </h1>
        <p className="text-secondary mb-0">{t('app.tagline')}</p>
      </div>
      {notice && <Notice kind="warning">{t(notice)}</Notice>}
      {/* On a phone-width browser the password form leads; the QR is for a second device. */}
      <div className="row g-3 sign-in-grid">
        <div className="col-12 col-md-6 sign-in-qr">
          <QrSignIn />
        </div>
        <div className="col-12 col-md-6 sign-in-password">
          <PasswordSignIn />
        </div>
      </div>
    </main>
  );
}
