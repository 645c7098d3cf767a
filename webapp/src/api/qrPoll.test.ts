// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { authApi } from './index';

describe('authApi.qrPoll', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends the sign-in secret in a header, never in the URL', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ status: 'pending' }), { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    await expect(authApi.qrPoll('req-1', 's3cr3t-value')).resolves.toEqual({ status: 'pending' });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/auth/qr/req-1');
    expect(url).not.toContain('s3cr3t-value');
    expect((init.headers as Record<string, string>)['X-QR-Secret']).toBe('s3cr3t-value');
  });
});
