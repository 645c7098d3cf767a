-- Live events without loss (issue 13.22) and private users' activity (13.8).
-- Event ids are now assigned by a BEFORE INSERT trigger, after the transaction has its xid, from
-- a plain sequence the listener can read (realtime/listener.py); `subjects` names the users whose
-- privacy applies to an event.
ALTER TABLE events ALTER COLUMN id DROP IDENTITY IF EXISTS;
CREATE SEQUENCE IF NOT EXISTS events_id_seq AS bigint;
ALTER SEQUENCE events_id_seq OWNED BY events.id;
SELECT setval('events_id_seq', coalesce((SELECT max(id) FROM events), 0) + 1, false);
ALTER TABLE events ADD COLUMN IF NOT EXISTS subjects bigint[] NOT NULL DEFAULT '{}';

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
