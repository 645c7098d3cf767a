/** Wire types of the backend API (see shared/SPEC.md §3). */

export interface UserSummary {
  id: number;
  display_name: string;
  avatar_url: string | null;
}

export type Messenger = 'max' | 'telegram' | null;

export interface Me extends UserSummary {
  is_private: boolean;
  role: 'user' | 'admin';
  messenger: Messenger;
  username: string | null;
  has_password: boolean;
  created_at: string;
}

export interface TokenPair {
  access_token: string;
  /** Null for a desktop browser (`X-Client-Host: web`): it is in an HttpOnly cookie instead. */
  refresh_token: string | null;
  token_type: 'bearer';
  expires_in: number;
}

export interface AuthResponse extends TokenPair {
  user: Me;
}

export interface Photo {
  id: number;
  title: string;
  description: string | null;
  width: number;
  height: number;
  mime: string;
  placeholder: string | null;
  dominant_color: string | null;
  thumb_url: string;
  /** 640-px thumbnail for 2× screens (newer backends). */
  thumb_2x_url?: string | null;
  preview_url: string;
  owner: UserSummary;
  creator: UserSummary;
  favorites_count: number;
  is_favorite?: boolean;
  created_at: string;
  updated_at: string;
}

export interface PhotoSummary {
  id: number;
  title: string;
  thumb_url: string;
  thumb_2x_url?: string | null;
  placeholder: string | null;
  /** Who holds it (trade views on newer backends). */
  owner?: UserSummary;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface ProvenanceEntry {
  id: number;
  reason: 'mint' | 'transfer' | 'trade' | 'admin';
  from_user: UserSummary | null;
  to_user: UserSummary;
  trade_id: number | null;
  transfer_id: number | null;
  created_at: string;
}

export interface PublicUser extends UserSummary {
  is_private: boolean;
  can_view_collection: boolean;
  profile_request_status: null | 'pending' | 'accepted' | 'declined';
}

export type TransferStatus = 'pending' | 'completed' | 'cancelled' | 'expired';

export interface Transfer {
  id: number;
  photo: PhotoSummary;
  from_user: UserSummary;
  to_user: UserSummary | null;
  status: TransferStatus;
  claim_token?: string | null;
  deep_link?: string | null;
  expires_at: string | null;
  created_at: string;
  completed_at: string | null;
}

export type TradeStatus = 'pending' | 'accepted' | 'declined' | 'cancelled' | 'expired' | 'failed';

export interface Trade {
  id: number;
  proposer: UserSummary;
  recipient: UserSummary | null;
  status: TradeStatus;
  message: string | null;
  offered: PhotoSummary[];
  requested: PhotoSummary[];
  token?: string | null;
  deep_link?: string | null;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
  /** Who accepted it (an open trade is accepted by whoever holds the requested items). */
  accepted_by?: UserSummary | null;
  /** By-token views: whether this viewer may accept, and if not, why (a stable code). */
  viewer_can_accept?: boolean;
  cannot_accept_reason?: string | null;
}

/** `POST /api/transfers/claim/preview`: what a claim link gives, before claiming. */
export interface ClaimPreview {
  transfer_id: number;
  status: TransferStatus;
  photo: PhotoSummary;
  giver: UserSummary;
  expires_at: string | null;
  is_giver: boolean;
  claimed_by: UserSummary | null;
}

export type RequestStatus = 'pending' | 'accepted' | 'declined';

export interface ProfileRequest {
  id: number;
  requester: UserSummary;
  target: UserSummary;
  status: RequestStatus;
  message: string | null;
  created_at: string;
}

export interface QrLoginRequest {
  request_id: string | number;
  secret: string;
  qr_payload: string;
  expires_at: string;
  /** The same sign-in link in each messenger's form, so either one's camera opens it. */
  deep_links?: { max?: string | null; telegram?: string | null; web?: string | null };
}

/** What is asking to sign in, shown before the phone confirms (GET /auth/qr/{id}/details). */
export interface QrLoginDetails {
  request_id: string;
  status: 'pending';
  browser: string;
  os: string;
  ip: string | null;
  created_at: string;
  expires_at: string;
}

export type QrLoginStatus =
  | { status: 'pending' }
  | { status: 'consumed' }
  | ({ status: 'approved' } & AuthResponse);

export interface FavoriteState {
  is_favorite: boolean;
  favorites_count: number;
}
