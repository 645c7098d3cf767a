-- A second thumbnail, 640 px, for 2x screens (srcset). Images stored before have none: the API
-- then offers the preview (1440 px) as the 2x source, which is sharp, only heavier.
ALTER TABLE images ADD COLUMN IF NOT EXISTS thumb_2x_key text;
