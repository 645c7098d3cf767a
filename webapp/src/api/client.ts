import type { TokenStore } from './tokens';

/** An HTTP error with the backend's `detail` (string or object). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: unknown,
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

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  body?: unknown;
  query?: Query;
  /** Send the bearer token (default true). */
  auth?: boolean;
  signal?: AbortSignal;
  /** Extra request headers (secrets travel here, never in the URL). */
  headers?: Record<string, string>;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function readError(res: Response): Promise<ApiError> {
  let detail: unknown = null;
  try {
    const body = await res.json();
    detail = body?.detail ?? body;
  } catch {
    detail = res.statusText || null;
  }
  return new ApiError(res.status, detail);
}

/** JSON client for `/api` that attaches the access token and retries once after a refresh. */
export class ApiClient {
  constructor(
    readonly base: string,
    private readonly tokens: TokenStore,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {}

  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, { query, signal });
  }

  post<T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('POST', path, { ...opts, body });
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, { body });
  }

  put<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PUT', path, { body });
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path, {});
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const auth = opts.auth !== false;
    let token = auth ? await this.tokens.validAccess() : null;
    let res = await this.send(method, path, opts, token);
    if (res.status === 401 && auth && token) {
      token = await this.tokens.afterUnauthorized(token);
      if (token) res = await this.send(method, path, opts, token);
    }
    if (!res.ok) throw await readError(res);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private async send(method: string, path: string, opts: RequestOptions, token: string | null) {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      ...clientHeaders,
      ...opts.headers,
    };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    try {
      return await this.fetchImpl(this.base + withQuery(path, opts.query), {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: opts.signal,
      });
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw new ApiError(0, null);
    }
  }
}
