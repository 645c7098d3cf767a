import { Button } from '@maxhub/max-ui';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, authApi, type QrLoginRequest } from '../api';
import { QrCode } from '../components/QrCode';
import { Loading, Notice, errorText } from '../components/States';
import { useSession } from '../state/session';

const POLL_MS = 1500;

type QrState =
  | { phase: 'loading' }
  | { phase: 'waiting'; request: QrLoginRequest }
  | { phase: 'expired' }
  | { phase: 'error'; message: string };

/** Desktop sign-in by QR: show the code, poll until a signed-in phone approves it. */
function QrSignIn() {
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
        if (res.status === 'approved') return adopt(res);
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

  return (
    <div className="card-surface h-100 text-center d-flex flex-column align-items-center">
      <h2 className="h5">Sign in with your phone</h2>
      <p className="small text-secondary">
        Open Max Gallery in Max or Telegram on your phone, tap the scan button and point it at this code.
      </p>
      {state.phase === 'waiting' ? (
        <>
          <QrCode value={state.request.qr_payload} label="Sign-in QR code" size={220} />
          <div className="small text-secondary mt-2" data-testid="qr-waiting">Waiting for approval…</div>
        </>
      ) : state.phase === 'loading' ? (
        <Loading label="Preparing a code…" />
      ) : (
        <div className="d-flex flex-column align-items-center gap-2 my-4">
          <div className="text-secondary">{state.phase === 'expired' ? 'This code has expired.' : state.message}</div>
          <Button mode="secondary" onClick={() => setRound((r) => r + 1)}>
            Show a new code
          </Button>
        </div>
      )}
    </div>
  );
}

/** Username and password, for sign-in and sign-up on the desktop. */
function PasswordSignIn() {
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
      setError(
        err instanceof ApiError && err.status === 401
          ? 'Wrong username or password.'
          : err instanceof ApiError && err.status === 409
            ? 'That username is taken.'
            : errorText(err),
      );
      setBusy(false);
    }
  };

  return (
    <form className="card-surface h-100" onSubmit={submit}>
      <h2 className="h5">{mode === 'login' ? 'Sign in with a password' : 'Create an account'}</h2>
      {error && <Notice kind="danger">{error}</Notice>}
      <div className="mb-3">
        <label htmlFor="username" className="form-label">Username</label>
        <input id="username" className="form-control" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required minLength={3} maxLength={32} />
      </div>
      <div className="mb-3">
        <label htmlFor="password" className="form-label">Password</label>
        <input id="password" type="password" className="form-control" autoComplete={mode === 'login' ? 'current-password' : 'new-password'} value={password} onChange={(e) => setPassword(e.target.value)} required minLength={mode === 'register' ? 8 : 1} />
      </div>
      <Button type="submit" stretched loading={busy}>
        {mode === 'login' ? 'Sign in' : 'Create account'}
      </Button>
      <button type="button" className="btn btn-link w-100 mt-2" onClick={() => setMode(mode === 'login' ? 'register' : 'login')}>
        {mode === 'login' ? 'New here? Create an account' : 'Have an account? Sign in'}
      </button>
    </form>
  );
}

export default function SignInScreen() {
  const { host, notice, retry } = useSession();
  useEffect(() => {
    document.title = 'Sign in · Max Gallery';
  }, []);
  return (
    <div className="sign-in">
      <div className="text-center mb-4">
        <div className="brand justify-content-center fs-3">
          <span className="brand-mark">◆</span> Max Gallery
        </div>
        <p className="text-secondary mb-0">Own, trade and give away one-of-a-kind photos.</p>
      </div>
      {notice && (
        <Notice kind="warning">
          {notice}{' '}
          {host.initData && (
            <button type="button" className="btn btn-link btn-sm p-0 align-baseline" onClick={retry}>
              Try again
            </button>
          )}
        </Notice>
      )}
      <div className="row g-3">
        {host.kind === 'web' && (
          <div className="col-12 col-md-6">
            <QrSignIn />
          </div>
        )}
        <div className={host.kind === 'web' ? 'col-12 col-md-6' : 'col-12'}>
          <PasswordSignIn />
        </div>
      </div>
    </div>
  );
}
