-- Schema changes that went into database.sql after 28ff6ad, before migrations existed: people
-- search, the accepted-trades index, session proof (auth_method/auth_time) and sealed refresh
-- successors. IF NOT EXISTS throughout: databases made by any database.sql of that period have
-- some of these already.

CREATE OR REPLACE FUNCTION user_search_vector(display_name text, username text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_tsvector('simple', translate(lower(display_name || ' ' || coalesce(username, '')), 'ё', 'е'))
$$;
CREATE INDEX IF NOT EXISTS users_search_idx
    ON users USING gin (user_search_vector(display_name, username));

CREATE INDEX IF NOT EXISTS trades_accepted_by_idx ON trades (accepted_by, id DESC)
    WHERE accepted_by IS NOT NULL;

-- Sessions that existed before: how they signed in is unknown, and they get no "recent proof"
-- (auth_time -infinity), so a sensitive change asks them to prove it again.
ALTER TABLE refresh_token_families
    ADD COLUMN IF NOT EXISTS auth_method text NOT NULL DEFAULT 'password'
        CHECK (auth_method IN ('password', 'messenger', 'qr')),
    ADD COLUMN IF NOT EXISTS auth_time timestamptz NOT NULL DEFAULT '-infinity';
ALTER TABLE refresh_token_families ALTER COLUMN auth_time SET DEFAULT now();
CREATE INDEX IF NOT EXISTS refresh_token_families_user_idx ON refresh_token_families (user_id);

ALTER TABLE refresh_tokens
    ADD COLUMN IF NOT EXISTS successor_id bigint REFERENCES refresh_tokens (id) ON DELETE SET NULL,
    ADD COLUMN IF NOT EXISTS successor_sealed bytea;
