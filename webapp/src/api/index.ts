import { ApiClient } from './client';
import { TokenStore } from './tokens';
import { uploadPhoto, type UploadInput } from './upload';
import type {
  AuthResponse,
  ClaimPreview,
  UserSummary,
  FavoriteState,
  ProvenanceEntry,
  Me,
  NotificationKind,
  NotificationSettings,
  Photo,
  Page,
  ProfileRequest,
  PublicUser,
  QrLoginDetails,
  QrLoginRequest,
  QrLoginStatus,
  TokenPair,
  Trade,
  TradeStatus,
  Transfer,
} from './types';

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

async function refreshPair(refresh_token: string | null): Promise<TokenPair> {
  // auth: false — the refresh call must never trigger a refresh itself. Without a token the
  // desktop's HttpOnly cookie is the credential.
  return refresh_token
    ? http.post<TokenPair>('/auth/refresh', { refresh_token }, { auth: false })
    : http.post<TokenPair>('/auth/refresh', undefined, { auth: false, headers: CSRF });
}

export const tokens = new TokenStore(refreshPair, () => recoverSession());
const http = new ApiClient(API_BASE, tokens);

export interface PhotoQuery {
  cursor?: string | null;
  limit?: number;
  owner_id?: number;
  creator_id?: number;
  q?: string;
  favorites?: boolean;
}

export const authApi = {
  max: (init_data: string) => http.post<AuthResponse>('/auth/max', { init_data }, { auth: false }),
  telegram: (init_data: string) =>
    http.post<AuthResponse>('/auth/telegram', { init_data }, { auth: false }),
  login: (username: string, password: string) =>
    http.post<AuthResponse>('/auth/login', { username, password }, { auth: false }),
  register: (username: string, password: string) =>
    http.post<AuthResponse>('/auth/register', { username, password }, { auth: false }),
  logout: (refresh_token: string | null) =>
    refresh_token
      ? http.post<void>('/auth/logout', { refresh_token }, { auth: false })
      : http.post<void>('/auth/logout', undefined, { auth: false, headers: CSRF }),
  qrStart: () => http.post<QrLoginRequest>('/auth/qr', undefined, { auth: false }),
  qrPoll: (id: string | number, secret: string, signal?: AbortSignal) =>
    // The secret goes in a header: a URL would put it in every access log.
    http.request<QrLoginStatus>('GET', `/auth/qr/${id}`, {
      headers: { 'X-QR-Secret': secret },
      auth: false,
      signal,
    }),
  qrDetails: (id: string) => http.get<QrLoginDetails>(`/auth/qr/${id}/details`),
  qrApprove: (id: string, token: string) => http.post<unknown>(`/auth/qr/${id}/approve`, { token }),
};

export const meApi = {
  get: () => http.get<Me>('/me'),
  notifications: () => http.get<NotificationSettings>('/me/notifications'),
  setNotifications: (disabled: NotificationKind[]) =>
    http.put<NotificationSettings>('/me/notifications', { disabled }),
  update: (patch: { display_name?: string; is_private?: boolean }) => http.patch<Me>('/me', patch),
  /** A first password also picks the desktop username when the account has none yet. */
  setPassword: (password: string, current_password?: string, username?: string) =>
    http.put<void>('/me/password', {
      password,
      ...(current_password ? { current_password } : {}),
      ...(username ? { username } : {}),
    }),
};

export const usersApi = {
  get: (id: number) => http.get<PublicUser>(`/users/${id}`),
  /** Prefix search over display names and usernames; an empty query lists recent counterparts. */
  search: (q: string, signal?: AbortSignal) => http.get<{ items: UserSummary[] }>('/users', { q, limit: 20 }, signal),
  photos: (id: number, cursor?: string | null, limit = 24) =>
    http.get<Page<Photo>>(`/users/${id}/photos`, { cursor, limit }),
};

export const photosApi = {
  list: (q: PhotoQuery, signal?: AbortSignal) =>
    http.get<Page<Photo>>('/photos', { limit: 24, ...q }, signal),
  /** The public gallery, without waiting for sign-in (shown while it runs). */
  listPublic: (signal?: AbortSignal) =>
    http.request<Page<Photo>>('GET', '/photos', { query: { limit: 24 }, auth: false, signal }),
  get: (id: number) => http.get<Photo>(`/photos/${id}`),
  history: (id: number) => http.get<ProvenanceEntry[]>(`/photos/${id}/history`),
  update: (id: number, patch: { title?: string; description?: string }) =>
    http.patch<Photo>(`/photos/${id}`, patch),
  remove: (id: number) => http.delete<void>(`/photos/${id}`),
  favorite: (id: number, on: boolean) =>
    on ? http.put<FavoriteState>(`/photos/${id}/favorite`) : http.delete<FavoriteState>(`/photos/${id}/favorite`),
  upload: (input: UploadInput, onProgress: (f: number) => void, signal?: AbortSignal) =>
    uploadPhoto(API_BASE, tokens, input, onProgress, signal),
};

export const usersBlockApi = {
  /** Refuse (or accept again) direct gifts from this person. */
  block: (userId: number) => http.put<void>(`/users/${userId}/block`),
  unblock: (userId: number) => http.delete<void>(`/users/${userId}/block`),
};

export const transfersApi = {
  create: (photo_id: number, to_user_id?: number) =>
    http.post<Transfer>('/transfers', to_user_id ? { photo_id, to_user_id } : { photo_id }),
  claim: (token: string) => http.post<Transfer>('/transfers/claim', { token }),
  preview: (token: string) => http.post<ClaimPreview>('/transfers/claim/preview', { token }),
  cancel: (id: number) => http.post<Transfer>(`/transfers/${id}/cancel`),
  /** Send a direct gift back to its giver (within 7 days). */
  sendBack: (id: number) => http.post<Transfer>(`/transfers/${id}/return`),
  list: (role: 'sent' | 'received') => http.get<{ items: Transfer[] }>('/transfers', { role }),
};

export const tradesApi = {
  create: (body: {
    offered_photo_ids: number[];
    requested_photo_ids: number[];
    recipient_id?: number;
    message?: string;
  }) => http.post<Trade>('/trades', body),
  list: (role: 'incoming' | 'outgoing', status?: TradeStatus) =>
    http.get<{ items: Trade[] }>('/trades', { role, status }),
  get: (id: number) => http.get<Trade>(`/trades/${id}`),
  byToken: (token: string) => http.get<Trade>(`/trades/by-token/${encodeURIComponent(token)}`),
  accept: (id: number, token?: string) =>
    http.post<Trade>(`/trades/${id}/accept`, token ? { token } : undefined),
  decline: (id: number) => http.post<Trade>(`/trades/${id}/decline`),
  cancel: (id: number) => http.post<Trade>(`/trades/${id}/cancel`),
};

export const requestsApi = {
  create: (user_id: number, message?: string) =>
    http.post<ProfileRequest>('/profile_requests', message ? { user_id, message } : { user_id }),
  list: (role: 'incoming' | 'outgoing') =>
    http.get<{ items: ProfileRequest[] }>('/profile_requests', { role }),
  accept: (id: number) => http.post<ProfileRequest>(`/profile_requests/${id}/accept`),
  decline: (id: number) => http.post<ProfileRequest>(`/profile_requests/${id}/decline`),
  remove: (id: number) => http.delete<void>(`/profile_requests/${id}`),
};
