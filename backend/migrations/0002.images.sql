-- Vocabulary (README, Glossary): the stored file is an "image"; "photo" is the art object the
-- API serves. Table photos becomes images and art_objects.photo_id becomes image_id, with every
-- constraint, index and sequence name a fresh database.sql gives them.

ALTER TABLE photos RENAME TO images;
ALTER SEQUENCE photos_id_seq RENAME TO images_id_seq;
ALTER TABLE images RENAME CONSTRAINT photos_pkey TO images_pkey;
ALTER TABLE images RENAME CONSTRAINT photos_content_hash_uq TO images_content_hash_uq;
ALTER TABLE images RENAME CONSTRAINT photos_content_hash_check TO images_content_hash_check;
ALTER TABLE images RENAME CONSTRAINT photos_mime_check TO images_mime_check;
ALTER TABLE images RENAME CONSTRAINT photos_width_check TO images_width_check;
ALTER TABLE images RENAME CONSTRAINT photos_height_check TO images_height_check;
ALTER TABLE images RENAME CONSTRAINT photos_bytes_check TO images_bytes_check;

ALTER TABLE art_objects RENAME COLUMN photo_id TO image_id;
ALTER TABLE art_objects RENAME CONSTRAINT art_objects_photo_uq TO art_objects_image_uq;
ALTER TABLE art_objects RENAME CONSTRAINT art_objects_photo_id_fkey TO art_objects_image_id_fkey;
