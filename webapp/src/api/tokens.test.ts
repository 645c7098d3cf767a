// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import createClient from 'openapi-fetch';
import { ApiClient, NO_AUTH, unwrap } from './client';
import type { paths } from './schema';
import { TokenStore } from './tokens';
import type { TokenPair } from './types';

const pair = (n: number, expiresIn = 900): TokenPair => ({
  access_token: `a${n}`,
  refresh_token: `r${n}`,
  token_type: 'bearer',
  expires_in: expiresIn,
});

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('TokenStore', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('de-duplicates concurrent refreshes into one request', async () => {
    const d = deferred<TokenPair>();
    const refresher = vi.fn(() => d.promise);
    const store = new TokenStore(refresher);
    store.set(pair(1));
    const calls = [store.refresh(), store.refresh(), store.afterUnauthorized('a1')];
    d.resolve(pair(2));
    await expect(Promise.all(calls)).resolves.toEqual(['a2', 'a2', 'a2']);
    expect(refresher).toHaveBeenCalledTimes(1);
    expect(refresher).toHaveBeenCalledWith('r1');
    expect(store.refreshToken).toBe('r2');
  });

  it('does not refresh again when a 401 was for a token already replaced', async () => {
    const refresher = vi.fn(async () => pair(3));
    const store = new TokenStore(refresher);
    store.set(pair(2));
    await expect(store.afterUnauthorized('a1')).resolves.toBe('a2');
    expect(refresher).not.toHaveBeenCalled();
  });

  it('refreshes silently on a timer a minute before expiry', async () => {
    const refresher = vi.fn(async () => pair(2));
    const store = new TokenStore(refresher);
    store.set(pair(1, 120));
    await vi.advanceTimersByTimeAsync(59_000);
    expect(refresher).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(refresher).toHaveBeenCalledOnce();
    expect(store.access).toBe('a2');
  });

  it('refreshes lazily before a request when the timer was throttled', async () => {
    let now = 0;
    const refresher = vi.fn(async () => pair(2));
    const store = new TokenStore(refresher, undefined, () => now);
    store.set(pair(1, 900));
    expect(await store.validAccess()).toBe('a1');
    now = 880_000; // 20 s left, timer never fired
    expect(await store.validAccess()).toBe('a2');
    expect(refresher).toHaveBeenCalledOnce();
  });

  it('recovers with a new sign-in when the refresh token is rejected, else clears', async () => {
    const listener = vi.fn();
    const recover = vi.fn(async () => pair(9));
    const store = new TokenStore(async () => Promise.reject(new Error('401')), recover);
    store.subscribe(listener);
    store.set(pair(1));
    await expect(store.refresh()).resolves.toBe('a9');
    expect(recover).toHaveBeenCalledOnce();

    const lost = new TokenStore(async () => Promise.reject(new Error('401')));
    lost.subscribe(listener);
    lost.set(pair(1));
    await expect(lost.refresh()).resolves.toBeNull();
    expect(lost.access).toBeNull();
    expect(listener).toHaveBeenLastCalledWith(null);
  });
});

describe('TokenStore with the desktop cookie', () => {
  it('refreshes without a token in memory (the HttpOnly cookie is the credential)', async () => {
    const refresher = vi.fn(async () => ({ ...pair(2), refresh_token: null }));
    const store = new TokenStore(refresher);
    store.cookieRefresh = true;
    await expect(store.refresh()).resolves.toBe('a2'); // a reload: nothing held yet
    expect(refresher).toHaveBeenCalledWith(null);
    expect(store.refreshToken).toBeNull();
    await expect(store.refresh()).resolves.toBe('a2');
    expect(refresher).toHaveBeenCalledTimes(2);
  });

  it('without cookie mode and without a token it does not call the server', async () => {
    const refresher = vi.fn(async () => pair(2));
    const store = new TokenStore(refresher);
    await expect(store.refresh()).resolves.toBeNull();
    expect(refresher).not.toHaveBeenCalled();
  });
});

describe('ApiClient (the typed client\'s transport)', () => {
  const json = (status: number, body: unknown) =>
    new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  const typed = (store: TokenStore, fetchImpl: typeof fetch) =>
    createClient<paths>({ baseUrl: 'http://app.test', fetch: new ApiClient(store, fetchImpl).fetch });

  it('retries once with a refreshed token after a 401, sharing one refresh between parallel requests', async () => {
    const refresher = vi.fn(async () => pair(2));
    const store = new TokenStore(refresher);
    store.set(pair(1));
    const fetchImpl = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
      const auth = new Headers(init?.headers).get('Authorization');
      return auth === 'Bearer a2' ? json(200, { ok: true }) : json(401, { detail: 'expired' });
    });
    const api = typed(store, fetchImpl as typeof fetch);
    const results = await Promise.all([unwrap(api.GET('/api/me')), unwrap(api.GET('/api/photos', { params: { query: { limit: 5 } } }))]);
    expect(results).toEqual([{ ok: true }, { ok: true }]);
    expect(refresher).toHaveBeenCalledOnce();
    expect(fetchImpl.mock.calls.map((c) => c[0])).toContain('http://app.test/api/photos?limit=5');
  });

  it('sends a body again when it retries after a 401', async () => {
    const store = new TokenStore(vi.fn(async () => pair(2)));
    store.set(pair(1));
    const fetchImpl = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) =>
      new Headers(init?.headers).get('Authorization') === 'Bearer a2' ? json(200, { ok: true }) : json(401, { detail: 'expired' }),
    );
    await unwrap(typed(store, fetchImpl as typeof fetch).PATCH('/api/me', { body: { display_name: 'Анна' } }));
    const patches = fetchImpl.mock.calls.filter((c) => c[1]?.method === 'PATCH');
    expect(patches).toHaveLength(2);
    expect(new TextDecoder().decode(patches[1][1]!.body as ArrayBuffer)).toBe('{"display_name":"Анна"}');
  });

  it('sends no token on calls marked X-No-Auth, and strips the marker', async () => {
    const store = new TokenStore(vi.fn());
    store.set(pair(1));
    const fetchImpl = vi.fn(async () => json(200, { items: [], next_cursor: null }));
    await unwrap(typed(store, fetchImpl as typeof fetch).GET('/api/photos', { headers: { [NO_AUTH]: '1' } }));
    const headers = new Headers((fetchImpl.mock.calls[0] as unknown as [string, RequestInit])[1].headers);
    expect(headers.has('Authorization')).toBe(false);
    expect(headers.has(NO_AUTH)).toBe(false);
  });

  it('throws ApiError with the detail message, including object details', async () => {
    const store = new TokenStore(vi.fn());
    const api = typed(store, (async () => json(409, { detail: { message: 'duplicate', photo_id: 7 } })) as unknown as typeof fetch);
    await expect(unwrap(api.DELETE('/api/photos/{photo_id}', { params: { path: { photo_id: 7 } } }))).rejects.toMatchObject({
      status: 409,
      message: 'duplicate',
      detail: { photo_id: 7 },
    });
  });

  it('turns a failed connection into ApiError(0), and a proxy\'s non-JSON 503 into ApiError(503)', async () => {
    const store = new TokenStore(vi.fn());
    const down = typed(store, (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch);
    await expect(unwrap(down.GET('/api/me'))).rejects.toMatchObject({ status: 0 });
    const proxy = typed(store, (async () => new Response('<html>503</html>', { status: 503 })) as unknown as typeof fetch);
    await expect(unwrap(proxy.GET('/api/me'))).rejects.toMatchObject({ status: 503 });
  });
});
