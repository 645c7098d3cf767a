-- Create messenger users ahead of their first sign-in (e.g. to mint objects for them).
--
--   psql "$DATABASE_URL" -v messenger=max -v external_id=123456789 -v display_name='Anna K.' \
--        -f seeds/create_users.sql
--   psql "$DATABASE_URL" -v csv=users.csv -f seeds/create_users.sql
--
-- One user from variables: messenger (max | telegram), external_id (the messenger's numeric
-- user id), display_name, optional avatar_url. Or many from a CSV file with the header
--   messenger,external_id,display_name,avatar_url
-- (avatar_url may be empty). When the person signs in later with that messenger account, the
-- backend finds this row by (messenger, external_id) and updates the profile from initData.
--
-- Idempotent: ON CONFLICT (messenger, external_id) DO NOTHING — a user that exists is left
-- untouched (a name they changed since is kept). Prints every listed user with its id.
\set ON_ERROR_STOP on
-- A missing required variable stops it at once, naming the variable (not a psql syntax error).
\set VERBOSITY terse

BEGIN;

CREATE TEMP TABLE seed_users (
    ord          bigint GENERATED ALWAYS AS IDENTITY,
    messenger    text,
    external_id  bigint,
    display_name text,
    avatar_url   text
) ON COMMIT DROP;

\if :{?csv}
  \set copy_cmd '\\copy seed_users (messenger, external_id, display_name, avatar_url) FROM ' :'csv' ' WITH (FORMAT csv, HEADER true)'
  :copy_cmd
\else
  \if :{?messenger}
  \else
    DO $$ BEGIN RAISE EXCEPTION 'missing variable messenger: add -v messenger=max|telegram (or -v csv=FILE; seeds/README.md)'; END $$;
  \endif
  \if :{?external_id}
  \else
    DO $$ BEGIN RAISE EXCEPTION 'missing variable external_id: add -v external_id=<messenger user id> (or -v csv=FILE; seeds/README.md)'; END $$;
  \endif
  \if :{?display_name}
  \else
    DO $$ BEGIN RAISE EXCEPTION 'missing variable display_name: add -v display_name='Anna K.' (or -v csv=FILE; seeds/README.md)'; END $$;
  \endif
  \if :{?avatar_url}
  \else
    \set avatar_url ''
  \endif
  INSERT INTO seed_users (messenger, external_id, display_name, avatar_url)
  VALUES (:'messenger', :'external_id', :'display_name', :'avatar_url');
\endif

WITH created AS (
    INSERT INTO users (messenger, external_id, display_name, avatar_url)
    SELECT DISTINCT ON (messenger, external_id)
           messenger, external_id, display_name, NULLIF(avatar_url, '')
      FROM seed_users
     ORDER BY messenger, external_id, ord
    ON CONFLICT (messenger, external_id) WHERE messenger IS NOT NULL DO NOTHING
    RETURNING id
)
SELECT count(*) AS created FROM created;

SELECT u.id, u.messenger, u.external_id, u.display_name, u.role
  FROM seed_users s
  JOIN users u ON u.messenger = s.messenger AND u.external_id = s.external_id
 ORDER BY s.ord;

COMMIT;
