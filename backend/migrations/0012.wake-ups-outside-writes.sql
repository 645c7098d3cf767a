-- Wake-ups outside the writing transaction (issue 23.1): the app's connections set
-- gallery.wakeup = 'deferred' and notify from a separate statement (backend/app/core/wakeup.py);
-- other sessions (admin SQL) still notify from the trigger.
CREATE OR REPLACE FUNCTION events_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('gallery.wakeup', true) IS DISTINCT FROM 'deferred' THEN
        PERFORM pg_notify('gallery_events', NEW.id::text);
    END IF;
    RETURN NEW;
END;
$$;
