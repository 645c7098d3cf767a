import createClient from 'openapi-fetch';
import { ApiClient, NO_AUTH, PRELOADED, unwrap } from './client';
import { FIRST_PAGE } from './firstPage';
import type { paths } from './schema';
import { TokenStore } from './tokens';
import { uploadPhoto, type UploadInput } from './upload';
import type { NotificationKind, TokenPair, TradeStatus } from './types';

export { ApiError } from './client';
export type * from './types';
export { approvedSignIn } from './types';

export const API_BASE: string = import.meta.env.VITE_API_BASE || '/api';

/** How the app signs in again when the refresh token is gone (set by the session). */
let recoverSession: () => Promise<TokenPair | null> = async () => null;
export function setSessionRecovery(fn: () => Promise<TokenPair | null>): void {
  recoverSession = fn;
}

/** Cookie-authenticated calls carry this header: a cross-site form cannot send it (CSRF). */
const CSRF = { 'X-Requested-With': 'fetch' };
/** Calls that must not carry (or refresh) a bearer token: sign-in, refresh, public listings. */
const ANON = { [NO_AUTH]: '1' };

async function refreshPair(refresh_token: string | null): Promise<TokenPair> {
  // Never with a token: the refresh call must never trigger a refresh itself. Without a
  // refresh token the desktop's HttpOnly cookie is the credential.
  return unwrap(
    refresh_token
      ? api.POST('/api/auth/refresh', { body: { refresh_token }, headers: ANON })
      : api.POST('/api/auth/refresh', { headers: { ...ANON, ...CSRF } }),
  );
}

export const tokens = new TokenStore(refreshPair, () => recoverSession());
const transport = new ApiClient(tokens);

/**
 * The typed client: paths, parameters, bodies and answers all come from `schema.d.ts` (generated
 * from the backend's OpenAPI document), so a renamed field or route fails `tsc`, not a user.
 * Its paths carry the `/api` prefix, so the base is API_BASE without it, made absolute (the
 * client builds `Request`s, which need a full URL outside a page).
 */
export const api = createClient<paths>({
  baseUrl: new URL(API_BASE, globalThis.location?.href ?? 'http://localhost/').href.replace(/\/api\/?$/, ''),
  fetch: transport.fetch,
});

export type PhotoQuery = NonNullable<paths['/api/photos']['get']['parameters']['query']>;

/** Drops empty values so the URL carries only what narrows the query. */
function compact<T extends object>(q: T): T {
  return Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined && v !== null && v !== '')) as T;
}

export const authApi = {
  max: (init_data: string) => unwrap(api.POST('/api/auth/max', { body: { init_data }, headers: ANON })),
  telegram: (init_data: string) => unwrap(api.POST('/api/auth/telegram', { body: { init_data }, headers: ANON })),
  login: (username: string, password: string) =>
    unwrap(api.POST('/api/auth/login', { body: { username, password }, headers: ANON })),
  register: (username: string, password: string) =>
    unwrap(api.POST('/api/auth/register', { body: { username, password }, headers: ANON })),
  logout: (refresh_token: string | null) =>
    unwrap(
      refresh_token
        ? api.POST('/api/auth/logout', { body: { refresh_token }, headers: ANON })
        : api.POST('/api/auth/logout', { headers: { ...ANON, ...CSRF } }),
    ),
  qrStart: () => unwrap(api.POST('/api/auth/qr', { headers: ANON })),
  qrPoll: (id: string, secret: string, signal?: AbortSignal) =>
    // The secret goes in a header: a URL would put it in every access log.
    unwrap(
      api.GET('/api/auth/qr/{request_id}', {
        params: { path: { request_id: id } },
        headers: { ...ANON, 'X-QR-Secret': secret },
        signal,
      }),
    ),
  qrDetails: (id: string) => unwrap(api.GET('/api/auth/qr/{request_id}/details', { params: { path: { request_id: id } } })),
  qrApprove: (id: string, token: string) =>
    unwrap(api.POST('/api/auth/qr/{request_id}/approve', { params: { path: { request_id: id } }, body: { token } })),
};

type MePatch = paths['/api/me']['patch']['requestBody']['content']['application/json'];

export const meApi = {
  get: () => unwrap(api.GET('/api/me')),
  notifications: () => unwrap(api.GET('/api/me/notifications')),
  setNotifications: (disabled: NotificationKind[]) => unwrap(api.PUT('/api/me/notifications', { body: { disabled } })),
  update: (patch: MePatch) => unwrap(api.PATCH('/api/me', { body: patch })),
  /** Pin, unpin and reorder in one call: the whole pinned list, in order (at most 6). */
  setShowcase: (photo_ids: number[]) => unwrap(api.PUT('/api/me/showcase', { body: { photo_ids } })),
  /** A first password also picks the desktop username when the account has none yet. */
  setPassword: (password: string, current_password?: string, username?: string) =>
    unwrap(
      api.PUT('/api/me/password', {
        body: {
          password,
          ...(current_password ? { current_password } : {}),
          ...(username ? { username } : {}),
        },
      }),
    ),
};

export const shareApi = {
  /** Telegram only: the bot prepares a rich card for WebApp.shareMessage (api/routes/share.py). */
  prepare: (link: string, text: string, language: 'ru' | 'en') =>
    unwrap(api.POST('/api/share/prepared', { body: { link, text, language } })),
};

export const usersApi = {
  get: (id: number, signal?: AbortSignal) =>
    unwrap(api.GET('/api/users/{user_id}', { params: { path: { user_id: id } }, signal })),
  /** Prefix search over display names and usernames; an empty query lists recent counterparts. */
  search: (q: string, signal?: AbortSignal) =>
    unwrap(api.GET('/api/users', { params: { query: compact({ q, limit: 20 }) }, signal })),
  /** The objects a person pinned to the top of their profile, in their order. */
  showcase: (id: number, signal?: AbortSignal) =>
    unwrap(api.GET('/api/users/{user_id}/showcase', { params: { path: { user_id: id } }, signal })),
  photos: (id: number, cursor?: string | null, limit = 24, signal?: AbortSignal) =>
    unwrap(
      api.GET('/api/users/{user_id}/photos', {
        params: { path: { user_id: id }, query: compact({ cursor, limit }) },
        signal,
      }),
    ),
};

export const photosApi = {
  list: (q: PhotoQuery, signal?: AbortSignal) =>
    unwrap(api.GET('/api/photos', { params: { query: compact({ limit: 24, ...q }) }, signal })),
  /** The public gallery, without waiting for sign-in (shown while it runs); index.html preloads
   * exactly this request (api/firstPage.ts). */
  listPublic: (signal?: AbortSignal) =>
    unwrap(api.GET('/api/photos', { params: { query: { limit: FIRST_PAGE } }, headers: { ...ANON, [PRELOADED]: '1' }, signal })),
  get: (id: number, signal?: AbortSignal) =>
    unwrap(api.GET('/api/photos/{photo_id}', { params: { path: { photo_id: id } }, signal })),
  history: (id: number, signal?: AbortSignal) =>
    unwrap(api.GET('/api/photos/{photo_id}/history', { params: { path: { photo_id: id } }, signal })),
  /** Number, author, mint time and the owners so far, as this viewer may see them. */
  story: (id: number, signal?: AbortSignal) =>
    unwrap(api.GET('/api/photos/{photo_id}/story', { params: { path: { photo_id: id } }, signal })),
  /** The owner hides it from their profile (it stays theirs and in the gallery), or shows it. */
  setProfileHidden: (id: number, hidden: boolean) =>
    unwrap(api.PUT('/api/photos/{photo_id}/profile-hidden', { params: { path: { photo_id: id } }, body: { hidden } })),
  update: (id: number, patch: { title?: string; description?: string }) =>
    unwrap(api.PATCH('/api/photos/{photo_id}', { params: { path: { photo_id: id } }, body: patch })),
  remove: (id: number) => unwrap(api.DELETE('/api/photos/{photo_id}', { params: { path: { photo_id: id } } })),
  favorite: (id: number, on: boolean) =>
    unwrap(
      on
        ? api.PUT('/api/photos/{photo_id}/favorite', { params: { path: { photo_id: id } } })
        : api.DELETE('/api/photos/{photo_id}/favorite', { params: { path: { photo_id: id } } }),
    ),
  upload: (input: UploadInput, onProgress: (f: number) => void, signal?: AbortSignal) =>
    uploadPhoto(API_BASE, tokens, input, onProgress, signal),
};

export const usersBlockApi = {
  /** Refuse (or accept again) direct gifts from this person. */
  block: (userId: number) => unwrap(api.PUT('/api/users/{user_id}/block', { params: { path: { user_id: userId } } })),
  unblock: (userId: number) =>
    unwrap(api.DELETE('/api/users/{user_id}/block', { params: { path: { user_id: userId } } })),
};

export const transfersApi = {
  /** `note`: the giver's words shown with the gift (empty: none). */
  create: (photo_id: number, to_user_id?: number, note = '') =>
    unwrap(api.POST('/api/transfers', { body: { photo_id, note, ...(to_user_id ? { to_user_id } : {}) } })),
  claim: (token: string) => unwrap(api.POST('/api/transfers/claim', { body: { token } })),
  preview: (token: string) => unwrap(api.POST('/api/transfers/claim/preview', { body: { token } })),
  cancel: (id: number) =>
    unwrap(api.POST('/api/transfers/{transfer_id}/cancel', { params: { path: { transfer_id: id } } })),
  /** My live claim code for this object again (null: none), so reopening "Give" shows it. */
  pendingCode: (photo_id: number, signal?: AbortSignal) =>
    unwrap(api.GET('/api/transfers/pending-code', { params: { query: { photo_id } }, signal })),
  /** A new claim code in place of a live one; the old link then says it was replaced. */
  replace: (id: number) =>
    unwrap(api.POST('/api/transfers/{transfer_id}/replace', { params: { path: { transfer_id: id } } })),
  /** The recipient hides the giver's note from everyone but the two of them, or shows it. */
  setNoteHidden: (id: number, hidden: boolean) =>
    unwrap(api.PUT('/api/transfers/{transfer_id}/note', { params: { path: { transfer_id: id } }, body: { hidden } })),
  /** Send a direct gift back to its giver (within 7 days). */
  sendBack: (id: number) =>
    unwrap(api.POST('/api/transfers/{transfer_id}/return', { params: { path: { transfer_id: id } } })),
  list: (role: 'sent' | 'received', signal?: AbortSignal) =>
    unwrap(api.GET('/api/transfers', { params: { query: { role } }, signal })),
};

type TradeCreate = paths['/api/trades']['post']['requestBody']['content']['application/json'];

export const tradesApi = {
  create: (body: TradeCreate) => unwrap(api.POST('/api/trades', { body })),
  list: (role: 'incoming' | 'outgoing', status?: TradeStatus, signal?: AbortSignal) =>
    unwrap(api.GET('/api/trades', { params: { query: compact({ role, status }) }, signal })),
  get: (id: number, signal?: AbortSignal) =>
    unwrap(api.GET('/api/trades/{trade_id}', { params: { path: { trade_id: id } }, signal })),
  // The token goes in the body: a URL lands in access logs (issue 19, N8).
  byToken: (token: string, signal?: AbortSignal) =>
    unwrap(api.POST('/api/trades/by-token', { body: { token }, signal })),
  accept: (id: number, token?: string) =>
    unwrap(
      api.POST('/api/trades/{trade_id}/accept', {
        params: { path: { trade_id: id } },
        ...(token ? { body: { token } } : {}),
      }),
    ),
  decline: (id: number) => unwrap(api.POST('/api/trades/{trade_id}/decline', { params: { path: { trade_id: id } } })),
  cancel: (id: number) => unwrap(api.POST('/api/trades/{trade_id}/cancel', { params: { path: { trade_id: id } } })),
};

export const profileRequestsApi = {
  create: (user_id: number, message?: string) =>
    unwrap(api.POST('/api/profile_requests', { body: { user_id, message: message ?? '' } })),
  list: (role: 'incoming' | 'outgoing', signal?: AbortSignal) =>
    unwrap(api.GET('/api/profile_requests', { params: { query: { role } }, signal })),
  accept: (id: number) =>
    unwrap(api.POST('/api/profile_requests/{request_id}/accept', { params: { path: { request_id: id } } })),
  decline: (id: number) =>
    unwrap(api.POST('/api/profile_requests/{request_id}/decline', { params: { path: { request_id: id } } })),
  remove: (id: number) =>
    unwrap(api.DELETE('/api/profile_requests/{request_id}', { params: { path: { request_id: id } } })),
};
