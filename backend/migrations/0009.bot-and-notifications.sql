-- The messenger bot (issue 18): who the bot can write to, webhook updates already handled, and
-- the notifier's cursor over `events`, its one row per (event, recipient) and per-user settings.

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
