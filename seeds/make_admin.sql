-- Make a user an admin (or take it back). Admins are made only by SQL: no API writes users.role.
--
--   psql "$DATABASE_URL" -v user_id=42 -f seeds/make_admin.sql
--   psql "$DATABASE_URL" -v messenger=max -v external_id=123456789 -f seeds/make_admin.sql
--   psql "$DATABASE_URL" -v user_id=42 -v role=user -f seeds/make_admin.sql     # revoke
--
-- Variables: user_id, or messenger (max | telegram) + external_id (the messenger's user id);
-- role (default admin). Idempotent: a user who already has the role is left as is.
-- Fails (non-zero exit) when the user does not exist.
\set ON_ERROR_STOP on
\if :{?user_id}
\else
  \set user_id ''
\endif
\if :{?messenger}
\else
  \set messenger ''
\endif
\if :{?external_id}
\else
  \set external_id ''
\endif
\if :{?role}
\else
  \set role admin
\endif

BEGIN;

CREATE TEMP TABLE seed_args ON COMMIT DROP AS
SELECT NULLIF(:'user_id', '')::bigint     AS user_id,
       NULLIF(:'messenger', '')           AS messenger,
       NULLIF(:'external_id', '')::bigint AS external_id,
       :'role'::text                      AS role;

DO $$
DECLARE
    args seed_args;
    target bigint;
    changed boolean;
BEGIN
    SELECT * INTO args FROM seed_args;
    IF args.role NOT IN ('user', 'admin') THEN
        RAISE EXCEPTION 'role must be admin or user, not %', args.role;
    END IF;
    IF args.user_id IS NOT NULL THEN
        SELECT id INTO target FROM users WHERE id = args.user_id FOR UPDATE;
    ELSIF args.messenger IS NOT NULL AND args.external_id IS NOT NULL THEN
        SELECT id INTO target FROM users
         WHERE messenger = args.messenger AND external_id = args.external_id FOR UPDATE;
    ELSE
        RAISE EXCEPTION 'give -v user_id=N, or -v messenger=max|telegram -v external_id=N';
    END IF;
    IF target IS NULL THEN
        RAISE EXCEPTION 'no such user (user_id=%, messenger=%, external_id=%)',
            args.user_id, args.messenger, args.external_id;
    END IF;

    UPDATE users SET role = args.role, updated_at = now()
     WHERE id = target AND role <> args.role;
    changed := FOUND;
    RAISE NOTICE 'user %: role %', target,
        CASE WHEN changed THEN 'set to ' || args.role ELSE 'already ' || args.role END;
END
$$;

SELECT u.id, u.messenger, u.external_id, u.username, u.display_name, u.role
  FROM users u, seed_args a
 WHERE u.id = a.user_id OR (u.messenger = a.messenger AND u.external_id = a.external_id);

COMMIT;
