-- Max Photo Gallery: the whole PostgreSQL schema (PostgreSQL 15+).
--
-- Idempotent: every statement is IF NOT EXISTS / OR REPLACE, so loading this file twice into
-- the same database changes nothing. The migration runner (backend/app/core/migrations.py: run
-- by the backend at start and by the compose `migrate` service) loads it into an empty database
-- and marks every migration as applied. Later changes are numbered files in backend/migrations/
-- applied by yoyo-migrations (README "Schema changes"); this file is kept equal to the result of
-- all of them (tests/test_migrations.py compares the catalogs).
--
SET client_min_messages = warning;

-- Conventions: bigint identity keys, timestamptz everywhere, states as text + CHECK (easier to
-- extend than enums inside an idempotent file), secrets stored only as sha256 digests (bytea).

CREATE TABLE IF NOT EXISTS users (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Messenger identity: a Max user and a Telegram user with the same numeric id are different
    -- people, hence the pair is the key.
    messenger       text CHECK (messenger IN ('max', 'telegram')),
    external_id     bigint,
    username        text,
    password_hash   text,
    display_name    text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 128),
    avatar_url      text,
    is_private      boolean NOT NULL DEFAULT false,
    -- Admins are made only by SQL (seeds/make_admin.sql); no API path writes this column.
    role            text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_messenger_pair CHECK ((messenger IS NULL) = (external_id IS NULL)),
    CONSTRAINT users_has_identity CHECK (messenger IS NOT NULL OR username IS NOT NULL),
    CONSTRAINT users_password_needs_username CHECK (password_hash IS NULL OR username IS NOT NULL)
);
CREATE UNIQUE INDEX IF NOT EXISTS users_messenger_external_uq
    ON users (messenger, external_id) WHERE messenger IS NOT NULL;
-- Desktop usernames are case-insensitive: "Anna" and "anna" are one account.
CREATE UNIQUE INDEX IF NOT EXISTS users_username_uq
    ON users (lower(username)) WHERE username IS NOT NULL;
-- People search (GET /api/users?q=): every query word is a prefix of a word of the display name
-- or username. A 'simple' (no stemming: names are not words) tsvector over both, lower-cased with
-- ё folded to е, served by a GIN index: prefix queries ('ann':*) use it, words anywhere in the
-- name match ("pet" finds "Anna Petrova"), Cyrillic works, and it needs no extension (pg_trgm is
-- not in every PostgreSQL build, e.g. the embedded one the run command uses). A btree with
-- text_pattern_ops would serve only a prefix of the whole name. The function is the one
-- expression both the index and repositories/users.search use.
CREATE OR REPLACE FUNCTION user_search_vector(display_name text, username text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_tsvector('simple', translate(lower(display_name || ' ' || coalesce(username, '')), 'ё', 'е'))
$$;
CREATE INDEX IF NOT EXISTS users_search_idx
    ON users USING gin (user_search_vector(display_name, username));

-- A stored image file. Renditions are derived, EXIF-free WebP files; keys are random names
-- relative to UPLOAD_DIR (never a user-supplied path).
CREATE TABLE IF NOT EXISTS images (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    content_hash    bytea NOT NULL CHECK (length(content_hash) = 32),
    -- HEIC/HEIF (iPhone) and AVIF originals keep their format; renditions are WebP (issue 20).
    mime            text NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/gif', 'image/webp',
                                                  'image/heic', 'image/heif', 'image/avif')),
    width           integer NOT NULL CHECK (width > 0),
    height          integer NOT NULL CHECK (height > 0),
    bytes           bigint NOT NULL CHECK (bytes > 0),
    original_key    text NOT NULL,
    thumb_key       text NOT NULL,
    -- 640 px for 2x screens; NULL for images stored before it existed (the preview stands in).
    thumb_2x_key    text,
    preview_key     text NOT NULL,
    placeholder     text NOT NULL DEFAULT '',
    dominant_color  text NOT NULL DEFAULT '#808080',
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- One image (by content) can be minted only once.
    CONSTRAINT images_content_hash_uq UNIQUE (content_hash)
);

-- Near-duplicate lookup (services/near_duplicates.py): 64-bit difference hashes of each image,
-- one row per variant (the whole picture and slightly cropped views of it, so a crop of up to
-- 5 % lands near one of them). Multi-index hashing: a hash within a few bits of a stored one
-- shares at least one of its four 16-bit parts exactly when the bits differ in at most 3, and
-- in practice far more often; each part has its own index, so a lookup is four index probes
-- plus a bit count on the few rows they find, whatever the number of images (bench/RESULTS.md).
CREATE TABLE IF NOT EXISTS image_hashes (
    image_id         bigint NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    variant          smallint NOT NULL CHECK (variant >= 0),
    hash             bigint NOT NULL,
    PRIMARY KEY (image_id, variant)
);
CREATE INDEX IF NOT EXISTS image_hashes_part0_idx ON image_hashes (((hash >> 48) & 65535));
CREATE INDEX IF NOT EXISTS image_hashes_part1_idx ON image_hashes (((hash >> 32) & 65535));
CREATE INDEX IF NOT EXISTS image_hashes_part2_idx ON image_hashes (((hash >> 16) & 65535));
CREATE INDEX IF NOT EXISTS image_hashes_part3_idx ON image_hashes ((hash & 65535));

-- Mint numbers (issue 20): "No. 1,234" on every card. A sequence hands each new object the
-- next number once; a rolled-back mint leaves a gap (numbers are never reused or moved), so
-- concurrent mints never wait for each other. The unique constraint makes "one number, one
-- object" a fact of the schema, admin SQL included (it takes the default like the app).
CREATE SEQUENCE IF NOT EXISTS art_objects_mint_number_seq AS bigint;
-- The ownable gallery item made from one image; the API calls it a "photo".
CREATE TABLE IF NOT EXISTS art_objects (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mint_number     bigint NOT NULL DEFAULT nextval('art_objects_mint_number_seq'),
    image_id        bigint NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description     text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
    creator_id      bigint NOT NULL REFERENCES users (id),
    owner_id        bigint NOT NULL REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- Russian and English stemming side by side: gallery titles mix both languages, and a
    -- query is matched against either (see repositories/art_objects.py).
    search_vector   tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A')
        || setweight(to_tsvector('russian', title), 'A')
        || setweight(to_tsvector('english', description), 'B')
        || setweight(to_tsvector('russian', description), 'B')
    ) STORED,
    -- Hidden from its owner's profile and the gallery's "by owner" filter for everyone else
    -- (still in the gallery and in every provenance); cleared when it changes hands.
    profile_hidden  boolean NOT NULL DEFAULT false,
    CONSTRAINT art_objects_image_uq UNIQUE (image_id),
    CONSTRAINT art_objects_mint_number_uq UNIQUE (mint_number)
);
ALTER SEQUENCE art_objects_mint_number_seq OWNED BY art_objects.mint_number;
-- Keyset pagination, newest first, over the whole gallery and per owner / creator.
CREATE INDEX IF NOT EXISTS art_objects_keyset_idx ON art_objects (created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS art_objects_owner_keyset_idx
    ON art_objects (owner_id, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS art_objects_creator_keyset_idx
    ON art_objects (creator_id, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS art_objects_search_idx ON art_objects USING gin (search_vector);

-- Transfers: direct (completed at once) or by claim code (pending until claimed).
CREATE TABLE IF NOT EXISTS transfers (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    art_object_id    bigint NOT NULL REFERENCES art_objects (id) ON DELETE CASCADE,
    from_user_id     bigint NOT NULL REFERENCES users (id),
    to_user_id       bigint REFERENCES users (id),
    status           text NOT NULL CHECK (status IN ('pending', 'completed', 'cancelled', 'expired')),
    claim_token_hash bytea,
    expires_at       timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    completed_at     timestamptz,
    -- A direct gift its recipient sent back (services/transfers.return_gift); the return itself
    -- is a transfer row of its own, so provenance names it.
    returned_at      timestamptz,
    -- The giver's note (direct gifts and claim codes), kept with provenance; its recipient may
    -- hide it from everyone but the two of them.
    note             text NOT NULL DEFAULT '' CHECK (length(note) <= 280),
    note_hidden      boolean NOT NULL DEFAULT false,
    CONSTRAINT transfers_claim_token_uq UNIQUE (claim_token_hash),
    CONSTRAINT transfers_completed_has_recipient CHECK (status <> 'completed' OR to_user_id IS NOT NULL),
    CONSTRAINT transfers_not_to_self CHECK (to_user_id IS DISTINCT FROM from_user_id)
);
-- At most one live claim code per object: a new one replaces the old (services/transfers.py).
CREATE UNIQUE INDEX IF NOT EXISTS transfers_one_pending_per_object
    ON transfers (art_object_id) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS transfers_from_idx ON transfers (from_user_id, id DESC);
CREATE INDEX IF NOT EXISTS transfers_to_idx ON transfers (to_user_id, id DESC);
CREATE INDEX IF NOT EXISTS transfers_pending_expiry_idx
    ON transfers (expires_at) WHERE status = 'pending';

-- Trades: N offered objects (proposer's) for M requested objects (one counterparty's).
CREATE TABLE IF NOT EXISTS trades (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    proposer_id      bigint NOT NULL REFERENCES users (id),
    -- NULL recipient: an open trade, accepted by whoever owns the requested objects and holds
    -- the token from the QR / deep link.
    recipient_id     bigint REFERENCES users (id),
    status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'accepted', 'declined', 'cancelled', 'expired', 'failed')),
    message          text NOT NULL DEFAULT '' CHECK (length(message) <= 1000),
    token_hash       bytea,
    accepted_by      bigint REFERENCES users (id),
    failure_reason   text,
    expires_at       timestamptz NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT trades_token_uq UNIQUE (token_hash),
    CONSTRAINT trades_open_has_token CHECK (recipient_id IS NOT NULL OR token_hash IS NOT NULL),
    CONSTRAINT trades_not_to_self CHECK (recipient_id IS DISTINCT FROM proposer_id)
);
CREATE INDEX IF NOT EXISTS trades_proposer_idx ON trades (proposer_id, id DESC);
CREATE INDEX IF NOT EXISTS trades_recipient_idx ON trades (recipient_id, id DESC);
-- Open trades someone accepted: their incoming list and recent counterparts.
CREATE INDEX IF NOT EXISTS trades_accepted_by_idx ON trades (accepted_by, id DESC)
    WHERE accepted_by IS NOT NULL;
CREATE INDEX IF NOT EXISTS trades_pending_expiry_idx ON trades (expires_at) WHERE status = 'pending';

CREATE TABLE IF NOT EXISTS trade_items (
    trade_id         bigint NOT NULL REFERENCES trades (id) ON DELETE CASCADE,
    art_object_id    bigint NOT NULL REFERENCES art_objects (id) ON DELETE CASCADE,
    side             text NOT NULL CHECK (side IN ('offered', 'requested')),
    -- Who owned the item when the trade was proposed: accept re-checks against this.
    owner_id         bigint NOT NULL REFERENCES users (id),
    PRIMARY KEY (trade_id, art_object_id)
);
CREATE INDEX IF NOT EXISTS trade_items_object_idx ON trade_items (art_object_id);

-- Append-only provenance. The current owner of an object always equals to_user_id of its last
-- row (checked by services/consistency.py and the tests after every race).
CREATE TABLE IF NOT EXISTS ownership_history (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    art_object_id    bigint NOT NULL REFERENCES art_objects (id) ON DELETE CASCADE,
    from_user_id     bigint REFERENCES users (id),
    to_user_id       bigint NOT NULL REFERENCES users (id),
    reason           text NOT NULL CHECK (reason IN ('mint', 'transfer', 'trade', 'admin')),
    trade_id         bigint REFERENCES trades (id),
    transfer_id      bigint REFERENCES transfers (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT history_mint_has_no_sender CHECK ((reason = 'mint') = (from_user_id IS NULL)),
    CONSTRAINT history_trade_has_trade CHECK (reason <> 'trade' OR trade_id IS NOT NULL),
    CONSTRAINT history_transfer_has_transfer CHECK (reason <> 'transfer' OR transfer_id IS NOT NULL)
);
CREATE INDEX IF NOT EXISTS ownership_history_object_idx ON ownership_history (art_object_id, id);

-- History rows are never rewritten. (Deleting a never-traded object removes its lone mint row
-- by cascade; that is the only way a row goes.)
CREATE OR REPLACE FUNCTION ownership_history_forbid_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ownership_history is append-only';
END;
$$;
CREATE OR REPLACE TRIGGER ownership_history_append_only
    BEFORE UPDATE ON ownership_history
    FOR EACH ROW EXECUTE FUNCTION ownership_history_forbid_update();

CREATE TABLE IF NOT EXISTS favorites (
    user_id          bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    art_object_id    bigint NOT NULL REFERENCES art_objects (id) ON DELETE CASCADE,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, art_object_id)
);
CREATE INDEX IF NOT EXISTS favorites_object_idx ON favorites (art_object_id);

-- A profile's showcase: up to 6 of its owner's objects pinned at the top, in the owner's order
-- (services/showcase.py). A pin goes when its object changes hands (art_object_move).
CREATE TABLE IF NOT EXISTS showcase_pins (
    user_id          bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    art_object_id    bigint NOT NULL REFERENCES art_objects (id) ON DELETE CASCADE,
    position         smallint NOT NULL CHECK (position BETWEEN 0 AND 5),
    PRIMARY KEY (user_id, art_object_id),
    CONSTRAINT showcase_pins_position_uq UNIQUE (user_id, position)
);
CREATE INDEX IF NOT EXISTS showcase_pins_object_idx ON showcase_pins (art_object_id);

CREATE TABLE IF NOT EXISTS profile_requests (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    requester_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    target_id        bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined')),
    message          text NOT NULL DEFAULT '' CHECK (length(message) <= 500),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    -- Idempotent per pair: asking again returns the same request.
    CONSTRAINT profile_requests_pair_uq UNIQUE (requester_id, target_id),
    CONSTRAINT profile_requests_not_self CHECK (requester_id <> target_id)
);
CREATE INDEX IF NOT EXISTS profile_requests_target_idx ON profile_requests (target_id, id DESC);
-- When a pair's target was last notified of a request: outlives withdrawn requests, so asking,
-- withdrawing and asking again notifies at most once per PROFILE_REQUEST_COOLDOWN.
CREATE TABLE IF NOT EXISTS profile_request_notices (
    requester_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    target_id        bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    notified_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (requester_id, target_id)
);

-- Who refuses direct gifts from whom (services/transfers.py).
CREATE TABLE IF NOT EXISTS user_blocks (
    blocker_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (blocker_id, blocked_id),
    CONSTRAINT user_blocks_not_self CHECK (blocker_id <> blocked_id)
);

-- Refresh tokens rotate inside a family (one family = one sign-in session); reuse of a spent
-- token after the grace window revokes the whole family.
CREATE TABLE IF NOT EXISTS refresh_token_families (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id          bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- How and when this session proved who it is; access tokens carry both (auth_time, amr) so
    -- sensitive changes can ask for a recent proof.
    auth_method      text NOT NULL DEFAULT 'password' CHECK (auth_method IN ('password', 'messenger', 'qr')),
    auth_time        timestamptz NOT NULL DEFAULT now(),
    created_at       timestamptz NOT NULL DEFAULT now(),
    revoked_at       timestamptz
);
CREATE INDEX IF NOT EXISTS refresh_token_families_user_idx ON refresh_token_families (user_id);
CREATE TABLE IF NOT EXISTS refresh_tokens (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    family_id        uuid NOT NULL REFERENCES refresh_token_families (id) ON DELETE CASCADE,
    token_hash       bytea NOT NULL,
    expires_at       timestamptz NOT NULL,
    used_at          timestamptz,
    -- The token this one was rotated into, sealed under a pad derived from THIS token (which is
    -- stored only as a digest): lets a retry within the grace window get the same successor back
    -- without keeping any usable token in the database (core/security.py seal_successor).
    successor_id     bigint REFERENCES refresh_tokens (id) ON DELETE SET NULL,
    successor_sealed bytea,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT refresh_tokens_hash_uq UNIQUE (token_hash)
);
CREATE INDEX IF NOT EXISTS refresh_tokens_family_idx ON refresh_tokens (family_id);

-- Desktop sign-in by QR: the desktop holds `secret`, the phone approves by request id.
CREATE TABLE IF NOT EXISTS auth_qr_requests (
    id               text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{16,64}$'),
    secret_hash      bytea NOT NULL,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'consumed')),
    user_id          bigint REFERENCES users (id) ON DELETE CASCADE,
    expires_at       timestamptz NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    approved_at      timestamptz,
    consumed_at      timestamptz,
    -- What the approving phone is shown: the desktop's address and User-Agent at creation.
    client_ip        text,
    user_agent       text NOT NULL DEFAULT '',
    CONSTRAINT auth_qr_approved_has_user CHECK (status = 'pending' OR user_id IS NOT NULL)
);
CREATE INDEX IF NOT EXISTS auth_qr_requests_expiry_idx ON auth_qr_requests (expires_at);

-- Every public or personal change, numbered. `audience` NULL = public; otherwise the user ids
-- that may see it. `subjects`: the users whose objects the event is about; when one of them is
-- private, only the subjects and viewers that every private subject accepted see it (the rule of
-- the HTTP reads, services/users.can_view_collection). Rows are written in the same transaction
-- as the change; the listeners are woken by a NOTIFY (below, and core/wakeup.py) and read the
-- log (realtime/listener.py).
CREATE SEQUENCE IF NOT EXISTS events_id_seq AS bigint;  -- CACHE 1: the listener reads last_value
CREATE TABLE IF NOT EXISTS events (
    id               bigint PRIMARY KEY,  -- set by events_assign_id(), never by the writer
    type             text NOT NULL CHECK (type ~ '^[a-z_]+\.[a-z_]+$'),
    data             jsonb NOT NULL,
    audience         bigint[],
    subjects         bigint[] NOT NULL DEFAULT '{}',
    created_at       timestamptz NOT NULL DEFAULT now()
);
ALTER SEQUENCE events_id_seq OWNED BY events.id;
CREATE INDEX IF NOT EXISTS events_created_idx ON events (created_at);
CREATE INDEX IF NOT EXISTS events_audience_idx ON events USING gin (audience);

-- Ids are handed out before commit, so a later id can commit first. The listener delivers an id
-- only once every transaction that could still hold a smaller one has ended: it reads the
-- sequence, then a snapshot, and waits until that snapshot's xmax is below the oldest running
-- transaction (realtime/listener.py). That holds only if a transaction has its xid before it
-- takes an event id — so the id is assigned here, after pg_current_xact_id(), whatever the
-- writer sends (admin SQL included).
CREATE OR REPLACE FUNCTION events_assign_id() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_current_xact_id();
    NEW.id := nextval('events_id_seq');
    RETURN NEW;
END;
$$;
CREATE OR REPLACE TRIGGER events_assign_id_before_insert
    BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION events_assign_id();

-- The wake-up for the listeners. A NOTIFY holds the database-wide notify lock through its
-- transaction's commit (WAL flush included), so notifying writers commit one at a time. The
-- app's own connections set gallery.wakeup = 'deferred' and send the wake-up themselves,
-- outside the writing transaction (backend/app/core/wakeup.py); every other session (admin SQL,
-- psql) still notifies here, so its events arrive at once.
CREATE OR REPLACE FUNCTION events_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('gallery.wakeup', true) IS DISTINCT FROM 'deferred' THEN
        PERFORM pg_notify('gallery_events', NEW.id::text);
    END IF;
    RETURN NEW;
END;
$$;
CREATE OR REPLACE TRIGGER events_notify_after_insert
    AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION events_notify();

-- A trade accept is one statement (issue 15.5, migration 0007): trade_accept() locks, checks,
-- moves every item (art_object_move), writes provenance, the events and the trade's status in
-- one call. The event payloads are built here as JSON equal to the pydantic models'
-- (services/publish.py); tests/test_trade_accept_sql.py compares them.

-- A timestamp as pydantic writes one in JSON: UTC with `Z`, the fraction only when not zero.
CREATE OR REPLACE FUNCTION json_time(t timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
           || CASE WHEN extract(microseconds FROM t)::bigint % 1000000 = 0 THEN ''
                   ELSE to_char(t AT TIME ZONE 'UTC', '.US') END
           || 'Z'
$$;

-- The `trade.updated` payload (schemas TradeInfo) as `p_viewer_id` sees the trade: the rule of
-- services/trades._to_trade — an item is shown when it is the proposer's own offer or its owner's
-- collection is visible to the viewer (repositories/visibility.py; NULL viewer: anonymous).
CREATE OR REPLACE FUNCTION trade_info_json(p_trade_id bigint, p_viewer_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT jsonb_build_object(
            'id', t.id,
            'proposer', jsonb_build_object(
                'id', pu.id, 'display_name', pu.display_name, 'avatar_url', pu.avatar_url),
            'recipient', CASE WHEN ru.id IS NOT NULL THEN jsonb_build_object(
                'id', ru.id, 'display_name', ru.display_name, 'avatar_url', ru.avatar_url) END,
            'status', CASE WHEN t.status = 'pending' AND t.expires_at <= now() THEN 'expired'
                           ELSE t.status END,
            'message', t.message,
            'offered', coalesce(s.offered, '[]'::jsonb),
            'requested', coalesce(s.requested, '[]'::jsonb),
            'token', NULL, 'deep_link', NULL, 'deep_links', NULL,
            'failure_reason', t.failure_reason,
            'accepted_by', CASE WHEN au.id IS NOT NULL THEN jsonb_build_object(
                'id', au.id, 'display_name', au.display_name, 'avatar_url', au.avatar_url) END,
            'expires_at', json_time(t.expires_at),
            'created_at', json_time(t.created_at),
            'updated_at', json_time(t.updated_at))
          FROM trades t
          JOIN users pu ON pu.id = t.proposer_id
          LEFT JOIN users ru ON ru.id = t.recipient_id
          LEFT JOIN users au ON au.id = t.accepted_by
         CROSS JOIN LATERAL (
            SELECT jsonb_agg(p.photo ORDER BY p.id) FILTER (WHERE p.side = 'offered') AS offered,
                   jsonb_agg(p.photo ORDER BY p.id) FILTER (WHERE p.side = 'requested') AS requested
              FROM (SELECT i.side, a.id, jsonb_build_object(
                           'id', a.id, 'title', a.title, 'mint_number', a.mint_number,
                           'thumb_url', '/' || img.thumb_key,
                           'thumb_2x_url', '/' || coalesce(img.thumb_2x_key, img.preview_key),
                           'placeholder', img.placeholder, 'dominant_color', img.dominant_color,
                           'owner_id', a.owner_id,
                           'owner', jsonb_build_object(
                               'id', ou.id, 'display_name', ou.display_name,
                               'avatar_url', ou.avatar_url)) AS photo
                      FROM trade_items i
                      JOIN art_objects a ON a.id = i.art_object_id
                      JOIN users ou ON ou.id = a.owner_id
                      JOIN images img ON img.id = a.image_id
                     WHERE i.trade_id = t.id
                       AND ((i.side = 'offered' AND a.owner_id = t.proposer_id)
                            OR NOT ou.is_private OR ou.id = p_viewer_id OR EXISTS (
                                SELECT 1 FROM profile_requests r
                                 WHERE r.requester_id = p_viewer_id AND r.target_id = ou.id
                                   AND r.status = 'accepted'))) p) s
         WHERE t.id = p_trade_id);
END;
$$;

-- The `transfer.updated` payload (schemas Transfer, services/shapes.to_transfer): never its
-- claim code or links.
CREATE OR REPLACE FUNCTION transfer_json(p_transfer_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT jsonb_build_object(
            'id', t.id,
            'photo', jsonb_build_object(
                'id', a.id, 'title', a.title, 'mint_number', a.mint_number,
                'thumb_url', '/' || img.thumb_key,
                'thumb_2x_url', '/' || coalesce(img.thumb_2x_key, img.preview_key),
                'placeholder', img.placeholder, 'dominant_color', img.dominant_color,
                'owner_id', a.owner_id, 'owner', NULL),
            'from_user', jsonb_build_object(
                'id', fu.id, 'display_name', fu.display_name, 'avatar_url', fu.avatar_url),
            'to_user', CASE WHEN tu.id IS NOT NULL THEN jsonb_build_object(
                'id', tu.id, 'display_name', tu.display_name, 'avatar_url', tu.avatar_url) END,
            'status', CASE WHEN t.status = 'pending' AND t.expires_at <= now() THEN 'expired'
                           ELSE t.status END,
            'claim_token', NULL, 'deep_link', NULL, 'deep_links', NULL,
            'expires_at', json_time(t.expires_at),
            'created_at', json_time(t.created_at),
            'completed_at', json_time(t.completed_at),
            'returned_at', json_time(t.returned_at),
            'note', t.note, 'note_hidden', t.note_hidden)
          FROM transfers t
          JOIN art_objects a ON a.id = t.art_object_id
          JOIN images img ON img.id = a.image_id
          JOIN users fu ON fu.id = t.from_user_id
          LEFT JOIN users tu ON tu.id = t.to_user_id
         WHERE t.id = p_transfer_id);
END;
$$;

-- The one way an art object changes owner (services/ownership.move calls it; so does
-- trade_accept): set the owner, append provenance, cancel its live claim code (the giver hears,
-- `transfer.updated`), announce `ownership.changed` to the two parties' audience. The caller
-- holds the object's row lock. False when no such object exists.
CREATE OR REPLACE FUNCTION art_object_move(
    p_art_object_id bigint, p_from_user_id bigint, p_to_user_id bigint, p_reason text,
    p_trade_id bigint, p_transfer_id bigint
) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    v_code_id bigint;
    v_giver bigint;
BEGIN
    -- A new owner starts with the object shown on their profile; the old owner's pin goes.
    UPDATE art_objects SET owner_id = p_to_user_id, profile_hidden = false, updated_at = now()
     WHERE id = p_art_object_id;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    DELETE FROM showcase_pins WHERE art_object_id = p_art_object_id;
    INSERT INTO ownership_history
           (art_object_id, from_user_id, to_user_id, reason, trade_id, transfer_id)
    VALUES (p_art_object_id, p_from_user_id, p_to_user_id, p_reason, p_trade_id, p_transfer_id);
    -- At most one live code per object (transfers_one_pending_per_object). Its payload is read
    -- in the next statement, which sees the cancellation.
    UPDATE transfers SET status = 'cancelled'
     WHERE art_object_id = p_art_object_id AND status = 'pending'
    RETURNING id, from_user_id INTO v_code_id, v_giver;
    IF v_code_id IS NOT NULL THEN
        INSERT INTO events (type, data, audience)
        VALUES ('transfer.updated', transfer_json(v_code_id), ARRAY[v_giver]);
    END IF;
    INSERT INTO events (type, data, subjects)
    VALUES ('ownership.changed',
            jsonb_build_object('photo_id', p_art_object_id, 'from_user_id', p_from_user_id,
                               'to_user_id', p_to_user_id, 'reason', p_reason,
                               'trade_id', p_trade_id, 'transfer_id', p_transfer_id),
            ARRAY(SELECT DISTINCT u FROM unnest(ARRAY[p_from_user_id, p_to_user_id]) u
                   WHERE u IS NOT NULL ORDER BY u));
    RETURN true;
END;
$$;

-- Why a trade can't go through as its items stand now (read by trade_accept, once before its
-- locks and once under them): NULL when it can; 'not_owner' when an open trade is shown to
-- someone who doesn't own the requested objects although nothing in it changed hands (they
-- just can't accept it); else the failure reason stored with the `failed` trade.
CREATE OR REPLACE FUNCTION trade_stale_reason(
    p_trade_id bigint, p_user_id bigint, p_proposer_id bigint, p_open boolean
) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT CASE
            WHEN count(a.id) < count(*) THEN 'an art object in it no longer exists'
            WHEN bool_or(i.side = 'offered' AND a.owner_id <> p_proposer_id)
                THEN 'the proposer no longer owns every offered art object'
            WHEN NOT bool_or(i.side = 'requested' AND a.owner_id <> p_user_id) THEN NULL
            WHEN p_open AND NOT bool_or(i.side = 'requested' AND a.owner_id <> i.owner_id)
                THEN 'not_owner'
            ELSE 'the requested art objects changed hands'
        END
          FROM trade_items i
          LEFT JOIN art_objects a ON a.id = i.art_object_id
         WHERE i.trade_id = p_trade_id);
END;
$$;

-- Accept a trade (services/trades.accept), whole, in one statement and so one transaction:
-- lock every item in id order, then the trade row (the order of every ownership change, so
-- opposite trades never deadlock), re-check owners, move everything or nothing.
--
-- A first look at the owners, before any lock, finds most stale trades of a contested gallery:
-- an item's committed owner already differs, so the trade fails without waiting for (or taking)
-- the item locks, and only the trade row is locked to record it. Trades that look fine are
-- decided under the locks, as before. (The early verdict is the committed state at that moment:
-- the trade was stale then; waiting for the locks could only have seen an item come back.)
--
-- Returns one row (outcome, failure_reason, trade):
--   'accepted' — everything moved; `trade` is the `trade.updated` payload as the accepter sees it.
--   'failed'   — an item changed hands or is gone: the trade is stored `failed` with
--                `failure_reason` and announced; this is committed (the caller answers 409).
--   'expired'  — its time was up: stored `expired` and announced, committed (the caller: 410).
-- Raises, writing nothing (the service maps each to its ErrorCode):
--   TR001 'trade not found'                        — no such trade, or the user may not see it
--   TR002 'this trade is addressed to someone else'
--   TR003 'you can''t accept your own trade'
--   TR004 'trade is already <status>', DETAIL <status> — not pending
--   TR005 'you don''t own the requested art objects'  — an open trade shown to the wrong person
--         (nothing in it changed hands; else it fails as stale)
CREATE OR REPLACE FUNCTION trade_accept(p_trade_id bigint, p_user_id bigint, p_token_hash bytea)
RETURNS TABLE (outcome text, failure_reason text, trade jsonb)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_proposer bigint;
    v_recipient bigint;
    v_accepted_by bigint;
    v_token_hash bytea;
    v_status text;
    v_expired boolean;
    v_ids bigint[];
    v_locked integer;
    v_reason text;
    v_item record;
    v_data jsonb;
BEGIN
    -- Who may accept never changes (proposer, recipient, token), so this reads without a lock.
    SELECT t.proposer_id, t.recipient_id, t.accepted_by, t.token_hash
      INTO v_proposer, v_recipient, v_accepted_by, v_token_hash
      FROM trades t WHERE t.id = p_trade_id;
    IF NOT FOUND OR NOT (p_user_id = v_proposer
                         OR p_user_id IS NOT DISTINCT FROM v_recipient
                         OR p_user_id IS NOT DISTINCT FROM v_accepted_by
                         OR (p_token_hash IS NOT NULL
                             AND v_token_hash IS NOT DISTINCT FROM p_token_hash)) THEN
        RAISE EXCEPTION 'trade not found' USING ERRCODE = 'TR001';
    END IF;
    IF v_recipient IS NOT NULL AND v_recipient <> p_user_id THEN
        RAISE EXCEPTION 'this trade is addressed to someone else' USING ERRCODE = 'TR002';
    END IF;
    IF v_proposer = p_user_id THEN
        RAISE EXCEPTION 'you can''t accept your own trade' USING ERRCODE = 'TR003';
    END IF;

    v_reason := trade_stale_reason(p_trade_id, p_user_id, v_proposer, v_recipient IS NULL);
    IF v_reason IS NULL OR v_reason = 'not_owner' THEN
        v_reason := NULL;
        SELECT array_agg(i.art_object_id) INTO v_ids FROM trade_items i
         WHERE i.trade_id = p_trade_id;
        SELECT count(*) INTO v_locked
          FROM (SELECT a.id FROM art_objects a WHERE a.id = ANY (v_ids)
                 ORDER BY a.id FOR UPDATE) l;
    END IF;
    -- Then the trade. Every statement of this function takes a new snapshot, so what is read
    -- from here on is current, and what is locked stays so until this transaction ends.
    SELECT t.status, t.status = 'pending' AND t.expires_at <= now() INTO v_status, v_expired
      FROM trades t WHERE t.id = p_trade_id FOR UPDATE;
    IF v_status <> 'pending' THEN
        RAISE EXCEPTION 'trade is already %', v_status USING ERRCODE = 'TR004', DETAIL = v_status;
    END IF;
    IF v_expired THEN
        v_reason := NULL;
        UPDATE trades SET status = 'expired', updated_at = now() WHERE id = p_trade_id;
    ELSE
        IF v_reason IS NULL THEN  -- items locked: the verdict that counts
            v_reason := CASE WHEN v_locked < cardinality(v_ids)
                             THEN 'an art object in it no longer exists'
                             ELSE trade_stale_reason(p_trade_id, p_user_id, v_proposer,
                                                     v_recipient IS NULL) END;
            IF v_reason = 'not_owner' THEN
                RAISE EXCEPTION 'you don''t own the requested art objects' USING ERRCODE = 'TR005';
            END IF;
        END IF;
        IF v_reason IS NOT NULL THEN
            UPDATE trades SET status = 'failed', failure_reason = v_reason, updated_at = now()
             WHERE id = p_trade_id;
        END IF;
    END IF;
    IF v_expired OR v_reason IS NOT NULL THEN
        -- Announced to its parties as anyone sees it (services/trades.announce).
        INSERT INTO events (type, data, audience)
        SELECT 'trade.updated', trade_info_json(t.id, NULL),
               ARRAY(SELECT DISTINCT u FROM unnest(ARRAY[t.proposer_id, t.recipient_id,
                                                         t.accepted_by]) u
                      WHERE u IS NOT NULL ORDER BY u)
          FROM trades t WHERE t.id = p_trade_id;
        RETURN QUERY SELECT CASE WHEN v_expired THEN 'expired' ELSE 'failed' END,
                            v_reason, NULL::jsonb;
        RETURN;
    END IF;

    FOR v_item IN SELECT i.art_object_id, i.side FROM trade_items i
                   WHERE i.trade_id = p_trade_id ORDER BY i.side, i.art_object_id LOOP
        IF NOT art_object_move(
               v_item.art_object_id,
               CASE WHEN v_item.side = 'offered' THEN v_proposer ELSE p_user_id END,
               CASE WHEN v_item.side = 'offered' THEN p_user_id ELSE v_proposer END,
               'trade', p_trade_id, NULL) THEN
            -- Locked above, so this is a bug, never a user error: fail loudly.
            RAISE EXCEPTION 'art object % vanished while its owner changed', v_item.art_object_id;
        END IF;
    END LOOP;
    UPDATE trades SET status = 'accepted', accepted_by = p_user_id, updated_at = now()
     WHERE id = p_trade_id;
    -- accepted_by names the accepter: the proposer's screen shows who took it, live.
    INSERT INTO events (type, data, audience)
    VALUES ('trade.updated', trade_info_json(p_trade_id, p_user_id),
            ARRAY(SELECT DISTINCT u FROM unnest(ARRAY[v_proposer, p_user_id]) u ORDER BY u))
    RETURNING data INTO v_data;
    RETURN QUERY SELECT 'accepted'::text, NULL::text, v_data;
END;
$$;

-- The messenger bot (README "The bot and notifications"): who the bot can write to (a user who
-- started it; `reachable` false after they stopped or blocked it), webhook updates already
-- handled (a redelivery is answered once), the notifier's cursor over `events` (advanced in the
-- transaction that writes the notifications it derived), one notification per (event,
-- recipient), and the kinds each user switched off.
CREATE TABLE IF NOT EXISTS bot_chats (
    messenger        text NOT NULL CHECK (messenger IN ('max', 'telegram')),
    external_id      bigint NOT NULL,
    chat_id          bigint NOT NULL,
    language         text NOT NULL DEFAULT 'ru' CHECK (language IN ('ru', 'en')),
    reachable        boolean NOT NULL DEFAULT true,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (messenger, external_id)
);

CREATE TABLE IF NOT EXISTS bot_updates (
    messenger        text NOT NULL CHECK (messenger IN ('max', 'telegram')),
    update_key       text NOT NULL,
    received_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (messenger, update_key)
);
CREATE INDEX IF NOT EXISTS bot_updates_received_idx ON bot_updates (received_at);

CREATE TABLE IF NOT EXISTS notifier_cursor (
    id               boolean PRIMARY KEY DEFAULT true CHECK (id),
    last_event_id    bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS notifications (
    event_id         bigint NOT NULL,
    user_id          bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind             text NOT NULL,
    args             jsonb NOT NULL,
    status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    reason           text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz,
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX IF NOT EXISTS notifications_due_idx ON notifications (next_attempt_at, event_id)
    WHERE status IN ('pending', 'sending');

CREATE TABLE IF NOT EXISTS notification_settings (
    user_id          bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    disabled_kinds   text[] NOT NULL DEFAULT '{}'
);

-- ---------------------------------------------------------------------------------------------
-- The migration level this file embodies, recorded in yoyo-migrations' own tables (the same DDL
-- yoyo creates, schema version 2), so a database made from this file in any way — `psql -f
-- database.sql`, PostgreSQL's docker-entrypoint-initdb.d, or the runner — is known to be up to
-- date: the runner applies only later migrations to it. Rule (backend/migrations/README.md):
-- every file in backend/migrations/ is listed here, one id (file name without `.sql`) per line;
-- tests/test_migrations.py names any id missing. The hash is yoyo's: sha256 of the id, in hex.
CREATE TABLE IF NOT EXISTS _yoyo_version (
    version          integer NOT NULL PRIMARY KEY,
    installed_at_utc timestamp
);
CREATE TABLE IF NOT EXISTS _yoyo_migration (
    migration_hash   varchar(64) NOT NULL PRIMARY KEY,
    migration_id     varchar(255),
    applied_at_utc   timestamp
);
CREATE TABLE IF NOT EXISTS _yoyo_log (
    id               varchar(36) NOT NULL PRIMARY KEY,
    migration_hash   varchar(64),
    migration_id     varchar(255),
    operation        varchar(10),
    username         varchar(255),
    hostname         varchar(255),
    comment          varchar(255),
    created_at_utc   timestamp
);
INSERT INTO _yoyo_version (version, installed_at_utc)
VALUES (2, now() AT TIME ZONE 'utc') ON CONFLICT DO NOTHING;
WITH embodied (migration_id) AS (
    VALUES
        ('0001.sessions-and-search'),
        ('0002.images'),
        ('0003.events-final-ids'),
        ('0004.thumb-2x'),
        ('0005.gifts-and-requests'),
        ('0006.qr-sign-in-device'),
        ('0007.trade-accept-in-one-statement'),
        ('0009.bot-and-notifications'),
        ('0010.collectors-gallery'),
        ('0012.wake-ups-outside-writes')
), recorded AS (
    INSERT INTO _yoyo_migration (migration_hash, migration_id, applied_at_utc)
    SELECT encode(sha256(convert_to(migration_id, 'UTF8')), 'hex'), migration_id,
           now() AT TIME ZONE 'utc'
      FROM embodied
    ON CONFLICT DO NOTHING
    RETURNING migration_hash, migration_id
)
INSERT INTO _yoyo_log (id, migration_hash, migration_id, operation, username, hostname, comment,
                       created_at_utc)
SELECT gen_random_uuid()::text, migration_hash, migration_id, 'mark', current_user,
       coalesce(inet_server_addr()::text, 'local'), 'recorded by database.sql',
       now() AT TIME ZONE 'utc'
  FROM recorded;
