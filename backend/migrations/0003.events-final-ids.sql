-- Live events without loss (issue 13.22) and private users' activity (13.8).
-- Event ids are now assigned by a BEFORE INSERT trigger, after the transaction has its xid, from
-- a plain sequence the listener can read (realtime/listener.py); `subjects` names the users whose
-- privacy applies to an event.
ALTER TABLE events ALTER COLUMN id DROP IDENTITY IF EXISTS;
CREATE SEQUENCE IF NOT EXISTS events_id_seq AS bigint;
ALTER SEQUENCE events_id_seq OWNED BY events.id;
SELECT setval('events_id_seq', coalesce((SELECT max(id) FROM events), 0) + 1, false);
ALTER TABLE events ADD COLUMN IF NOT EXISTS subjects bigint[] NOT NULL DEFAULT '{}';

-- The BEFORE INSERT trigger that assigns the id (events_assign_id) is created after the
-- migrations, with every other function and trigger.
-- (Issue 24: the functions this migration once created here live in one file,
-- backend/migrations/post-apply.functions.sql, which the migrator applies after the migrations:
-- it was a copy of database.sql, and every later change of a function had to be copied again.)
