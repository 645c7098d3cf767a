"""Schema migrations: yoyo-migrations over the numbered SQL files in backend/migrations.

`database.sql` is the whole current schema. A database is brought up to date by `migrate()`:

* empty database → apply database.sql. The file records the migrations it embodies in yoyo's
  own tables (its last statements), exactly as when an operator loads it with `psql -f` or
  PostgreSQL's docker-entrypoint-initdb.d does: all three ways give the same database, and the
  runner then treats it like any other;
* every database → apply the migrations not yet recorded in yoyo's version table
  (`_yoyo_migration`), each in its own transaction, in file-name order;
* a schema with no version table at all (made by hand from a `database.sql` older than the one
  that records what it embodies, or before the runner existed) is **adopted** first: each
  migration whose result is already in the catalog (`EMBODIED_IF`) is recorded as applied
  (yoyo's "mark"), and only the rest are then applied. A schema from before every migration
  gets all of them, as before;
* then the functions: every database function and trigger lives in one file,
  `backend/migrations/post-apply.functions.sql` (a yoyo `post-apply` file: yoyo's own CLI runs it
  after it applies migrations too). It is applied again, in one transaction, whenever this run
  applied a migration or the file differs from the one last applied (its sha256 is kept in
  `_post_apply`); so a function changes by editing that file, with no migration and no copy.
  `database.sql` includes it with psql's `\\ir` (`schema_sql` expands that here).

Everything happens under a session-level PostgreSQL advisory lock, so the app's workers, several
replicas and the compose `migrate` service may all call it at once: one migrates, the others
wait and then find nothing to do. The lock dies with its connection, so a killed migrator never
leaves the database locked. yoyo is synchronous (psycopg 3); the app calls this in a thread.
"""

import hashlib
import logging
import re
from pathlib import Path
from typing import LiteralString
from urllib.parse import urlsplit, urlunsplit

import psycopg
from yoyo import get_backend, read_migrations
from yoyo.migrations import MigrationList

from app.core.config import REPO_ROOT
from app.core.db import SCHEMA_FILE

log = logging.getLogger(__name__)
MIGRATIONS_DIR = REPO_ROOT / "backend" / "migrations"
# The same key the earlier schema bootstrap used, so an old worker and a new one exclude each other.
LOCK_KEY = 727274


def _column(table: str, column: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('public.{table}') "
        f"AND attname = '{column}' AND NOT attisdropped)"
    )


def _relations(*names: str) -> str:
    return " AND ".join(f"to_regclass('public.{name}') IS NOT NULL" for name in names)


# What each migration leaves in the catalog, for adopting a schema that has no version table.
# The list is closed: only a database.sql older than commit 6814cd3 makes such a schema, and those
# embody at most these migrations (every later database.sql records its own in _yoyo_migration,
# so a migration added later never needs a line here). A migration whose check is false is
# applied: all of these but 0002 are written to be re-run (IF NOT EXISTS, CREATE OR REPLACE), so a
# schema that has only part of one (a database.sql from between two of them) is completed by it.
# 0007's check is its final form (trade_stale_reason). Whatever functions such a schema holds,
# the post-apply file replaces them after the migrations. tests/test_migrations.py loads every
# such database.sql of the history and compares.
EMBODIED_IF: dict[str, str] = {
    "0001.sessions-and-search": " AND ".join(
        [
            _relations(
                "users_search_idx", "trades_accepted_by_idx", "refresh_token_families_user_idx"
            ),
            _column("refresh_token_families", "auth_time"),
            _column("refresh_tokens", "successor_sealed"),
        ]
    ),
    "0002.images": _relations("images") + " AND to_regclass('public.photos') IS NULL",
    "0003.events-final-ids": _column("events", "subjects")
    + " AND to_regproc('public.events_assign_id') IS NOT NULL",
    "0004.thumb-2x": _column("images", "thumb_2x_key"),
    "0005.gifts-and-requests": _relations("profile_request_notices", "user_blocks")
    + " AND "
    + _column("transfers", "returned_at"),
    "0006.qr-sign-in-device": _column("auth_qr_requests", "user_agent"),
    "0007.trade-accept-in-one-statement": "to_regproc('public.trade_stale_reason') IS NOT NULL",
    "0009.bot-and-notifications": _relations(
        "bot_chats", "bot_updates", "notifier_cursor", "notifications", "notification_settings"
    ),
    "0012.wake-ups-outside-writes": "EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'events_notify'"
    " AND pronamespace = 'public'::regnamespace AND prosrc LIKE '%gallery.wakeup%')",
}


# The digest of the post-apply files last applied: the migrator's own bookkeeping, like yoyo's
# tables (and, like them, made by the migrator rather than database.sql).
_POST_APPLY_TABLE = """
CREATE TABLE IF NOT EXISTS _post_apply (
    id          boolean PRIMARY KEY DEFAULT true CHECK (id),
    sha256      text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
)"""
_INCLUDE = re.compile(r"^\\ir\s+(\S+)\s*$", re.MULTILINE)


def schema_sql(schema_file: Path = SCHEMA_FILE) -> str:
    """database.sql as one SQL text: each psql `\\ir FILE` line (include, relative to the
    including file) replaced by that file, so it runs through a driver as through psql."""
    return _INCLUDE.sub(lambda m: (schema_file.parent / m[1]).read_text(), schema_file.read_text())


def _post_apply_sql(migrations: MigrationList) -> tuple[str, str]:
    """The post-apply files (the functions), in order, as one SQL text, and its sha256."""
    text = "\n".join(Path(m.path).read_text() for m in migrations.post_apply)
    return text, hashlib.sha256(text.encode()).hexdigest()


def yoyo_uri(dsn: str) -> str:
    """The app's postgresql:// DSN for yoyo's psycopg 3 backend (same host, user, options)."""
    parts = urlsplit(dsn)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"not a PostgreSQL DSN: {parts.scheme}://…")
    return urlunsplit(parts._replace(scheme="postgresql+psycopg"))


def pending(dsn: str, migrations_dir: Path = MIGRATIONS_DIR) -> list[str]:
    """Ids of the migrations not yet applied (read-only: takes no lock, applies nothing)."""
    backend = get_backend(yoyo_uri(dsn))
    try:
        return [m.id for m in backend.to_apply(read_migrations(str(migrations_dir)))]
    finally:
        backend.connection.close()


def migrate(
    dsn: str, schema_file: Path = SCHEMA_FILE, migrations_dir: Path = MIGRATIONS_DIR
) -> list[str]:
    """Bring the database of `dsn` up to date; returns what was done (empty = nothing to do)."""
    migrations = read_migrations(str(migrations_dir))
    functions, digest = _post_apply_sql(migrations)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        try:
            done: list[str] = []
            fresh = bool(_one(conn, "SELECT to_regclass('public.events') IS NULL"))
            if fresh:
                with conn.transaction():
                    conn.execute(schema_sql(schema_file))  # includes the functions
                    _record_post_apply(conn, digest)
                done.append(schema_file.name)
            elif _up_to_date(conn, migrations) and _post_apply_digest(conn) == digest:
                return []  # the usual start: up to date, checked with two queries
            elif _applied_ids(conn) is None:
                done += _adopt(dsn, conn, migrations)
            if not fresh:
                applied = _run_yoyo(dsn, migrations)
                done += applied
                if applied or _post_apply_digest(conn) != digest:
                    with conn.transaction():
                        conn.execute(functions)
                        _record_post_apply(conn, digest)
                    done += [f"applied {m.id}" for m in migrations.post_apply]
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
    for line in done:
        log.info("migrate: %s", line)
    return done


def _up_to_date(conn: psycopg.Connection, migrations: MigrationList) -> bool:
    applied = _applied_ids(conn)
    return applied is not None and {m.id for m in migrations} <= applied


def _post_apply_digest(conn: psycopg.Connection) -> str | None:
    """The sha256 of the post-apply files last applied; None when never (or not recorded)."""
    if _one(conn, "SELECT to_regclass('public._post_apply') IS NULL"):
        return None
    row = conn.execute("SELECT sha256 FROM _post_apply").fetchone()
    return None if row is None else str(row[0])


def _record_post_apply(conn: psycopg.Connection, digest: str) -> None:
    conn.execute(_POST_APPLY_TABLE)
    conn.execute(
        "INSERT INTO _post_apply (sha256) VALUES (%s) ON CONFLICT (id)"
        " DO UPDATE SET sha256 = excluded.sha256, applied_at = now()",
        (digest,),
    )


def _one(conn: psycopg.Connection, query: LiteralString) -> object:
    """The single value of a query that always returns one row."""
    row = conn.execute(query).fetchone()
    if row is None:
        raise RuntimeError(f"no row from {query!r}")
    return row[0]


def _applied_ids(conn: psycopg.Connection) -> set[str] | None:
    """Recorded migration ids; None before yoyo's tables exist (a database older than them)."""
    if _one(conn, "SELECT to_regclass('public._yoyo_migration') IS NULL"):
        return None
    return {row[0] for row in conn.execute("SELECT migration_id FROM _yoyo_migration")}


def embodied(conn: psycopg.Connection) -> list[str]:
    """Migrations whose result the schema of `conn` already holds (see EMBODIED_IF)."""
    found = []
    for mid, check in EMBODIED_IF.items():
        row = conn.execute(f"SELECT {check}").fetchone()
        if row is not None and row[0]:
            found.append(mid)
    return found


def _adopt(dsn: str, conn: psycopg.Connection, migrations: MigrationList) -> list[str]:
    """A schema without yoyo's tables: record the migrations it embodies as applied."""
    present = set(embodied(conn))
    backend = get_backend(yoyo_uri(dsn))
    try:
        backend.break_lock()
        with backend.lock():
            todo = [m for m in backend.to_apply(migrations) if m.id in present]
            backend.mark_migrations(todo)
    finally:
        backend.connection.close()
    if todo:
        log.warning(
            "migrate: no version table; recorded %d migration(s) found in the schema "
            "(loaded from an older database.sql): %s",
            len(todo),
            ", ".join(m.id for m in todo),
        )
    return [f"found in the schema, recorded {m.id}" for m in todo]


def _run_yoyo(dsn: str, migrations: MigrationList) -> list[str]:
    backend = get_backend(yoyo_uri(dsn))
    try:
        # Our advisory lock already excludes other migrators; a lock row left behind by a killed
        # `yoyo` process would otherwise block every start until someone ran `yoyo break-lock`.
        backend.break_lock()
        with backend.lock():
            todo = backend.to_apply(migrations)
            backend.apply_migrations_only(todo)  # the post-apply files: migrate() runs them
            return [f"applied {m.id}" for m in todo]
    finally:
        backend.connection.close()
