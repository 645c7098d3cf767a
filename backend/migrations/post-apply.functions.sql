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

-- ---------------------------------------------------------------------------------------------
-- Trades and transfers: their rules and their payloads, written once, here (README
-- "Architecture", "One home for each rule"). An accept is one statement (issue 15.5: at most 3
-- round trips, its events written in the same transaction), so what it needs lives in SQL, and
-- Python calls the same functions to read, so there is no second copy to keep equal:
--   who may see / accept a trade      trade_refusal, trade_cannot_accept (the screen's verdict)
--   when it is stale, and the words   trade_stale_reason, trade_failure_reason
--   when a trade or code is past due  past_due, shown_status
--   who may see a collection          collection_visible
--   the payloads                      user_summary_json, photo_summary_json, trade_info_json,
--                                     trade_json (with the viewer's verdict), transfer_view_json
--   what happens                      trade_accept, trade_close (decline / cancel), trade_announce,
--                                     trades_fail_with_object, claim_codes_cancel, art_object_move
-- A refusal (nothing written) is raised as SQLSTATE GR001 with the ErrorCode's value as its
-- message and the code's fields as JSON in its detail (refuse(); repositories/trades.py turns it
-- into the AppError). tests/test_trade_accept_sql.py checks the payloads against the models.

-- A timestamp as pydantic writes one in JSON: UTC with `Z`, the fraction only when not zero.
CREATE OR REPLACE FUNCTION json_time(t timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
           || CASE WHEN extract(microseconds FROM t)::bigint % 1000000 = 0 THEN ''
                   ELSE to_char(t AT TIME ZONE 'UTC', '.US') END
           || 'Z'
$$;

-- Refuse the request, writing nothing: the caller's ErrorCode and its message's fields.
CREATE OR REPLACE FUNCTION refuse(p_code text, p_fields jsonb DEFAULT '{}') RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'GR001', MESSAGE = p_code, DETAIL = p_fields::text;
END;
$$;

-- A pending trade or claim code whose time is up. Reads show it `expired` at once, whether or
-- not the sweep (services/expiry.py) has stored that yet. Inlined by the planner, so the
-- partial indexes on status = 'pending' still serve it.
CREATE OR REPLACE FUNCTION past_due(p_status text, p_expires_at timestamptz) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT p_status = 'pending' AND p_expires_at <= now()
$$;
CREATE OR REPLACE FUNCTION shown_status(p_status text, p_expires_at timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN past_due(p_status, p_expires_at) THEN 'expired' ELSE p_status END
$$;

-- Who may see a collection: its owner, everyone when it is public, and the viewers whose
-- profile request the private owner accepted. NULL (not false) for an anonymous viewer of a
-- private owner; a WHERE treats both alike. The payloads here and every listing use it
-- (repositories/visibility.py); tests/test_visibility.py checks its truth table. No subquery in
-- its body, so the planner inlines it into a listing's WHERE: a public owner's rows never call
-- collection_shared, and the filter costs what the same expression written out would.
CREATE OR REPLACE FUNCTION collection_shared(p_owner_id bigint, p_viewer bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM profile_requests r
                    WHERE r.requester_id = p_viewer AND r.target_id = p_owner_id
                      AND r.status = 'accepted')
$$;
CREATE OR REPLACE FUNCTION collection_visible(p_owner users, p_viewer bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT NOT p_owner.is_private OR p_owner.id = p_viewer
           OR collection_shared(p_owner.id, p_viewer)
$$;

-- A UserSummary (schemas/users.py); NULL for no user (the NULL row of an outer join).
CREATE OR REPLACE FUNCTION user_summary_json(u users) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN u.id IS NOT NULL THEN
        jsonb_build_object('id', u.id, 'display_name', u.display_name, 'avatar_url', u.avatar_url)
    END
$$;

-- A PhotoSummary (schemas/photos.py) of an object, its image and (where its name is shown, as
-- in a trade) its owner.
CREATE OR REPLACE FUNCTION photo_summary_json(a art_objects, img images, p_owner jsonb)
RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', a.id, 'title', a.title, 'mint_number', a.mint_number,
        'thumb_url', '/' || img.thumb_key,
        'thumb_2x_url', '/' || coalesce(img.thumb_2x_key, img.preview_key),
        'placeholder', img.placeholder, 'dominant_color', img.dominant_color,
        'owner_id', a.owner_id, 'owner', p_owner)
$$;

-- The `trade.updated` payload (schemas TradeInfo) as `p_viewer_id` sees the trade (NULL:
-- anonymous): an item is shown when it is the proposer's own offer (proposing is showing it)
-- or its owner's collection is visible to the viewer.
CREATE OR REPLACE FUNCTION trade_info_json(p_trade_id bigint, p_viewer_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT jsonb_build_object(
            'id', t.id,
            'proposer', user_summary_json(pu),
            'recipient', user_summary_json(ru),
            'status', shown_status(t.status, t.expires_at),
            'message', t.message,
            'offered', coalesce(s.offered, '[]'::jsonb),
            'requested', coalesce(s.requested, '[]'::jsonb),
            'token', NULL, 'deep_link', NULL, 'deep_links', NULL,
            'failure_reason', t.failure_reason,
            'accepted_by', user_summary_json(au),
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
              FROM (SELECT i.side, a.id, photo_summary_json(a, img, user_summary_json(ou)) AS photo
                      FROM trade_items i
                      JOIN art_objects a ON a.id = i.art_object_id
                      JOIN users ou ON ou.id = a.owner_id
                      JOIN images img ON img.id = a.image_id
                     WHERE i.trade_id = t.id
                       AND ((i.side = 'offered' AND a.owner_id = t.proposer_id)
                            OR collection_visible(ou, p_viewer_id))) p) s
         WHERE t.id = p_trade_id);
END;
$$;

-- Why `p_viewer` may not accept the trade `t` whose status is `p_status` (its stored status
-- for an accept, which stores an expiry itself; the shown one for the screen), as the ErrorCode:
-- not to be seen at all (neither a party nor holding its token: the same answer as a missing
-- trade), signed out, no longer pending, addressed to someone else, their own. NULL: they may,
-- as far as the people go (the items: trade_stale_reason).
CREATE OR REPLACE FUNCTION trade_refusal(
    t trades, p_status text, p_viewer bigint, p_token_hash bytea
) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN NOT (coalesce(p_viewer IN (t.proposer_id, t.recipient_id, t.accepted_by), false)
                  OR coalesce(t.token_hash = p_token_hash, false)) THEN 'trade_not_found'
        WHEN p_viewer IS NULL THEN 'not_authenticated'
        WHEN p_status <> 'pending' THEN 'trade_not_pending'
        WHEN t.recipient_id <> p_viewer THEN 'trade_addressed_to_other'
        WHEN t.proposer_id = p_viewer THEN 'own_trade'
    END
$$;

-- Raise trade_refusal's verdict for an accept of `t` (as stored), if there is one.
CREATE OR REPLACE FUNCTION trade_check(t trades, p_viewer bigint, p_token_hash bytea)
RETURNS void
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_code text := trade_refusal(t, t.status, p_viewer, p_token_hash);
BEGIN
    IF v_code IS NOT NULL THEN
        PERFORM refuse(v_code, CASE WHEN v_code = 'trade_not_pending'
                                    THEN jsonb_build_object('status', t.status)
                                    ELSE '{}' END);
    END IF;
END;
$$;

-- Whether the trade can go through as its items stand now, for `p_user_id` accepting it: NULL
-- when it can; 'not_owner' when an open trade is shown to someone who doesn't own the requested
-- objects although nothing in it changed hands (they just can't accept it); else why it is
-- stale, a kind trade_failure_reason words: 'gone', 'offered_moved', 'requested_moved'.
CREATE OR REPLACE FUNCTION trade_stale_reason(
    p_trade_id bigint, p_user_id bigint, p_proposer_id bigint, p_open boolean
) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT CASE
            WHEN count(a.id) < count(*) THEN 'gone'
            WHEN bool_or(i.side = 'offered' AND a.owner_id <> p_proposer_id) THEN 'offered_moved'
            WHEN NOT coalesce(bool_or(i.side = 'requested' AND a.owner_id IS DISTINCT FROM p_user_id),
                              false) THEN NULL
            WHEN p_open AND NOT bool_or(i.side = 'requested' AND a.owner_id <> i.owner_id)
                THEN 'not_owner'
            ELSE 'requested_moved'
        END
          FROM trade_items i
          LEFT JOIN art_objects a ON a.id = i.art_object_id
         WHERE i.trade_id = p_trade_id);
END;
$$;

-- The words stored with a `failed` trade (Trade.failure_reason, the 409's failure_reason).
CREATE OR REPLACE FUNCTION trade_failure_reason(p_kind text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_kind
        WHEN 'gone' THEN 'an art object in it was deleted'
        WHEN 'offered_moved' THEN 'the proposer no longer owns every offered art object'
        WHEN 'requested_moved' THEN 'the requested art objects changed hands'
    END
$$;

-- Why this viewer can't accept the trade now (Trade.cannot_accept_reason), from the same rules
-- an accept applies, so the screen offers Accept only when it would go through as far as the
-- people and the requested objects go.
CREATE OR REPLACE FUNCTION trade_cannot_accept(t trades, p_viewer bigint, p_token_hash bytea)
RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        trade_refusal(t, shown_status(t.status, t.expires_at), p_viewer, p_token_hash),
        CASE WHEN trade_stale_reason(t.id, p_viewer, t.proposer_id, t.recipient_id IS NULL)
                  IN ('not_owner', 'requested_moved') THEN 'not_owner_of_requested' END)
$$;

-- The trade as `p_viewer_id` reads it (schemas Trade, without the stories and the token the
-- service adds): NULL when there is no such trade or they may not see it (trade_refusal).
CREATE OR REPLACE FUNCTION trade_json(p_trade_id bigint, p_viewer_id bigint, p_token_hash bytea)
RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT trade_info_json(t.id, p_viewer_id)
           || jsonb_build_object('viewer_can_accept', v.reason IS NULL,
                                 'cannot_accept_reason', v.reason)
      FROM trades t
     CROSS JOIN LATERAL (SELECT trade_cannot_accept(t, p_viewer_id, p_token_hash) AS reason) v
     WHERE t.id = p_trade_id AND v.reason IS DISTINCT FROM 'trade_not_found'
$$;

-- `trade.updated` to the trade's parties (proposer, recipient, acceptor), the trade as
-- `p_viewer_id` sees it (the one who acted; NULL for a change nobody made: failure, expiry).
-- Returns the payload.
CREATE OR REPLACE FUNCTION trade_announce(p_trade_id bigint, p_viewer_id bigint DEFAULT NULL)
RETURNS jsonb
LANGUAGE sql AS $$
    INSERT INTO events (type, data, audience)
    SELECT 'trade.updated', trade_info_json(t.id, p_viewer_id),
           ARRAY(SELECT DISTINCT u FROM unnest(ARRAY[t.proposer_id, t.recipient_id, t.accepted_by]) u
                  WHERE u IS NOT NULL ORDER BY u)
      FROM trades t WHERE t.id = p_trade_id
    RETURNING data
$$;

-- The `transfer.updated` payload (schemas Transfer), never its claim code or links; with
-- `p_check`, the object only when `p_viewer` may see it as it is now (its current owner may be
-- neither party by now, and private: issue 19, N5); without, always (an event's payload, for
-- its parties at the moment of the change).
CREATE OR REPLACE FUNCTION transfer_view_json(
    p_transfer_id bigint, p_viewer bigint, p_check boolean
) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT jsonb_build_object(
            'id', t.id,
            'photo', CASE WHEN NOT p_check OR coalesce(collection_visible(o, p_viewer), false)
                          THEN photo_summary_json(a, img, NULL) END,
            'from_user', user_summary_json(fu),
            'to_user', user_summary_json(tu),
            'status', shown_status(t.status, t.expires_at),
            'claim_token', NULL, 'deep_link', NULL, 'deep_links', NULL,
            'expires_at', json_time(t.expires_at),
            'created_at', json_time(t.created_at),
            'completed_at', json_time(t.completed_at),
            'returned_at', json_time(t.returned_at),
            'note', t.note, 'note_hidden', t.note_hidden)
          FROM transfers t
          JOIN art_objects a ON a.id = t.art_object_id
          JOIN images img ON img.id = a.image_id
          JOIN users o ON o.id = a.owner_id
          JOIN users fu ON fu.id = t.from_user_id
          LEFT JOIN users tu ON tu.id = t.to_user_id
         WHERE t.id = p_transfer_id);
END;
$$;
CREATE OR REPLACE FUNCTION transfer_json(p_transfer_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT transfer_view_json(p_transfer_id, NULL, false)
$$;

-- An object's live claim code dies (it changed hands or gets a new code; at most one is live:
-- transfers_one_pending_per_object): stored `cancelled`, or `expired` when its time was up
-- already (not swept yet); its giver hears (`transfer.updated`). Returns how many died.
CREATE OR REPLACE FUNCTION claim_codes_cancel(p_art_object_id bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    v_code_id bigint;
    v_giver bigint;
BEGIN
    UPDATE transfers t
       SET status = CASE WHEN past_due(t.status, t.expires_at) THEN 'expired' ELSE 'cancelled' END
     WHERE t.art_object_id = p_art_object_id AND t.status = 'pending'
    RETURNING t.id, t.from_user_id INTO v_code_id, v_giver;
    IF v_code_id IS NULL THEN
        RETURN 0;
    END IF;
    -- A new statement, so its snapshot sees the update.
    INSERT INTO events (type, data, audience)
    VALUES ('transfer.updated', transfer_json(v_code_id), ARRAY[v_giver]);
    RETURN 1;
END;
$$;

-- The one way an art object changes owner (services/provenance.move calls it; so does
-- trade_accept): set the owner, append provenance, cancel its live claim code, announce
-- `ownership.changed` to the two parties' audience. The caller holds the object's row lock.
-- False when no such object exists.
CREATE OR REPLACE FUNCTION art_object_move(
    p_art_object_id bigint, p_from_user_id bigint, p_to_user_id bigint, p_reason text,
    p_trade_id bigint, p_transfer_id bigint
) RETURNS boolean
LANGUAGE plpgsql AS $$
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
    PERFORM claim_codes_cancel(p_art_object_id);
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

-- Accept a trade (services/trades.accept), whole, in one statement and so one transaction:
-- lock every item in id order, then the trade row (the order of every ownership change, so
-- opposite trades never deadlock), re-check, move everything or nothing.
--
-- A first look at the owners, before any lock, finds most stale trades of a contested gallery:
-- an item's committed owner already differs, so the trade fails without waiting for (or taking)
-- the item locks, and only the trade row is locked to record it. Trades that look fine are
-- decided under the locks. (The early verdict is the committed state at that moment: the trade
-- was stale then; waiting for the locks could only have seen an item come back.)
--
-- Returns one row (outcome, failure_reason, trade), committed:
--   'accepted' — everything moved; `trade`: the trade as the accepter reads it (trade_json).
--   'failed'   — an item changed hands or is gone: stored `failed` with `failure_reason`, and
--                announced (the caller answers 409).
--   'expired'  — its time was up: stored `expired` and announced (the caller: 410).
-- Refuses (refuse(), writing nothing) by trade_refusal, and with not_owner_of_requested when an
-- open trade is shown to someone who doesn't own what it asks for (nothing in it changed hands).
CREATE OR REPLACE FUNCTION trade_accept(p_trade_id bigint, p_user_id bigint, p_token_hash bytea)
RETURNS TABLE (outcome text, failure_reason text, trade jsonb)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_trade trades;
    v_ids bigint[];
    v_locked integer;
    v_reason text;
    v_item record;
BEGIN
    -- Who may accept: proposer, recipient and token never change, so a first look needs no
    -- lock; the status is looked at again under it.
    SELECT * INTO v_trade FROM trades t WHERE t.id = p_trade_id;
    PERFORM trade_check(v_trade, p_user_id, p_token_hash);

    v_reason := trade_stale_reason(p_trade_id, p_user_id, v_trade.proposer_id,
                                   v_trade.recipient_id IS NULL);
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
    SELECT * INTO v_trade FROM trades t WHERE t.id = p_trade_id FOR UPDATE;
    PERFORM trade_check(v_trade, p_user_id, p_token_hash);
    IF past_due(v_trade.status, v_trade.expires_at) THEN
        UPDATE trades SET status = 'expired', updated_at = now() WHERE id = p_trade_id;
        PERFORM trade_announce(p_trade_id);
        RETURN QUERY SELECT 'expired'::text, NULL::text, NULL::jsonb;
        RETURN;
    END IF;
    IF v_reason IS NULL THEN  -- items locked: the verdict that counts
        v_reason := CASE WHEN v_locked < cardinality(v_ids) THEN 'gone'
                         ELSE trade_stale_reason(p_trade_id, p_user_id, v_trade.proposer_id,
                                                 v_trade.recipient_id IS NULL) END;
        IF v_reason = 'not_owner' THEN
            PERFORM refuse('not_owner_of_requested');
        END IF;
    END IF;
    IF v_reason IS NOT NULL THEN
        UPDATE trades SET status = 'failed', failure_reason = trade_failure_reason(v_reason),
                          updated_at = now()
         WHERE id = p_trade_id;
        PERFORM trade_announce(p_trade_id);
        RETURN QUERY SELECT 'failed'::text, trade_failure_reason(v_reason), NULL::jsonb;
        RETURN;
    END IF;

    FOR v_item IN SELECT i.art_object_id, i.side FROM trade_items i
                   WHERE i.trade_id = p_trade_id ORDER BY i.side, i.art_object_id LOOP
        IF NOT art_object_move(
               v_item.art_object_id,
               CASE WHEN v_item.side = 'offered' THEN v_trade.proposer_id ELSE p_user_id END,
               CASE WHEN v_item.side = 'offered' THEN p_user_id ELSE v_trade.proposer_id END,
               'trade', p_trade_id, NULL) THEN
            -- Locked above, so this is a bug, never a user error: fail loudly.
            RAISE EXCEPTION 'art object % vanished while its owner changed', v_item.art_object_id;
        END IF;
    END LOOP;
    UPDATE trades SET status = 'accepted', accepted_by = p_user_id, updated_at = now()
     WHERE id = p_trade_id;
    -- accepted_by names the accepter: the proposer's screen shows who took it, live.
    PERFORM trade_announce(p_trade_id, p_user_id);
    RETURN QUERY SELECT 'accepted'::text, NULL::text, trade_json(p_trade_id, p_user_id, NULL);
END;
$$;

-- Decline (its recipient: p_status 'declined') or cancel (its proposer: 'cancelled') a pending
-- trade, in one statement like an accept: lock it, check who asks, store and announce. Returns
-- (outcome, trade): the new status and the trade as the one who acted reads it, or 'expired'
-- (its time was up: stored so and announced; the caller answers 410). Refuses (refuse()) with
-- trade_not_found (not a party), trade_wrong_party, trade_not_pending.
CREATE OR REPLACE FUNCTION trade_close(p_trade_id bigint, p_user_id bigint, p_status text)
RETURNS TABLE (outcome text, trade jsonb)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_trade trades;
    v_decline boolean := p_status = 'declined';
BEGIN
    SELECT * INTO v_trade FROM trades t WHERE t.id = p_trade_id FOR UPDATE;
    IF NOT coalesce(p_user_id IN (v_trade.proposer_id, v_trade.recipient_id), false) THEN
        PERFORM refuse('trade_not_found');
    END IF;
    IF p_user_id IS DISTINCT FROM
           (CASE WHEN v_decline THEN v_trade.recipient_id ELSE v_trade.proposer_id END) THEN
        PERFORM refuse('trade_wrong_party', jsonb_build_object(
            'party', CASE WHEN v_decline THEN 'recipient' ELSE 'proposer' END,
            'action', CASE WHEN v_decline THEN 'decline' ELSE 'cancel' END));
    END IF;
    IF v_trade.status <> 'pending' THEN
        PERFORM refuse('trade_not_pending', jsonb_build_object('status', v_trade.status));
    END IF;
    IF past_due(v_trade.status, v_trade.expires_at) THEN
        UPDATE trades SET status = 'expired', updated_at = now() WHERE id = p_trade_id;
        PERFORM trade_announce(p_trade_id);
        RETURN QUERY SELECT 'expired'::text, NULL::jsonb;
        RETURN;
    END IF;
    UPDATE trades SET status = p_status, updated_at = now() WHERE id = p_trade_id;
    PERFORM trade_announce(p_trade_id, p_user_id);
    RETURN QUERY SELECT p_status, trade_json(p_trade_id, p_user_id, NULL);
END;
$$;

-- Every pending trade that includes the object becomes `failed` (it is being deleted: 'gone'),
-- announced. The caller holds the object's row lock; the trades are locked in id order (object,
-- then trade: the order of an accept). Returns how many.
CREATE OR REPLACE FUNCTION trades_fail_with_object(p_art_object_id bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
    v_count integer := 0;
BEGIN
    FOR v_id IN SELECT t.id FROM trades t
                 WHERE t.status = 'pending'
                   AND EXISTS (SELECT 1 FROM trade_items i
                                WHERE i.trade_id = t.id AND i.art_object_id = p_art_object_id)
                 ORDER BY t.id FOR UPDATE OF t LOOP
        UPDATE trades SET status = 'failed', failure_reason = trade_failure_reason('gone'),
                          updated_at = now()
         WHERE id = v_id;
        PERFORM trade_announce(v_id);
        v_count := v_count + 1;
    END LOOP;
    RETURN v_count;
END;
$$;
