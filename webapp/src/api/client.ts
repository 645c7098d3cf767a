import type { TokenStore } from './tokens';

/** An HTTP error with the backend's `detail` (string or object). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: unknown,
    /** Seconds from the `Retry-After` header (429, 503), when the server sent one. */
    readonly retryAfter: number | null = null,
  ) {
    // The English `message` is for logs and developer tools only; screens use i18n/errors.ts.
    super(ApiError.messageOf(status, detail));
    this.name = 'ApiError';
  }

  static messageOf(status: number, detail: unknown): string {
    if (typeof detail === 'string') return detail;
    if (detail && typeof detail === 'object') {
      if ('message' in detail && typeof detail.message === 'string') return detail.message;
      // FastAPI validation errors: [{loc, msg, type}]
      if (Array.isArray(detail) && detail[0]?.msg) return String(detail[0].msg);
    }
    if (status === 0) return 'Network error. Check your connection.';
    return `Request failed (${status})`;
  }
}

/**
 * Headers every request carries. `X-Client-Host` (max | telegram | web) makes the backend
 * answer with that host's link form, so a trade made in Telegram gets a t.me link.
 */
export const clientHeaders: Record<string, string> = {};

/**
 * The transport under the typed client (`openapi-fetch`, see index.ts): adds the host header and
 * the access token, retries once after a refresh when the token was refused, and turns a network
 * failure into `ApiError(0)`. Paths, parameters and bodies are typed by the caller from the
 * OpenAPI document; nothing here knows a route.
 */
export class ApiClient {
  constructor(
    private readonly tokens: TokenStore,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {}

  /** openapi-fetch's `fetch` option. Requests marked with `X-No-Auth` go without a token. */
  readonly fetch = async (request: Request): Promise<Response> => {
    const auth = !request.headers.has(NO_AUTH);
    // The body may be needed twice (the retry after a 401): keep it as bytes.
    const body = request.body ? await request.arrayBuffer() : undefined;
    let token = auth ? await this.tokens.validAccess() : null;
    let res = await this.send(request, body, token);
    if (res.status === 401 && auth && token) {
      token = await this.tokens.afterUnauthorized(token);
      if (token) res = await this.send(request, body, token);
    }
    return res;
  };

  private async send(request: Request, body: ArrayBuffer | undefined, token: string | null) {
    const headers = new Headers(request.headers);
    headers.delete(NO_AUTH);
    // A request index.html preloads goes exactly as the preload went (no header of ours): the
    // browser hands over the response it already has only to an identical request.
    if (headers.has(PRELOADED)) headers.delete(PRELOADED);
    else {
      headers.set('Accept', 'application/json');
      for (const [k, v] of Object.entries(clientHeaders)) headers.set(k, v);
    }
    if (token) headers.set('Authorization', `Bearer ${token}`);
    try {
      return await this.fetchImpl(request.url, { method: request.method, headers, body, signal: request.signal });
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw new ApiError(0, null);
    }
  }
}

/** A request header (stripped before sending) that says: no bearer token on this one. */
export const NO_AUTH = 'X-No-Auth';

/**
 * A request header (stripped before sending) that says: index.html preloads this very request
 * (`<link rel="preload" as="fetch">`), so send it with no header added, or the browser fetches it
 * a second time instead of using the preloaded response.
 */
export const PRELOADED = 'X-Preloaded';

/** openapi-fetch's result → the data, or an ApiError carrying the backend's `detail`. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) {
    const detail =
      error && typeof error === 'object' && 'detail' in error ? (error as { detail: unknown }).detail : error ?? response.statusText;
    throw new ApiError(response.status, detail ?? null, retryAfterSeconds(response.headers.get('Retry-After')));
  }
  return data as T;
}

/** `Retry-After` as seconds from now: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterSeconds(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, Math.round((at - now) / 1000));
}
