/**
 * The `/api/ws` client: authenticates with the current access token, answers
 * server pings, reconnects with exponential backoff and, after a reconnect,
 * asks the server to replay everything after the last event it delivered
 * (`{"type":"resume","after":id}`), dropping any duplicates.
 *
 * Order during a resume: when the `resume` reaches the server after its grace
 * (a slow token refresh), live events with newer ids arrive first and the
 * replay's older ids after them. So until `resumed` comes, every id above the
 * resume point that this socket has not delivered yet is delivered, whatever
 * its order; only `resumed` moves the resume point (a socket that drops
 * mid-resume resumes again from the old point: nothing lost, duplicates dropped).
 */

import type { ServerEvent } from '../api/types';

/** A stored event: one generated type per event type (schemas/events.py on the backend). */
export type LiveEvent = ServerEvent;

export type LiveStatus = 'connecting' | 'open' | 'closed';

/** The subset of WebSocket this client uses (so tests can fake it). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface LiveClientOptions {
  url: () => string;
  /** The access token to authenticate with, or null for an anonymous socket. */
  getToken: () => Promise<string | null>;
  /** Called when the server closes with 4401 (bad token) before reconnecting. */
  onUnauthorized?: () => Promise<unknown>;
  createSocket?: (url: string) => SocketLike;
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Reconnect if nothing (not even a ping) arrives for this long. */
  idleTimeoutMs?: number;
  random?: () => number;
}

const OPEN = 1;
export const CLOSE_UNAUTHORIZED = 4401;
/** Re-authenticate this long before the token's `expires_at` (the token store refreshes earlier). */
const REAUTH_MARGIN_MS = 20_000;

export class LiveClient {
  private socket: SocketLike | null = null;
  private lastId: number | null = null;
  /** While a resume runs: the point it resumes from, and the ids delivered since. */
  private resumeFrom: number | null = null;
  private deliveredSinceResume = new Set<number>();
  private attempts = 0;
  private running = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private reauthTimer: ReturnType<typeof setTimeout> | undefined;
  private listeners = new Set<(e: LiveEvent) => void>();
  private statusListeners = new Set<(s: LiveStatus) => void>();
  private status: LiveStatus = 'closed';
  private readonly opts: Required<Omit<LiveClientOptions, 'onUnauthorized'>> &
    Pick<LiveClientOptions, 'onUnauthorized'>;

  constructor(opts: LiveClientOptions) {
    this.opts = {
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      minDelayMs: 500,
      maxDelayMs: 15_000,
      idleTimeoutMs: 75_000,
      random: Math.random,
      ...opts,
    };
  }

  /** Id of the last event delivered to listeners. */
  get lastEventId(): number | null {
    return this.lastId;
  }

  get currentStatus(): LiveStatus {
    return this.status;
  }

  subscribe(listener: (e: LiveEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: (s: LiveStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.idleTimer);
    clearTimeout(this.reauthTimer);
    const s = this.socket;
    this.socket = null;
    s?.close(1000);
    this.setStatus('closed');
  }

  /** Drop the current socket and connect again now (e.g. after signing in), resuming. */
  reconnect(): void {
    if (!this.running) return;
    clearTimeout(this.reconnectTimer);
    const s = this.socket;
    this.socket = null;
    s?.close(1000);
    this.attempts = 0;
    this.connect();
  }

  /** Reconnect at once if the socket is down (network came back, tab visible again). */
  nudge(): void {
    if (this.running && !this.socket) this.reconnect();
  }

  private connect(): void {
    clearTimeout(this.reconnectTimer);
    this.setStatus('connecting');
    let socket: SocketLike;
    try {
      socket = this.opts.createSocket(this.opts.url());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => void this.authenticate(socket);
    socket.onmessage = (ev) => this.handleMessage(socket, ev.data);
    socket.onerror = () => {};
    socket.onclose = (ev) => void this.handleClose(socket, ev.code);
  }

  private async authenticate(socket: SocketLike): Promise<void> {
    const token = await this.opts.getToken().catch(() => null);
    if (socket !== this.socket || socket.readyState !== OPEN) return;
    socket.send(JSON.stringify({ type: 'auth', token }));
    if (this.lastId !== null) {
      // Live events may already have come on this socket: they count as delivered since.
      if (this.resumeFrom === null) this.resumeFrom = this.lastId;
      socket.send(JSON.stringify({ type: 'resume', after: this.resumeFrom }));
    }
    this.attempts = 0;
    this.armIdleTimer(socket);
    this.setStatus('open');
  }

  private handleMessage(socket: SocketLike, raw: unknown): void {
    if (socket !== this.socket) return;
    this.armIdleTimer(socket);
    let msg: { id?: unknown; type?: unknown };
    try {
      msg = JSON.parse(String(raw));
    } catch {
      return;
    }
    if (msg.type === 'ping') {
      socket.send(JSON.stringify({ type: 'pong' }));
      return;
    }
    if (msg.type === 'authenticated') {
      this.scheduleReauth(socket, (msg as { expires_at?: unknown }).expires_at);
      return;
    }
    if (msg.type === 'resumed') {
      this.finishResume((msg as { last_id?: unknown }).last_id);
      return;
    }
    if (typeof msg.id !== 'number' || typeof msg.type !== 'string') return;
    if (!this.isNew(msg.id)) return; // replayed twice
    const event = msg as LiveEvent;
    this.listeners.forEach((l) => l(event));
  }

  /** Records the id as delivered; false when it was delivered already. */
  private isNew(id: number): boolean {
    if (this.resumeFrom !== null) {
      // Resuming: older ids may come after newer ones (module comment).
      if (id <= this.resumeFrom || this.deliveredSinceResume.has(id)) return false;
      this.deliveredSinceResume.add(id);
      this.lastId = Math.max(this.lastId ?? id, id);
      return true;
    }
    if (this.lastId !== null && id <= this.lastId) return false;
    this.lastId = id;
    return true;
  }

  private finishResume(lastId: unknown): void {
    if (this.resumeFrom === null) return;
    const newest = Math.max(this.resumeFrom, ...this.deliveredSinceResume);
    this.lastId = typeof lastId === 'number' ? Math.max(newest, lastId) : newest;
    this.resumeFrom = null;
    this.deliveredSinceResume.clear();
  }

  private scheduleReauth(socket: SocketLike, expiresAt: unknown): void {
    clearTimeout(this.reauthTimer);
    if (typeof expiresAt !== 'string') return; // anonymous: nothing expires
    const delay = Math.max(0, Date.parse(expiresAt) - Date.now() - REAUTH_MARGIN_MS);
    this.reauthTimer = setTimeout(() => void this.reauthenticate(socket), delay);
  }

  private async reauthenticate(socket: SocketLike): Promise<void> {
    const token = await this.opts.getToken().catch(() => null);
    // Signed out meanwhile: let the server close at expiry (4401) and reconnect anonymously.
    if (socket !== this.socket || socket.readyState !== OPEN || !token) return;
    socket.send(JSON.stringify({ type: 'auth', token }));
  }

  private async handleClose(socket: SocketLike, code: number): Promise<void> {
    if (socket !== this.socket) return;
    this.socket = null;
    clearTimeout(this.idleTimer);
    clearTimeout(this.reauthTimer);
    if (!this.running) return;
    this.setStatus('closed');
    if (code === CLOSE_UNAUTHORIZED) await this.opts.onUnauthorized?.().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.running) return;
    const { minDelayMs, maxDelayMs, random } = this.opts;
    const base = Math.min(maxDelayMs, minDelayMs * 2 ** this.attempts);
    const delay = base / 2 + (base / 2) * random();
    this.attempts += 1;
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private armIdleTimer(socket: SocketLike): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      // A silently dead connection may take minutes to report close: give up on it now.
      if (socket !== this.socket) return;
      this.socket = null;
      socket.close(4000, 'idle');
      this.setStatus('closed');
      this.scheduleReconnect();
    }, this.opts.idleTimeoutMs);
  }

  private setStatus(status: LiveStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.statusListeners.forEach((l) => l(status));
  }
}

/** ws(s)://host/api/ws for a same-origin or absolute API base. */
export function socketUrl(apiBase: string, loc: { protocol: string; host: string }): string {
  if (/^https?:\/\//.test(apiBase)) return apiBase.replace(/^http/, 'ws').replace(/\/+$/, '') + '/ws';
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${loc.host}${apiBase.replace(/\/+$/, '')}/ws`;
}
