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
    -- query is matched against either (see repositories/photos.py).
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

-- The id and wake-up triggers: backend/migrations/post-apply.functions.sql.

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
-- Every function and trigger, from their one file (core/migrations.py re-applies it after
-- migrations). `\ir` is psql's include, relative to this file; the migrator and the tests expand it
-- the same way (app.core.migrations.schema_sql).
\ir backend/migrations/post-apply.functions.sql

-- People search (GET /api/users?q=): every query word is a prefix of a word of the display name
-- or username. A 'simple' (no stemming: names are not words) tsvector over both, lower-cased with
-- ё folded to е, served by a GIN index: prefix queries ('ann':*) use it, words anywhere in the
-- name match ("pet" finds "Anna Petrova"), Cyrillic works, and it needs no extension (pg_trgm is
-- not in every PostgreSQL build, e.g. the embedded one the run command uses). A btree with
-- text_pattern_ops would serve only a prefix of the whole name. The function (user_search_vector,
-- with the others) is the one expression both the index and repositories/users.search use.
CREATE INDEX IF NOT EXISTS users_search_idx
    ON users USING gin (user_search_vector(display_name, username));

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
