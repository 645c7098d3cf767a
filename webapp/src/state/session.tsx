import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { ApiError, authApi, meApi, setSessionRecovery, tokens, type AuthResponse, type Me } from '../api';
import type { Host } from '../host/host';

export type SessionStatus = 'starting' | 'anonymous' | 'signed-in';

interface SessionValue {
  host: Host;
  status: SessionStatus;
  me: Me | null;
  /** Why the last automatic sign-in failed or the session ended (a catalogue key). */
  notice: string | null;
  /** A messenger sign-in failed: 'stale' (initData refused) or 'offline'. Never a password form then. */
  messengerFailure: 'stale' | 'offline' | null;
  /** Adopt tokens from any sign-in flow (password, QR). */
  adopt(res: AuthResponse): void;
  setMe(me: Me): void;
  signOut(): Promise<void>;
  retry(): void;
}

const SessionContext = createContext<SessionValue | null>(null);

/** Signs in with the host's initData where there is one. */
function messengerSignIn(host: Host): Promise<AuthResponse> | null {
  if (!host.initData) return null;
  return host.kind === 'telegram' ? authApi.telegram(host.initData) : authApi.max(host.initData);
}

/** The sign-in main.tsx started before the first render, and its answer once it came. */
let early: { host: Host; pending: Promise<AuthResponse>; answer?: AuthResponse } | null = null;

/**
 * Starts the messenger sign-in before the app renders (main.tsx), beside the first page's:
 * one round trip that no longer waits for the first render, nor for the thumbnails that start
 * after it to leave it some bandwidth. Resolves when it is answered (never rejects: the session
 * reports failures), or null without initData.
 */
export function startSignIn(host: Host): Promise<void> | null {
  const pending = messengerSignIn(host);
  if (!pending) return null;
  const entry: NonNullable<typeof early> = { host, pending };
  early = entry;
  return pending.then(
    (res) => void (entry.answer = res),
    () => undefined,
  );
}

/** The early sign-in for this host, once (a retry signs in afresh). */
function takeEarly(host: Host): NonNullable<typeof early> | null {
  const e = early?.host === host ? early : null;
  early = null;
  return e;
}

export function SessionProvider({ host, children }: { host: Host; children: ReactNode }) {
  // Signed in already when the early sign-in was answered before the first render: the app then
  // renders once, signed in, instead of the public gallery and then everything again.
  // (The answer is read once, here: one arriving after this render goes through the effect.)
  const [first] = useState(() => {
    const e = takeEarly(host);
    if (e?.answer) tokens.set(e.answer);
    return e && { pending: e.pending, answered: e.answer ?? null };
  });
  const [me, setMe] = useState<Me | null>(first?.answered?.user ?? null);
  const [status, setStatus] = useState<SessionStatus>(first?.answered ? 'signed-in' : 'starting');
  const [notice, setNotice] = useState<string | null>(null);
  const [messengerFailure, setMessengerFailure] = useState<'stale' | 'offline' | null>(null);
  const [attempt, setAttempt] = useState(0);
  // While signing out, or while probing the desktop's cookie at start, an empty token store is
  // expected: no "session ended" notice then.
  const signingOut = useRef(false);

  const adopt = useCallback((res: AuthResponse) => {
    tokens.set(res);
    setMe(res.user);
    setNotice(null);
    setMessengerFailure(null);
    setStatus('signed-in');
  }, []);

  // When the refresh token is rejected inside a messenger, sign in again with initData.
  useEffect(() => {
    setSessionRecovery(async () => {
      const res = await messengerSignIn(host);
      if (res) setMe(res.user);
      return res ?? null;
    });
  }, [host]);

  // Tokens gone (refresh failed for good) → back to signed out.
  useEffect(
    () =>
      tokens.subscribe((access) => {
        if (access) return;
        if (!signingOut.current) setNotice('signIn.sessionEnded');
        setStatus('anonymous');
        setMe(null);
      }),
    [],
  );

  useEffect(() => {
    if (attempt === 0 && first?.answered) return; // signed in before the first render
    const pending = attempt === 0 && first ? first.pending : messengerSignIn(host);
    if (!pending) {
      // Desktop: the session survives a reload through the HttpOnly refresh cookie.
      tokens.cookieRefresh = true;
      let cancelled = false;
      signingOut.current = true;
      tokens
        .refresh()
        .then((access) => (access ? meApi.get() : null))
        .then(
          (user) => {
            if (cancelled) return;
            if (user) {
              setMe(user);
              setStatus('signed-in');
            } else setStatus('anonymous');
          },
          () => !cancelled && setStatus('anonymous'),
        )
        .finally(() => {
          signingOut.current = false;
        });
      return () => {
        cancelled = true;
      };
    }
    let cancelled = false;
    pending.then(
      (res) => !cancelled && adopt(res),
      (err: unknown) => {
        if (cancelled) return;
        setMessengerFailure(err instanceof ApiError && err.status !== 0 && err.status < 500 ? 'stale' : 'offline');
        setStatus('anonymous');
      },
    );
    return () => {
      cancelled = true;
    };
  }, [host, adopt, attempt, first]);

  const signOut = useCallback(async () => {
    const refresh = tokens.refreshToken;
    // No token in memory on the desktop: the cookie is ended (and cleared) by the server.
    if (refresh || tokens.cookieRefresh) await authApi.logout(refresh).catch(() => undefined);
    signingOut.current = true;
    tokens.clear();
    signingOut.current = false;
    setNotice(null);
  }, []);

  const value = useMemo<SessionValue>(
    () => ({
      host,
      status,
      me,
      notice,
      messengerFailure,
      adopt,
      setMe,
      signOut,
      retry: () => {
        setStatus('starting');
        setAttempt((n) => n + 1);
      },
    }),
    [host, status, me, notice, messengerFailure, adopt, signOut],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** The signed-in user; only for screens rendered behind the sign-in gate. */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) throw new Error('useMe without a signed-in user');
  return me;
}

