"""Schema migrations: yoyo-migrations over the numbered SQL files in backend/migrations.

`database.sql` is the whole current schema. A database is brought up to date by `migrate()`:

* empty database → apply database.sql. The file records the migrations it embodies in yoyo's
  own tables (its last statements), exactly as when an operator loads it with `psql -f` or
  PostgreSQL's docker-entrypoint-initdb.d does: all three ways give the same database, and the
  runner then treats it like any other;
* every database → apply the migrations not yet recorded in yoyo's version table
  (`_yoyo_migration`), each in its own transaction, in file-name order. A database created
  before the runner existed (schema present, no version table) has none recorded, so it gets
  all of them.

Everything happens under a session-level PostgreSQL advisory lock, so the app's workers, several
replicas and the compose `migrate` service may all call it at once: one migrates, the others
wait and then find nothing to do. The lock dies with its connection, so a killed migrator never
leaves the database locked. yoyo is synchronous (psycopg 3); the app calls this in a thread.
"""

import logging
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
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        try:
            done: list[str] = []
            fresh = bool(_one(conn, "SELECT to_regclass('public.events') IS NULL"))
            if fresh:
                with conn.transaction():
                    conn.execute(schema_file.read_text())
                done.append(schema_file.name)
            elif _up_to_date(conn, migrations):
                return []  # the usual start: up to date, checked with one query
            done += _run_yoyo(dsn, migrations)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
    for line in done:
        log.info("migrate: %s", line)
    return done


def _up_to_date(conn: psycopg.Connection, migrations: MigrationList) -> bool:
    applied = _applied_ids(conn)
    return applied is not None and {m.id for m in migrations} <= applied


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


def _run_yoyo(dsn: str, migrations: MigrationList) -> list[str]:
    backend = get_backend(yoyo_uri(dsn))
    try:
        # Our advisory lock already excludes other migrators; a lock row left behind by a killed
        # `yoyo` process would otherwise block every start until someone ran `yoyo break-lock`.
        backend.break_lock()
        with backend.lock():
            todo = backend.to_apply(migrations)
            backend.apply_migrations(todo)
            return [f"applied {m.id}" for m in todo]
    finally:
        backend.connection.close()
