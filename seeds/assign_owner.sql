-- Change the owner of an art object by admin decision (support cases, recovered accounts).
--
--   psql "$DATABASE_URL" -v object_id=17 -v user_id=42 -f seeds/assign_owner.sql
--   psql "$DATABASE_URL" -v object_id=17 -v messenger=telegram -v external_id=987654321 \
--        -f seeds/assign_owner.sql
--
-- Variables: object_id (the art object's id, as in /api/photos/{id}); the new owner as user_id,
-- or messenger (max | telegram) + external_id.
--
-- One transaction, the art object's row locked FOR UPDATE (no trade or transfer can move it
-- meanwhile): sets owner_id, appends an `admin` ownership_history row (from_user = previous
-- owner, so the current owner still equals the last history row), cancels the object's pending
-- claim codes (the previous owner's QR must not give away the new owner's object), and writes a
-- public `ownership.changed` event. Open trades that include the object fail when someone tries
-- to accept them, as after any change of owner.
-- Idempotent: when the user already owns the object nothing is written.
\set ON_ERROR_STOP on
-- A missing required variable stops it at once, naming the variable (not a psql syntax error).
\set VERBOSITY terse
\if :{?object_id}
\else
  DO $$ BEGIN RAISE EXCEPTION 'missing variable object_id: add -v object_id=<art object id> (seeds/README.md)'; END $$;
\endif
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

BEGIN;

CREATE TEMP TABLE seed_args ON COMMIT DROP AS
SELECT :'object_id'::bigint               AS object_id,
       NULLIF(:'user_id', '')::bigint     AS user_id,
       NULLIF(:'messenger', '')           AS messenger,
       NULLIF(:'external_id', '')::bigint AS external_id;

DO $$
DECLARE
    args seed_args;
    new_owner bigint;
    previous bigint;
    cancelled record;
BEGIN
    SELECT * INTO args FROM seed_args;
    IF args.user_id IS NOT NULL THEN
        SELECT id INTO new_owner FROM users WHERE id = args.user_id;
    ELSIF args.messenger IS NOT NULL AND args.external_id IS NOT NULL THEN
        SELECT id INTO new_owner FROM users
         WHERE messenger = args.messenger AND external_id = args.external_id;
    ELSE
        RAISE EXCEPTION 'give the new owner: -v user_id=N, or -v messenger=max|telegram -v external_id=N';
    END IF;
    IF new_owner IS NULL THEN
        RAISE EXCEPTION 'no such user (user_id=%, messenger=%, external_id=%)',
            args.user_id, args.messenger, args.external_id;
    END IF;

    SELECT owner_id INTO previous FROM art_objects WHERE id = args.object_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no art object with id %', args.object_id;
    END IF;
    IF previous = new_owner THEN
        RAISE NOTICE 'art object % already belongs to user %: nothing to do',
            args.object_id, new_owner;
        RETURN;
    END IF;

    UPDATE art_objects SET owner_id = new_owner, updated_at = now() WHERE id = args.object_id;
    INSERT INTO ownership_history (art_object_id, from_user_id, to_user_id, reason)
    VALUES (args.object_id, previous, new_owner, 'admin');

    FOR cancelled IN
        UPDATE transfers SET status = 'cancelled'
         WHERE art_object_id = args.object_id AND status = 'pending'
        RETURNING id, from_user_id
    LOOP
        INSERT INTO events (type, data, audience)
        VALUES ('transfer.updated',
                jsonb_build_object('id', cancelled.id, 'status', 'cancelled'),
                ARRAY[cancelled.from_user_id]);
        RAISE NOTICE 'cancelled pending transfer % of the previous owner', cancelled.id;
    END LOOP;

    -- OwnershipChanged (backend/app/schemas/events.py), as services/provenance.py publishes it.
    INSERT INTO events (type, data, audience, subjects)
    VALUES ('ownership.changed',
            jsonb_build_object('photo_id', args.object_id, 'from_user_id', previous,
                               'to_user_id', new_owner, 'reason', 'admin',
                               'trade_id', NULL, 'transfer_id', NULL),
            NULL, ARRAY[previous, new_owner]);
    RAISE NOTICE 'art object %: owner % -> %', args.object_id, previous, new_owner;
END
$$;

SELECT a.id AS object_id, a.title, a.owner_id,
       (SELECT h.to_user_id FROM ownership_history h
         WHERE h.art_object_id = a.id ORDER BY h.id DESC LIMIT 1) AS last_history_to_user
  FROM art_objects a JOIN seed_args s ON a.id = s.object_id;

COMMIT;
