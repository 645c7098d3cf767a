-- Mint art objects for image files an admin has already placed in the uploads volume.
--
--   psql "$DATABASE_URL" -f seeds/mint_objects.sql \
--        -v owner_id=42 -v title='Sunset over Neva' -v description='' \
--        -v content_hash=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 \
--        -v mime=image/jpeg -v width=4000 -v height=3000 -v bytes=2480133 \
--        -v original_key=originals/9f/Xk2p9s0aQ1.jpg \
--        -v thumb_key=media/9f/aT7uQ2LrZb.webp -v preview_key=media/9f/Jd81mN0cVe.webp
--   psql "$DATABASE_URL" -v csv=objects.csv -f seeds/mint_objects.sql
--
-- The admin provides, per object: content_hash (sha256 of the original's bytes, 64 hex
-- digits: `sha256sum FILE`), mime (image/jpeg | image/png | image/gif | image/webp), width,
-- height and bytes of the original, the keys of the files they placed under UPLOAD_DIR
-- (relative to it: original_key under originals/, thumb_key and preview_key — EXIF-free WebP
-- renditions — under media/), title, optional description, and owner_id (the user who becomes
-- creator and first owner). Or a CSV with the header
--   content_hash,mime,width,height,bytes,original_key,thumb_key,preview_key,title,description,owner_id
--
-- Easier: `python -m app.cli import-photos DIR --owner <user id>` runs files through the upload
-- pipeline (renditions, EXIF stripping, hashing) for you. This file is for files prepared by
-- other means.
--
-- Each new art object takes the next mint number from the same sequence as uploads (the
-- column's default), so numbers stay unique and are never reused.
--
-- One transaction: each new image gets its images row, its art_objects row, a `mint`
-- ownership_history row and a public `photo.created` event (live clients see it at commit).
-- Idempotent by content hash: an image that is already minted is skipped and reported.
\set ON_ERROR_STOP on
-- A missing required variable stops it at once, naming the variable (not a psql syntax error).
\set VERBOSITY terse

BEGIN;

CREATE TEMP TABLE seed_mint (
    ord           bigint GENERATED ALWAYS AS IDENTITY,
    content_hash  text,
    mime          text,
    width         integer,
    height        integer,
    bytes         bigint,
    original_key  text,
    thumb_key     text,
    preview_key   text,
    title         text,
    description   text,
    owner_id      bigint,
    art_object_id bigint,
    minted        boolean NOT NULL DEFAULT false
) ON COMMIT DROP;

\if :{?csv}
  \set copy_cmd '\\copy seed_mint (content_hash, mime, width, height, bytes, original_key, thumb_key, preview_key, title, description, owner_id) FROM ' :'csv' ' WITH (FORMAT csv, HEADER true)'
  :copy_cmd
\else
  \if :{?owner_id}
  \else
    DO $$ BEGIN RAISE EXCEPTION 'missing variable owner_id: add -v owner_id=<user id> (or -v csv=FILE; seeds/README.md)'; END $$;
  \endif
  \if :{?title}
  \else
    DO $$ BEGIN RAISE EXCEPTION 'missing variable title: add -v title='Sunset' (or -v csv=FILE; seeds/README.md)'; END $$;
  \endif
  \if :{?content_hash}
  \else
    DO $$ BEGIN RAISE EXCEPTION 'missing variable content_hash: add -v content_hash=<sha256 hex> (or -v csv=FILE; seeds/README.md)'; END $$;
  \endif
  \if :{?mime}
  \else
    DO $$ BEGIN RAISE EXCEPTION 'missing variable mime: add -v mime=image/jpeg (or -v csv=FILE; seeds/README.md)'; END $$;
  \endif
  \if :{?width}
  \else
    DO $$ BEGIN RAISE EXCEPTION 'missing variable width: add -v width=<px> (or -v csv=FILE; seeds/README.md)'; END $$;
  \endif
  \if :{?height}
  \else
    DO $$ BEGIN RAISE EXCEPTION 'missing variable height: add -v height=<px> (or -v csv=FILE; seeds/README.md)'; END $$;
  \endif
  \if :{?bytes}
  \else
    DO $$ BEGIN RAISE EXCEPTION 'missing variable bytes: add -v bytes=<size> (or -v csv=FILE; seeds/README.md)'; END $$;
  \endif
  \if :{?original_key}
  \else
    DO $$ BEGIN RAISE EXCEPTION 'missing variable original_key: add -v original_key=originals/... (or -v csv=FILE; seeds/README.md)'; END $$;
  \endif
  \if :{?thumb_key}
  \else
    DO $$ BEGIN RAISE EXCEPTION 'missing variable thumb_key: add -v thumb_key=media/... (or -v csv=FILE; seeds/README.md)'; END $$;
  \endif
  \if :{?preview_key}
  \else
    DO $$ BEGIN RAISE EXCEPTION 'missing variable preview_key: add -v preview_key=media/... (or -v csv=FILE; seeds/README.md)'; END $$;
  \endif
  \if :{?description}
  \else
    \set description ''
  \endif
  INSERT INTO seed_mint (content_hash, mime, width, height, bytes, original_key, thumb_key,
                         preview_key, title, description, owner_id)
  VALUES (:'content_hash', :'mime', :'width', :'height', :'bytes', :'original_key', :'thumb_key',
          :'preview_key', :'title', :'description', :'owner_id');
\endif

DO $$
DECLARE
    r seed_mint;
    hash bytea;
    new_image bigint;
    new_object bigint;
    key_pattern constant text := '^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*\.[A-Za-z0-9]+$';
BEGIN
    FOR r IN SELECT * FROM seed_mint ORDER BY ord LOOP
        IF r.content_hash IS NULL OR lower(r.content_hash) !~ '^[0-9a-f]{64}$' THEN
            RAISE EXCEPTION 'row %: content_hash must be 64 hex digits (sha256), got %',
                r.ord, r.content_hash;
        END IF;
        IF r.original_key !~ key_pattern OR r.original_key !~ '^originals/' THEN
            RAISE EXCEPTION 'row %: original_key must be a relative path under originals/, got %',
                r.ord, r.original_key;
        END IF;
        IF r.thumb_key !~ key_pattern OR r.thumb_key !~ '^media/'
           OR r.preview_key !~ key_pattern OR r.preview_key !~ '^media/' THEN
            RAISE EXCEPTION 'row %: thumb_key and preview_key must be relative paths under media/',
                r.ord;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM users WHERE id = r.owner_id) THEN
            RAISE EXCEPTION 'row %: no user with id % (seeds/create_users.sql makes one)',
                r.ord, r.owner_id;
        END IF;
        hash := decode(lower(r.content_hash), 'hex');

        INSERT INTO images (content_hash, mime, width, height, bytes,
                            original_key, thumb_key, preview_key)
        VALUES (hash, r.mime, r.width, r.height, r.bytes,
                r.original_key, r.thumb_key, r.preview_key)
        ON CONFLICT (content_hash) DO NOTHING
        RETURNING id INTO new_image;

        IF new_image IS NULL THEN
            SELECT a.id INTO new_object
              FROM images i JOIN art_objects a ON a.image_id = i.id
             WHERE i.content_hash = hash;
            UPDATE seed_mint SET art_object_id = new_object WHERE ord = r.ord;
            RAISE NOTICE 'row %: already minted as art object %, skipped', r.ord, new_object;
            CONTINUE;
        END IF;

        INSERT INTO art_objects (image_id, title, description, creator_id, owner_id)
        VALUES (new_image, r.title, coalesce(r.description, ''), r.owner_id, r.owner_id)
        RETURNING id INTO new_object;
        INSERT INTO ownership_history (art_object_id, from_user_id, to_user_id, reason)
        VALUES (new_object, NULL, r.owner_id, 'mint');
        -- The event's one payload shape (PublicPhoto in backend/app/schemas/events.py), as an
        -- upload publishes it; the owner's privacy applies (subjects).
        INSERT INTO events (type, data, audience, subjects)
        SELECT 'photo.created',
               jsonb_build_object(
                   'id', a.id, 'title', a.title, 'mint_number', a.mint_number,
                   'description', a.description,
                   'width', i.width, 'height', i.height, 'mime', i.mime,
                   'placeholder', i.placeholder, 'dominant_color', i.dominant_color,
                   'thumb_url', '/' || i.thumb_key,
                   'thumb_2x_url', '/' || coalesce(i.thumb_2x_key, i.preview_key),
                   'preview_url', '/' || i.preview_key,
                   'owner', jsonb_build_object('id', u.id, 'display_name', u.display_name,
                                               'avatar_url', u.avatar_url),
                   'creator', jsonb_build_object('id', u.id, 'display_name', u.display_name,
                                                 'avatar_url', u.avatar_url),
                   'favorites_count', 0, 'profile_hidden', a.profile_hidden,
                   'created_at', a.created_at, 'updated_at', a.updated_at),
               NULL, ARRAY[u.id]
          FROM art_objects a JOIN images i ON i.id = a.image_id JOIN users u ON u.id = a.owner_id
         WHERE a.id = new_object;

        UPDATE seed_mint SET art_object_id = new_object, minted = true WHERE ord = r.ord;
        RAISE NOTICE 'row %: minted art object % (image %)', r.ord, new_object, new_image;
    END LOOP;
END
$$;

SELECT ord AS row, art_object_id, minted, title, owner_id
  FROM seed_mint ORDER BY ord;

COMMIT;
