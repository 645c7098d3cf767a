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

-- Event payloads built in SQL carry the mint number (PhotoSummary) and the note (Transfer);
-- a moved object leaves its showcase (art_object_move).
-- (Issue 24: the functions this migration once created here live in one file,
-- backend/migrations/post-apply.functions.sql, which the migrator applies after the migrations:
-- it was a copy of database.sql, and every later change of a function had to be copied again.)
