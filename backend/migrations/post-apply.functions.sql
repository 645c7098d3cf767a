-- Max Photo Gallery: every database function and the triggers that run them — their one home.
--
-- Applied after the migrations by every `python -m app migrate` whose run applied a migration or
-- finds this file changed since it was last applied (its sha256 is kept in _post_apply; under the
-- migrator's advisory lock), and by yoyo itself after it applies migrations (a `post-apply` file).
-- database.sql includes it (`\ir`), so `psql -f database.sql` gives the same functions.
-- So a function changes by one edit here: no migration, no copy. Only CREATE OR REPLACE
-- (idempotent). A change CREATE OR REPLACE cannot make (another return type or argument list, a
-- function dropped) needs a migration that drops the old one first; this file then creates the
-- new one after it. LANGUAGE sql bodies are checked when created, so this file runs after the
-- tables exist (database.sql includes it after them).

-- People search: the one expression both users_search_idx and repositories/users.search use
-- (database.sql, where the index is).
CREATE OR REPLACE FUNCTION user_search_vector(display_name text, username text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_tsvector('simple', translate(lower(display_name || ' ' || coalesce(username, '')), 'ё', 'е'))
$$;

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
