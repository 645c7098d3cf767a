// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clientHeaders } from './client';
import { firstPageUrl } from './firstPage';

describe('the preloaded first gallery page', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('is requested exactly as index.html preloads it: same URL, no header of ours', async () => {
    vi.stubGlobal('location', new URL('http://app.test/'));
    const { photosApi, API_BASE } = await import('./index');
    clientHeaders['X-Client-Host'] = 'max';
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ items: [], next_cursor: null }), { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    await photosApi.listPublic();
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(new URL(firstPageUrl(API_BASE), 'http://app.test/').href);
    expect([...new Headers(init.headers).keys()]).toEqual([]);
    expect(init.method).toBe('GET');
    // Every other call still carries the host header and asks for JSON.
    await photosApi.list({});
    const [, other] = fetchMock.mock.calls[1] as unknown as [string, RequestInit];
    expect(new Headers(other.headers).get('X-Client-Host')).toBe('max');
    delete clientHeaders['X-Client-Host'];
  });

});
