/** Wire types of the backend API: aliases of the types generated from its OpenAPI document
 * (schema.d.ts; refresh with `npm run gen:types`). No shape is written by hand here. */
import type { components } from './schema';

type Schemas = components['schemas'];

export type UserSummary = Schemas['UserSummary'];
export type Me = Schemas['Me'];
export type NotificationSettings = Schemas['NotificationSettings'];
export type NotificationKind = NotificationSettings['kinds'][number];
export type Messenger = Me['messenger'];
/** What sign-in answers: the token pair and the signed-in user. */
export type AuthResponse = Schemas['TokenPair'];
/** The tokens alone (what the token store keeps). */
export type TokenPair = Pick<AuthResponse, 'access_token' | 'refresh_token' | 'token_type' | 'expires_in'>;
export type Photo = Schemas['Photo'];
export type PublicPhoto = Schemas['PublicPhoto'];
export type PhotoSummary = Schemas['PhotoSummary'];
export type PhotoPage = Schemas['PhotoPage'];
/** A keyset page of T (the generated PhotoPage's shape, for any item). */
export type Page<T> = Omit<PhotoPage, 'items'> & { items: T[] };
export type ProvenanceEntry = Schemas['ProvenanceEntry'];
export type Story = Schemas['Story'];
export type Showcase = Schemas['Showcase'];
export type PublicUser = Schemas['PublicUser'];
export type Transfer = Schemas['Transfer'];
export type TransferStatus = Transfer['status'];
export type ClaimPreview = Schemas['ClaimPreview'];
export type Trade = Schemas['Trade'];
export type TradeInfo = Schemas['TradeInfo'];
export type TradeStatus = Trade['status'];
export type ProfileRequest = Schemas['ProfileRequest'];
export type RequestStatus = ProfileRequest['status'];
export type QrLoginRequest = Schemas['QrLoginCreated'];
export type QrLoginStatus = Schemas['QrLoginStatus'];
export type QrLoginDetails = Schemas['QrLoginDetails'];
/** The sign-in a poll hands over once approved (refresh_token is null on the web: a cookie). */
export function approvedSignIn(s: QrLoginStatus): AuthResponse | null {
  const { access_token, refresh_token, expires_in, user } = s;
  if (s.status !== 'approved' || !access_token || !expires_in || !user) return null;
  return { access_token, refresh_token: refresh_token ?? null, token_type: 'bearer', expires_in, user };
}
export type FavoriteState = Schemas['FavoriteState'];
export type ErrorCode = Schemas['ErrorCode'];
export type ErrorDetail = Schemas['ErrorDetail'];

/** Everything the WebSocket sends (events and control frames) and accepts. */
export type ServerMessage = Schemas['ServerMessage'];
export type ServerEvent = Schemas['ServerEvent'];
export type ClientMessage = Schemas['ClientMessage'];
export type EventType = ServerEvent['type'];
/** The event of one type, e.g. `EventOf<'trade.updated'>['data']` is a TradeInfo. */
export type EventOf<T extends EventType> = Extract<ServerEvent, { type: T }>;
export type OwnershipChanged = Schemas['OwnershipChanged'];
