// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveClient, socketUrl, type LiveEvent, type SocketLike } from './LiveClient';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

const ev = (id: number, type = 'photo.created'): LiveEvent =>
  ({ id, type, data: { id }, ts: '2024-01-01T00:00:00Z' }) as unknown as LiveEvent;

function setup(token: string | null = 'acc') {
  const sockets: FakeSocket[] = [];
  const onUnauthorized = vi.fn(async () => undefined);
  const client = new LiveClient({
    url: () => 'ws://test/api/ws',
    getToken: async () => token,
    onUnauthorized,
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    minDelayMs: 100,
    maxDelayMs: 1000,
    random: () => 1,
  });
  const events: LiveEvent[] = [];
  client.subscribe((e) => events.push(e));
  return { client, sockets, events, onUnauthorized };
}

describe('LiveClient', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('authenticates first and delivers events', async () => {
    const { client, sockets, events } = setup();
    client.start();
    sockets[0]!.open();
    await vi.waitFor(() => expect(sockets[0]!.sent).toEqual([{ type: 'auth', token: 'acc' }]));
    sockets[0]!.receive(ev(1));
    sockets[0]!.receive(ev(2));
    expect(events.map((e) => e.id)).toEqual([1, 2]);
    expect(client.lastEventId).toBe(2);
    client.stop();
  });

  it('sends an anonymous auth when there is no token', async () => {
    const { client, sockets } = setup(null);
    client.start();
    sockets[0]!.open();
    await vi.waitFor(() => expect(sockets[0]!.sent).toEqual([{ type: 'auth', token: null }]));
    client.stop();
  });

  it('answers pings with pongs', async () => {
    const { client, sockets, events } = setup();
    client.start();
    sockets[0]!.open();
    await vi.waitFor(() => expect(sockets[0]!.sent).toHaveLength(1));
    sockets[0]!.receive({ type: 'ping' });
    expect(sockets[0]!.sent.at(-1)).toEqual({ type: 'pong' });
    expect(events).toHaveLength(0);
    client.stop();
  });

  it('reconnects with backoff and resumes after the last event, skipping duplicates', async () => {
    const { client, sockets, events } = setup();
    client.start();
    sockets[0]!.open();
    await vi.waitFor(() => expect(sockets[0]!.sent).toHaveLength(1));
    sockets[0]!.receive(ev(5));
    sockets[0]!.drop();
    expect(client.currentStatus).toBe('closed');

    await vi.advanceTimersByTimeAsync(99);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(2); // first retry after minDelay

    sockets[1]!.open();
    await vi.waitFor(() =>
      expect(sockets[1]!.sent).toEqual([
        { type: 'auth', token: 'acc' },
        { type: 'resume', after: 5 },
      ]),
    );
    sockets[1]!.receive(ev(5)); // replayed again: dropped
    sockets[1]!.receive(ev(6));
    sockets[1]!.receive(ev(7));
    expect(events.map((e) => e.id)).toEqual([5, 6, 7]);
    client.stop();
  });

  it('keeps a late replay: older ids after newer live ones are delivered once each', async () => {
    // Issue 19: the resume reached the server after its grace (a slow token refresh), so live
    // events 9 and 10 came before the replay of 6..8. Before, 6..8 were dropped as "seen".
    const { client, sockets, events } = setup();
    client.start();
    sockets[0]!.open();
    await vi.waitFor(() => expect(sockets[0]!.sent).toHaveLength(1));
    sockets[0]!.receive(ev(5));
    sockets[0]!.drop();
    await vi.advanceTimersByTimeAsync(100);
    sockets[1]!.open();
    await vi.waitFor(() => expect(sockets[1]!.sent).toContainEqual({ type: 'resume', after: 5 }));
    sockets[1]!.receive(ev(9));
    sockets[1]!.receive(ev(10));
    sockets[1]!.receive(ev(6));
    sockets[1]!.receive(ev(7));
    sockets[1]!.receive(ev(7)); // a duplicate is still dropped
    sockets[1]!.receive(ev(8));
    sockets[1]!.receive({ type: 'resumed', last_id: 10 });
    sockets[1]!.receive(ev(8)); // after `resumed`: anything up to 10 is old
    sockets[1]!.receive(ev(11));
    expect(events.map((e) => e.id)).toEqual([5, 9, 10, 6, 7, 8, 11]);
    expect(client.lastEventId).toBe(11);
    client.stop();
  });

  it('resumes again from the old point when the socket drops mid-resume', async () => {
    const { client, sockets, events } = setup();
    client.start();
    sockets[0]!.open();
    await vi.waitFor(() => expect(sockets[0]!.sent).toHaveLength(1));
    sockets[0]!.receive(ev(5));
    sockets[0]!.drop();
    await vi.advanceTimersByTimeAsync(100);
    sockets[1]!.open();
    await vi.waitFor(() => expect(sockets[1]!.sent).toContainEqual({ type: 'resume', after: 5 }));
    sockets[1]!.receive(ev(9)); // live, before the replay; then the socket drops
    sockets[1]!.drop();
    await vi.advanceTimersByTimeAsync(1000);
    sockets[2]!.open();
    // 6..8 were never delivered: the resume point is still 5, not 9.
    await vi.waitFor(() => expect(sockets[2]!.sent).toContainEqual({ type: 'resume', after: 5 }));
    for (const id of [6, 7, 8, 9]) sockets[2]!.receive(ev(id));
    sockets[2]!.receive({ type: 'resumed', last_id: 9 });
    expect(events.map((e) => e.id)).toEqual([5, 9, 6, 7, 8]);
    client.stop();
  });

  it('sends a fresh token on the open socket before the current one expires', async () => {
    const { client, sockets } = setup('fresh');
    client.start();
    sockets[0]!.open();
    await vi.waitFor(() => expect(sockets[0]!.sent).toHaveLength(1));
    const expiresAt = new Date(Date.now() + 60_000).toISOString();
    sockets[0]!.receive({ type: 'authenticated', user_id: 1, expires_at: expiresAt });
    await vi.advanceTimersByTimeAsync(39_000);
    expect(sockets[0]!.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000); // 20 s before expiry
    expect(sockets[0]!.sent.at(-1)).toEqual({ type: 'auth', token: 'fresh' });
    expect(sockets).toHaveLength(1); // same socket, no reconnect
    client.stop();
  });

  it('backs off exponentially up to the maximum while the server is down', async () => {
    const { client, sockets } = setup();
    client.start();
    const gaps: number[] = [];
    for (let i = 0; i < 6; i++) {
      const before = sockets.length;
      sockets.at(-1)!.drop();
      let waited = 0;
      while (sockets.length === before) {
        await vi.advanceTimersByTimeAsync(50);
        waited += 50;
      }
      gaps.push(waited);
    }
    expect(gaps).toEqual([100, 200, 400, 800, 1000, 1000]);
    client.stop();
  });

  it('refreshes the token when the server rejects it (4401) before reconnecting', async () => {
    const { client, sockets, onUnauthorized } = setup();
    client.start();
    sockets[0]!.open();
    sockets[0]!.drop(4401);
    await vi.advanceTimersByTimeAsync(100);
    expect(onUnauthorized).toHaveBeenCalledOnce();
    expect(sockets).toHaveLength(2);
    client.stop();
  });

  it('gives up on a silent connection and reconnects', async () => {
    const { client, sockets } = setup();
    client.start();
    sockets[0]!.open();
    await vi.waitFor(() => expect(sockets[0]!.sent).toHaveLength(1));
    await vi.advanceTimersByTimeAsync(75_000);
    expect(client.currentStatus).toBe('closed');
    await vi.advanceTimersByTimeAsync(100);
    expect(sockets).toHaveLength(2);
    client.stop();
  });

  it('stops for good on stop()', async () => {
    const { client, sockets } = setup();
    client.start();
    sockets[0]!.open();
    client.stop();
    sockets[0]!.drop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(sockets).toHaveLength(1);
  });
});

describe('socketUrl', () => {
  it('builds ws(s) URLs for same-origin and absolute bases', () => {
    expect(socketUrl('/api', { protocol: 'https:', host: 'g.example' })).toBe('wss://g.example/api/ws');
    expect(socketUrl('/api/', { protocol: 'http:', host: 'localhost:5173' })).toBe('ws://localhost:5173/api/ws');
    expect(socketUrl('https://api.example/api', { protocol: 'http:', host: 'x' })).toBe('wss://api.example/api/ws');
  });
});
