// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';

describe('authApi.qrPoll', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends the sign-in secret in a header, never in the URL', async () => {
    vi.stubGlobal('location', new URL('http://app.test/'));
    const { authApi } = await import('./index');
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ status: 'pending' }), { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    await expect(authApi.qrPoll('req-1', 's3cr3t-value')).resolves.toEqual({ status: 'pending' });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(new URL(url).pathname).toBe('/api/auth/qr/req-1');
    expect(url).not.toContain('s3cr3t-value');
    expect(new Headers(init.headers).get('X-QR-Secret')).toBe('s3cr3t-value');
  });
});
