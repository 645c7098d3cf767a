"""Schema migrations (core/migrations.py): fresh databases, upgrades from an earlier schema with
data in it, concurrent starts, and the documented command.

`tests/data/database.28ff6ad.sql` is `git show 28ff6ad:database.sql`: the schema of the last
commit before the migration runner existed, i.e. what every database deployed until then has.
Upgrading it must give exactly the schema a fresh database gets from today's database.sql,
keep every row, and keep the invariants of services/consistency.py.
"""

import asyncio
import os
import re
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import psycopg
import pytest
import yaml
from yoyo.migrations import get_migration_hash

from app.core.config import REPO_ROOT
from app.core.migrations import (
    EMBODIED_IF,
    MIGRATIONS_DIR,
    embodied,
    migrate,
    pending,
    schema_sql,
)
from app.main import create_app
from app.services.consistency import violations
from tests.conftest import BASE_DSN, _with_database, make_settings
from tests.server_support import postgres_client, running_server

EARLIER_SCHEMA = Path(__file__).parent / "data" / "database.28ff6ad.sql"
COUNTED = (
    "users",
    "art_objects",
    "ownership_history",
    "transfers",
    "trades",
    "trade_items",
    "favorites",
    "profile_requests",
    "events",
    "refresh_token_families",
    "refresh_tokens",
)

# Rows written against the EARLIER schema (its table and column names), as a deployment has them.
EARLIER_DATA = """
INSERT INTO users (messenger, external_id, display_name) VALUES
    ('max', 1001, 'Anna'), ('telegram', 2002, 'Boris'), ('max', 3003, 'Vera');
INSERT INTO users (username, password_hash, display_name) VALUES ('desk', 'x', 'Desk');
INSERT INTO photos (content_hash, mime, width, height, bytes, original_key, thumb_key, preview_key,
                    placeholder, dominant_color)
SELECT sha256(('earlier-' || g)::bytea), 'image/jpeg', 640, 480, 1000 + g,
       'originals/aa/' || g || '.jpg', 'media/aa/t' || g || '.webp', 'media/aa/p' || g || '.webp',
       'LEHV6nWB2yk8pyo0adR*.7kCMdnj', '#336699'
  FROM generate_series(1, 5) g;
INSERT INTO art_objects (photo_id, title, description, creator_id, owner_id)
SELECT id, 'Закат ' || id, 'sunset over the river', 1, 1 FROM photos;
INSERT INTO ownership_history (art_object_id, to_user_id, reason)
SELECT id, 1, 'mint' FROM art_objects;
-- Object 1 transferred to Boris by a claim code.
INSERT INTO transfers (art_object_id, from_user_id, to_user_id, status, completed_at)
VALUES (1, 1, 2, 'completed', now());
UPDATE art_objects SET owner_id = 2 WHERE id = 1;
INSERT INTO ownership_history (art_object_id, from_user_id, to_user_id, reason, transfer_id)
VALUES (1, 1, 2, 'transfer', 1);
-- Objects 2 (Anna's) and 1 (Boris's) swapped by an accepted trade.
INSERT INTO trades (proposer_id, recipient_id, status, accepted_by, expires_at)
VALUES (1, 2, 'accepted', 2, now() + interval '1 day');
INSERT INTO trade_items (trade_id, art_object_id, side, owner_id) VALUES (1, 2, 'offered', 1),
                                                                         (1, 1, 'requested', 2);
UPDATE art_objects SET owner_id = 2 WHERE id = 2;
UPDATE art_objects SET owner_id = 1 WHERE id = 1;
INSERT INTO ownership_history (art_object_id, from_user_id, to_user_id, reason, trade_id)
VALUES (2, 1, 2, 'trade', 1), (1, 2, 1, 'trade', 1);
INSERT INTO favorites (user_id, art_object_id) VALUES (2, 3), (3, 3), (3, 4);
INSERT INTO profile_requests (requester_id, target_id, status) VALUES (3, 1, 'accepted');
INSERT INTO events (type, data) SELECT 'photo.created', jsonb_build_object('photo_id', id)
  FROM art_objects;
-- A signed-in session of Anna's.
INSERT INTO refresh_token_families (user_id) VALUES (1);
INSERT INTO refresh_tokens (family_id, token_hash, expires_at)
SELECT id, sha256('anna-refresh'::bytea), now() + interval '30 days' FROM refresh_token_families;
"""

# The shape of a schema, compared as sets: a column added by ALTER TABLE lands last while
# database.sql may put it anywhere, which is the same schema.
CATALOG = {
    "columns": """
        SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity,
               generation_expression
          FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name !~ '^_?yoyo'""",
    "constraints": """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
         WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text !~ '^_?yoyo'""",
    "indexes": """
        SELECT tablename, indexname, indexdef FROM pg_indexes
         WHERE schemaname = 'public' AND tablename !~ '^_?yoyo'""",
    "functions": """
        SELECT proname, pg_get_functiondef(oid) FROM pg_proc
         WHERE pronamespace = 'public'::regnamespace""",
    "triggers": """
        SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal""",
    "views": "SELECT viewname, definition FROM pg_views WHERE schemaname = 'public'",
}


async def catalog(dsn: str) -> dict[str, set[tuple]]:
    conn = await asyncpg.connect(dsn)
    try:
        return {
            name: {tuple(row) for row in await conn.fetch(sql)} for name, sql in CATALOG.items()
        }
    finally:
        await conn.close()


async def assert_same_schema_as_today(old: str, empty: str) -> None:
    """`old`'s catalog equals that of `empty` migrated now, part by part (the differences named)."""
    await asyncio.to_thread(migrate, empty)
    old_catalog, fresh_catalog = await catalog(old), await catalog(empty)
    for part in CATALOG:
        assert old_catalog[part] == fresh_catalog[part], (
            part,
            sorted(old_catalog[part] - fresh_catalog[part]),
            sorted(fresh_catalog[part] - old_catalog[part]),
        )


@pytest.fixture
async def new_database() -> AsyncIterator:
    """A factory of empty databases, all dropped at the end."""
    admin = await asyncpg.connect(BASE_DSN)
    names: list[str] = []

    async def make() -> str:
        name = f"gallery_migrate_{os.getpid()}_{secrets.token_hex(4)}"
        await admin.execute(f'CREATE DATABASE "{name}"')
        names.append(name)
        return _with_database(BASE_DSN, name)

    try:
        yield make
    finally:
        for name in names:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _applied(dsn: str) -> list[str]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch("SELECT migration_id FROM _yoyo_migration ORDER BY migration_id")
        return [row["migration_id"] for row in rows]
    finally:
        await conn.close()


def _migration_ids() -> list[str]:
    """The numbered migrations (not the post-apply file of functions: yoyo records no such run)."""
    return sorted(
        path.stem
        for path in MIGRATIONS_DIR.glob("*.sql")
        if ".rollback" not in path.name and not path.name.startswith("post-apply")
    )


FUNCTIONS = "post-apply.functions"


def _copy_of_migrations(tmp_path: Path) -> Path:
    """Today's migrations folder (post-apply file included), to add a file to."""
    folder = tmp_path / "migrations"
    folder.mkdir()
    for path in MIGRATIONS_DIR.glob("*.sql"):
        (folder / path.name).write_text(path.read_text())
    return folder


async def test_fresh_database_gets_database_sql_and_is_marked_up_to_date(new_database) -> None:
    dsn = await new_database()
    done = await asyncio.to_thread(migrate, dsn)
    assert done == ["database.sql"]  # the file records its migrations itself: none left to apply
    assert await _applied(dsn) == _migration_ids()
    assert await asyncio.to_thread(pending, dsn) == []
    # A second start finds nothing to do.
    assert await asyncio.to_thread(migrate, dsn) == []


async def test_earlier_schema_with_data_upgrades_to_todays(new_database, tmp_path: Path) -> None:
    old = await new_database()
    conn = await asyncpg.connect(old)
    try:
        await conn.execute(EARLIER_SCHEMA.read_text())
        await conn.execute(EARLIER_DATA)
        before = {table: await conn.fetchval(f"SELECT count(*) FROM {table}") for table in COUNTED}
        titles_before = await conn.fetch("SELECT id, title, owner_id FROM art_objects ORDER BY id")
        assert set((await violations(conn)).values()) == {0}
    finally:
        await conn.close()
    assert before["art_objects"] == 5 and before["ownership_history"] == 8

    done = await asyncio.to_thread(migrate, old)
    assert done == [f"applied {mid}" for mid in [*_migration_ids(), FUNCTIONS]]
    assert await _applied(old) == _migration_ids()

    # Same schema as a database made today from database.sql.
    await assert_same_schema_as_today(old, await new_database())

    # Every row kept, invariants hold.
    conn = await asyncpg.connect(old)
    try:
        after = {table: await conn.fetchval(f"SELECT count(*) FROM {table}") for table in COUNTED}
        assert after == before
        titles_after = await conn.fetch("SELECT id, title, owner_id FROM art_objects ORDER BY id")
        assert [tuple(r) for r in titles_after] == [tuple(r) for r in titles_before]
        assert set((await violations(conn)).values()) == {0}
        # 0010: objects minted before numbers existed are numbered in id order (mint order), and
        # the next mint continues after them.
        numbers = await conn.fetch("SELECT id, mint_number FROM art_objects ORDER BY id")
        assert [(r["id"], r["mint_number"]) for r in numbers] == [(i, i) for i in range(1, 6)]
        assert await conn.fetchval("SELECT nextval('art_objects_mint_number_seq')") == 6
        # 0001: a session from before has no recent proof of who it is.
        assert await conn.fetchval("SELECT auth_time FROM refresh_token_families") == (
            await conn.fetchval("SELECT '-infinity'::timestamptz")
        )
    finally:
        await conn.close()

    # And today's app reads the upgraded data through its API.
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    app = create_app(make_settings(old, uploads))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            listing = (await http.get("/api/photos", params={"limit": 50})).json()
            user = (await http.get("/api/users/2")).json()
    items = listing["items"]
    assert sorted(item["id"] for item in items) == [1, 2, 3, 4, 5]
    assert {item["title"] for item in items} == {f"Закат {i}" for i in range(1, 6)}
    assert {item["id"]: item["owner"]["id"] for item in items}[2] == 2
    assert user["display_name"] == "Boris"


async def test_concurrent_starts_apply_the_schema_once(new_database) -> None:
    dsn = await new_database()
    results = await asyncio.gather(*(asyncio.to_thread(migrate, dsn) for _ in range(4)))
    assert sum("database.sql" in done for done in results) == 1
    assert await _applied(dsn) == _migration_ids()


async def test_a_new_migration_is_applied_once_and_recorded(new_database, tmp_path: Path) -> None:
    """What a developer's new file does: copy today's migrations, add one, start twice."""
    dsn = await new_database()
    await asyncio.to_thread(migrate, dsn)
    folder = _copy_of_migrations(tmp_path)
    (folder / "9999.test-note.sql").write_text(
        "ALTER TABLE users ADD COLUMN test_note text NOT NULL DEFAULT '';\n"
    )
    assert await asyncio.to_thread(pending, dsn, folder) == ["9999.test-note"]
    done = await asyncio.to_thread(migrate, dsn, migrations_dir=folder)
    # Then the functions, as after every migration (one may have dropped one to change it).
    assert done == ["applied 9999.test-note", f"applied {FUNCTIONS}"]
    assert await asyncio.to_thread(migrate, dsn, migrations_dir=folder) == []
    conn = await asyncpg.connect(dsn)
    try:
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM information_schema.columns WHERE column_name = 'test_note'"
            )
            == 1
        )
    finally:
        await conn.close()


async def test_a_changed_function_is_applied_by_the_next_start(
    new_database, tmp_path: Path
) -> None:
    """A function changes by one edit of the post-apply file, with no migration: the next
    migrate applies the file again (its digest differs), the one after finds nothing to do."""
    dsn = await new_database()
    await asyncio.to_thread(migrate, dsn)
    folder = _copy_of_migrations(tmp_path)
    functions = folder / f"{FUNCTIONS}.sql"
    old = "'YYYY-MM-DD\"T\"HH24:MI:SS'"
    assert old in functions.read_text()
    functions.write_text(functions.read_text().replace(old, "'YYYY-MM-DD\" \"HH24:MI:SS'"))
    assert await asyncio.to_thread(pending, dsn, folder) == []
    assert await asyncio.to_thread(migrate, dsn, migrations_dir=folder) == [f"applied {FUNCTIONS}"]
    assert await asyncio.to_thread(migrate, dsn, migrations_dir=folder) == []
    conn = await asyncpg.connect(dsn)
    try:
        shown = await conn.fetchval("SELECT json_time('2026-01-02 03:04:05+00')")
    finally:
        await conn.close()
    assert shown == "2026-01-02 03:04:05Z"


async def test_a_failing_migration_changes_nothing(new_database, tmp_path: Path) -> None:
    dsn = await new_database()
    await asyncio.to_thread(migrate, dsn)
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "9999.broken.sql").write_text(
        "ALTER TABLE users ADD COLUMN half_done text;\nSELECT no_such_function();\n"
    )
    with pytest.raises(Exception, match="no_such_function"):
        await asyncio.to_thread(migrate, dsn, migrations_dir=folder)
    conn = await asyncpg.connect(dsn)
    try:
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM information_schema.columns WHERE column_name = 'half_done'"
            )
            == 0
        )
    finally:
        await conn.close()
    assert await asyncio.to_thread(pending, dsn, folder) == ["9999.broken"]


async def test_documented_migrate_command(new_database) -> None:
    """README and docker-compose.yml's `migrate` service: `python -m app.cli migrate`."""
    dsn = await new_database()
    env = {**os.environ, "DATABASE_URL": dsn, "PYTHONPATH": ""}
    command = [sys.executable, "-m", "app.cli", "migrate"]
    first = await asyncio.to_thread(
        subprocess.run,
        command,
        cwd=REPO_ROOT / "backend",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert first.returncode == 0, first.stderr
    assert "migrate: database.sql" in first.stdout
    second = await asyncio.to_thread(
        subprocess.run,
        command,
        cwd=REPO_ROOT / "backend",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "migrate: schema is up to date"


def _embodied_ids(conn_rows: list[asyncpg.Record]) -> list[str]:
    return sorted(row["migration_id"] for row in conn_rows)


async def test_database_sql_records_every_migration_it_embodies(new_database) -> None:
    """database.sql lists every file of backend/migrations/ in yoyo's version table, with yoyo's
    own hash, so a database loaded from it by hand is known to be up to date (the rule in
    backend/migrations/README.md)."""
    dsn = await new_database()
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(schema_sql())
        rows = await conn.fetch("SELECT migration_hash, migration_id FROM _yoyo_migration")
        version = await conn.fetchval("SELECT max(version) FROM _yoyo_version")
    finally:
        await conn.close()
    recorded = set(_embodied_ids(rows))
    missing = [mid for mid in _migration_ids() if mid not in recorded]
    assert not missing, (
        f"database.sql does not record migration(s) {', '.join(missing)}: add each id to the list "
        "at the end of database.sql (and the same change to its schema), backend/migrations/README.md"
    )
    unknown = sorted(recorded - set(_migration_ids()))
    assert not unknown, f"database.sql records migration(s) with no file: {', '.join(unknown)}"
    for row in rows:  # yoyo finds a migration by this hash, not by its id
        assert row["migration_hash"] == get_migration_hash(row["migration_id"]), row["migration_id"]
    assert version == 2  # yoyo's internal schema version: it must not try to "upgrade" the tables


LOADERS = {
    # What an operator types.
    "psql -f": lambda dsn: [postgres_client("psql"), "-q", "-f", "database.sql", dsn],
    # What the postgres image's docker-entrypoint.sh runs for /docker-entrypoint-initdb.d/*.sql
    # (docker_process_sql), as the compose file mounts it.
    "docker-entrypoint-initdb.d": lambda dsn: [
        postgres_client("psql"),
        "-v",
        "ON_ERROR_STOP=1",
        "--no-password",
        "--no-psqlrc",
        "--dbname",
        dsn,
        "-f",
        "/docker-entrypoint-initdb.d/10-database.sql",
    ],
}


def _initdb_path(argv: list[str]) -> list[str]:
    """The compose mount's target path, read from the repository's database.sql."""
    return [
        str(REPO_ROOT / "database.sql") if a.startswith("/docker-entrypoint-initdb.d/") else a
        for a in argv
    ]


@pytest.mark.parametrize("loader", sorted(LOADERS))
async def test_schema_loaded_by_hand_starts_the_server_and_takes_later_migrations(
    new_database, tmp_path: Path, loader: str
) -> None:
    """issue 22.1: `psql -f database.sql` (twice: the file is idempotent), then the server
    starts on it, the migrate command finds nothing to do, and a later migration applies."""
    dsn = await new_database()
    for _ in range(2):
        loaded = await asyncio.to_thread(
            subprocess.run,
            _initdb_path(LOADERS[loader](dsn)),
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert loaded.returncode == 0, loaded.stderr
        assert "ERROR" not in loaded.stderr, loaded.stderr
    assert await _applied(dsn) == _migration_ids()

    env = {
        "APP_ENV": "test",
        "DATABASE_URL": dsn,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "REDIS_URL": "",
        "JWT_SECRET": "loaded-by-hand-" + "x" * 32,
    }
    async with running_server(env) as base, httpx.AsyncClient(base_url=base) as http:
        assert (await http.get("/health")).json()["db"] == "ok"
        assert (await http.get("/api/photos")).status_code == 200

    migrated = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "app.cli", "migrate"],
        cwd=REPO_ROOT / "backend",
        env={**os.environ, "DATABASE_URL": dsn},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrated.returncode == 0, migrated.stderr
    assert migrated.stdout.strip() == "migrate: schema is up to date"

    folder = _copy_of_migrations(tmp_path)
    (folder / "9999.later.sql").write_text("ALTER TABLE users ADD COLUMN later_note text;\n")
    assert await asyncio.to_thread(migrate, dsn, migrations_dir=folder) == [
        "applied 9999.later",
        f"applied {FUNCTIONS}",
    ]
    assert await _applied(dsn) == [*_migration_ids(), "9999.later"]


# Every database.sql of the history that does not record what it embodies (all before 6814cd3,
# the first that does), one commit per distinct file: loaded by hand with psql, such a schema has
# no version table and some of the migrations already in it (issue 22.1).
UNRECORDED_SCHEMAS = [
    "b93c7cc",
    "e40c18e",
    "995a25d",
    "9a15a4b",
    "3b90c12",
    "ce86719",
    "19e451c",
    "397648c",
    "13b5104",
    "310045a",
    "b1ed9ac",
    "eea0410",
    "2e3fa26",
]


def older_database_sql(commit: str, into: Path) -> Path:
    """`git show <commit>:database.sql` written to a file (needs the repository's history)."""
    shown = subprocess.run(
        ["git", "show", f"{commit}:database.sql"], cwd=REPO_ROOT, capture_output=True, text=True
    )
    if shown.returncode != 0:
        pytest.skip(
            f"needs the git history (a full clone, `git fetch --unshallow`): {shown.stderr}"
        )
    path = into / f"database.{commit}.sql"
    path.write_text(shown.stdout)
    return path


def test_the_list_of_unrecorded_schemas_is_the_whole_history() -> None:
    """Every commit before 6814cd3 whose database.sql differs from its parent's is in the list."""
    log = subprocess.run(
        ["git", "log", "--format=%h", "--abbrev=7", "6814cd3^", "--", "database.sql"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    if log.returncode != 0:
        pytest.skip(f"needs the git history (a full clone, `git fetch --unshallow`): {log.stderr}")
    assert set(log.stdout.split()) == set(UNRECORDED_SCHEMAS)


@pytest.mark.parametrize("commit", UNRECORDED_SCHEMAS)
async def test_an_older_database_sql_loaded_by_hand_is_adopted_and_upgraded(
    new_database, tmp_path: Path, commit: str
) -> None:
    """issue 22.1: an older clone's `psql -f database.sql` (no version table), then `migrate`
    records what the schema already holds, applies the rest, and gives today's schema."""
    old = await new_database()
    loaded = await asyncio.to_thread(
        subprocess.run,
        [
            postgres_client("psql"),
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-f",
            str(older_database_sql(commit, tmp_path)),
            old,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert loaded.returncode == 0, loaded.stderr
    done = await asyncio.to_thread(migrate, old)
    assert await _applied(old) == _migration_ids()
    assert all(line.startswith(("applied ", "found in the schema, recorded ")) for line in done), (
        done
    )
    assert await asyncio.to_thread(migrate, old) == []

    await assert_same_schema_as_today(old, await new_database())


async def test_adoption_finds_nothing_before_migrations_and_everything_today(new_database) -> None:
    """The checks of EMBODIED_IF: a schema from before any migration (28ff6ad) holds none, so
    all are applied (the upgrade test above); today's schema holds every one."""
    before = await new_database()
    conn = await asyncpg.connect(before)
    try:
        await conn.execute(EARLIER_SCHEMA.read_text())
    finally:
        await conn.close()
    with psycopg.connect(before) as sync:
        assert embodied(sync) == []
    today = await new_database()
    await asyncio.to_thread(migrate, today)
    with psycopg.connect(today) as sync:
        assert embodied(sync) == list(EMBODIED_IF)


def test_compose_lets_postgres_load_the_schema_on_its_first_start() -> None:
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    mounts = compose["services"]["db"]["volumes"]
    assert "./database.sql:/docker-entrypoint-initdb.d/10-database.sql:ro" in mounts
    # Every file database.sql includes is mounted where its `\ir` (relative) looks for it.
    includes = re.findall(r"^\\ir\s+(\S+)", (REPO_ROOT / "database.sql").read_text(), re.MULTILINE)
    assert includes == ["backend/migrations/post-apply.functions.sql"]
    for include in includes:
        assert f"./{include}:/docker-entrypoint-initdb.d/{include}:ro" in mounts
    assert any(
        "docker-entrypoint-initdb.d/10-database.sql" in " ".join(LOADERS[k]("x")) for k in LOADERS
    )
