-- Harassment guards: returnable direct gifts, blocked senders, profile-request notice cooldown.

ALTER TABLE transfers ADD COLUMN IF NOT EXISTS returned_at timestamptz;

CREATE TABLE IF NOT EXISTS profile_request_notices (
    requester_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    target_id        bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    notified_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (requester_id, target_id)
);

CREATE TABLE IF NOT EXISTS user_blocks (
    blocker_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (blocker_id, blocked_id),
    CONSTRAINT user_blocks_not_self CHECK (blocker_id <> blocked_id)
);
