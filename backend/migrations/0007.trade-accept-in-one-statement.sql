-- A trade accept in one statement (issue 15.5): trade_accept() locks, checks, moves every item
-- (art_object_move), writes provenance, the events and the trade's status in one call, so an
-- accept is one database round trip instead of 19 and holds its row locks only while the
-- function runs. The event payloads are built here as JSON equal to the pydantic models'
-- (services/publish.py); tests/test_trade_accept_sql.py compares them.

-- (Issue 24: the functions this migration once created here live in one file,
-- backend/migrations/post-apply.functions.sql, which the migrator applies after the migrations:
-- it was a copy of database.sql, and every later change of a function had to be copied again.)
