import type { TokenPair } from './types';

/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 60_000;

/** Exchanges a refresh token — or, with null, the desktop's HttpOnly cookie — for a new pair. */
type Refresher = (refreshToken: string | null) => Promise<TokenPair>;
type Listener = (access: string | null) => void;

interface Held {
  access: string;
  /** Null on the desktop: the refresh token lives in an HttpOnly cookie scripts cannot read. */
  refresh: string | null;
  expiresAt: number;
}

/**
 * Holds the token pair in memory only (never in storage) and refreshes it
 * silently: on a timer shortly before expiry, lazily before a request when the
 * timer was throttled (a sleeping phone), and after a 401.
 *
 * Refresh tokens rotate and a reused one revokes the whole family, so every
 * caller that needs a refresh at the same moment shares one in-flight request.
 */
export class TokenStore {
  private held: Held | null = null;
  private inflight: Promise<string | null> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private listeners = new Set<Listener>();
  /**
   * Desktop browser: the backend keeps the refresh token in an HttpOnly cookie (the reply's
   * `refresh_token` is null), so a refresh is sent without one and the cookie does the rest.
   */
  cookieRefresh = false;

  /**
   * @param refresher exchanges a refresh token for a new pair (POST /api/auth/refresh)
   * @param recover called when the refresh token is rejected; may sign in again
   *   (e.g. with the host's initData) and return a fresh pair, or null
   */
  constructor(
    private readonly refresher: Refresher,
    private readonly recover: () => Promise<TokenPair | null> = async () => null,
    private readonly now: () => number = Date.now,
  ) {}

  get access(): string | null {
    return this.held?.access ?? null;
  }

  get refreshToken(): string | null {
    return this.held?.refresh ?? null;
  }

  set(pair: TokenPair): void {
    this.held = {
      access: pair.access_token,
      refresh: pair.refresh_token ?? null,
      expiresAt: this.now() + pair.expires_in * 1000,
    };
    this.schedule();
    this.emit();
  }

  clear(): void {
    this.held = null;
    clearTimeout(this.timer);
    this.emit();
  }

  /** Called with the new access token (or null) whenever it changes. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** An access token that is not about to expire, refreshing first if needed. */
  async validAccess(): Promise<string | null> {
    if (!this.held) return this.inflight ?? null;
    if (this.held.expiresAt - this.now() > REFRESH_MARGIN_MS / 2) return this.held.access;
    return this.refresh();
  }

  /**
   * After the server rejected `rejected`: if another caller already replaced
   * it, use the replacement; otherwise refresh.
   */
  async afterUnauthorized(rejected: string | null): Promise<string | null> {
    if (this.held && this.held.access !== rejected) return this.held.access;
    return this.refresh();
  }

  /** Refresh now; concurrent calls share one request. */
  refresh(): Promise<string | null> {
    if (!this.inflight) {
      this.inflight = this.doRefresh().finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  private async doRefresh(): Promise<string | null> {
    const refreshToken = this.held?.refresh ?? null;
    let pair: TokenPair | null = null;
    if (refreshToken || this.cookieRefresh) {
      try {
        pair = await this.refresher(refreshToken);
      } catch {
        pair = null;
      }
    }
    if (!pair) pair = await this.recover().catch(() => null);
    if (pair) this.set(pair);
    else this.clear();
    return pair?.access_token ?? null;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (!this.held) return;
    const delay = Math.max(0, this.held.expiresAt - this.now() - REFRESH_MARGIN_MS);
    this.timer = setTimeout(() => void this.refresh(), delay);
  }

  private emit(): void {
    const access = this.access;
    this.listeners.forEach((l) => l(access));
  }
}
