-- A collector's gallery (issue 20): mint numbers, gift notes, the showcase, near-duplicate
-- hashes, HEIC/HEIF/AVIF originals. database.sql holds the same result.

-- Mint numbers: existing objects are numbered in id order (the order they were minted), then
-- the sequence continues after the last one.
CREATE SEQUENCE IF NOT EXISTS art_objects_mint_number_seq AS bigint;
ALTER TABLE art_objects ADD COLUMN mint_number bigint;
UPDATE art_objects a SET mint_number = n.rn
  FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM art_objects) n
 WHERE n.id = a.id;
SELECT setval('art_objects_mint_number_seq', coalesce(max(mint_number), 0) + 1, false)
  FROM art_objects;
ALTER TABLE art_objects
    ALTER COLUMN mint_number SET DEFAULT nextval('art_objects_mint_number_seq'),
    ALTER COLUMN mint_number SET NOT NULL,
    ADD CONSTRAINT art_objects_mint_number_uq UNIQUE (mint_number),
    ADD COLUMN profile_hidden boolean NOT NULL DEFAULT false;
ALTER SEQUENCE art_objects_mint_number_seq OWNED BY art_objects.mint_number;

ALTER TABLE transfers
    ADD COLUMN note text NOT NULL DEFAULT '' CHECK (length(note) <= 280),
    ADD COLUMN note_hidden boolean NOT NULL DEFAULT false;

CREATE TABLE IF NOT EXISTS showcase_pins (
    user_id          bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    art_object_id    bigint NOT NULL REFERENCES art_objects (id) ON DELETE CASCADE,
    position         smallint NOT NULL CHECK (position BETWEEN 0 AND 5),
    PRIMARY KEY (user_id, art_object_id),
    CONSTRAINT showcase_pins_position_uq UNIQUE (user_id, position)
);
CREATE INDEX IF NOT EXISTS showcase_pins_object_idx ON showcase_pins (art_object_id);

-- Images minted before this have no hashes: they are found by content hash only (exact copies).
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

ALTER TABLE images DROP CONSTRAINT images_mime_check;
ALTER TABLE images ADD CONSTRAINT images_mime_check
    CHECK (mime IN ('image/jpeg', 'image/png', 'image/gif', 'image/webp',
                    'image/heic', 'image/heif', 'image/avif'));

-- Event payloads built in SQL carry the mint number (PhotoSummary) and the note (Transfer).
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
