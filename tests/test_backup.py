"""Backups restore: docs/operations.md's backup and restore commands, run as written (minus the
`docker compose exec -T db` / `docker compose run … backend` prefix) against a populated
database and uploads directory, restored into a fresh database and directory."""

import asyncio
import os
import re
import secrets
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import asyncpg
import httpx
import pytest

from app.core.config import REPO_ROOT
from app.repositories.photos import all_file_keys
from app.services.consistency import violations
from tests.conftest import BASE_DSN, _with_database
from tests.images import unique_png
from tests.support import bearer, sign_in

TABLES = (
    "users",
    "images",
    "art_objects",
    "ownership_history",
    "transfers",
    "favorites",
    "events",
    "refresh_tokens",
)
DB_PREFIX = "docker compose exec -T db "
BACKEND_PREFIX = 'docker compose run --rm --no-deps -v "$PWD":/backup backend '


def documented_commands() -> tuple[list[str], list[str]]:
    """The two bash blocks of the "Backup and restore" section: (backup, restore)."""
    text = (REPO_ROOT / "docs" / "operations.md").read_text()
    section = text[text.index("### Backup and restore") :]
    section = section[: section.index("\n## ")]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    assert len(blocks) == 2, blocks
    return tuple([line for line in block.splitlines() if line.strip()] for block in blocks)


def _pg_tool(name: str, server_major: int) -> str:
    """A client tool at least as new as the server (pg_dump refuses an older one): the one on
    PATH, else the one the embedded PostgreSQL wheel ships (test.sh's fallback server)."""
    tried = []
    for find in (shutil.which, _pgserver_bin):  # lazily: importing pgserver has side effects
        candidate = find(name)
        if candidate and Path(candidate).exists():
            version = subprocess.run(
                [candidate, "--version"], capture_output=True, text=True
            ).stdout
            tried.append(version.strip())
            if int(re.search(r"\(PostgreSQL\) (\d+)", version).group(1)) >= server_major:
                return candidate
    pytest.fail(f"no {name} for PostgreSQL {server_major} (found: {tried})")


def _pgserver_bin(name: str) -> str | None:
    try:
        import pgserver
    except ImportError:
        return None
    return str(Path(pgserver.__file__).parent / "pginstall" / "bin" / name)


def localise(
    line: str, dsn: str, names: dict[str, str], tools: dict[str, str], uploads: Path
) -> str:
    """The documented line for this machine: no container prefix, the test server's address."""
    parts = urlsplit(dsn)
    host = parts.hostname or parse_qs(parts.query).get("host", ["127.0.0.1"])[0]
    conn = f"-h {host} -p {parts.port or 5432} -U {parts.username or 'postgres'}"
    if line.startswith(DB_PREFIX):
        line = line.removeprefix(DB_PREFIX)
        tool = line.split()[0]
        line = tools[tool] + line.removeprefix(tool).replace(" -U gallery", " " + conn, 1)
        for documented, real in names.items():
            line = re.sub(rf"(?<![\w.]){documented}(?![\w.])", real, line)
        return line
    assert line.startswith(BACKEND_PREFIX), line
    return line.removeprefix(BACKEND_PREFIX).replace("/data/uploads", str(uploads))


async def populate(client: httpx.AsyncClient) -> None:
    anna = await sign_in(client, 1001, "Anna")
    boris = await sign_in(client, 2002, "Boris")
    ids = []
    for seed in range(3):
        response = await client.post(
            "/api/photos/upload",
            files={"file": (f"p{seed}.png", unique_png(700 + seed), "image/png")},
            data={"title": f"Backup {seed}"},
            headers=bearer(anna),
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    favorite = await client.put(f"/api/photos/{ids[0]}/favorite", headers=bearer(boris))
    assert favorite.status_code in (200, 204), favorite.text


async def _counts(dsn: str) -> tuple[dict[str, int], set[str], dict[str, int]]:
    conn = await asyncpg.connect(dsn)
    try:
        counts = {t: await conn.fetchval(f"SELECT count(*) FROM {t}") for t in TABLES}
        keys = await all_file_keys(conn)
        return counts, keys, await violations(conn)
    finally:
        await conn.close()


async def test_documented_backup_restores_into_a_fresh_database(
    client: httpx.AsyncClient, database_url: str, upload_dir: Path, tmp_path: Path
) -> None:
    await populate(client)
    before, keys, problems = await _counts(database_url)
    assert before["images"] == 3 and set(problems.values()) == {0}

    admin = await asyncpg.connect(BASE_DSN)
    restored = f"gallery_restored_{os.getpid()}_{secrets.token_hex(4)}"
    try:
        major = await admin.fetchval("SHOW server_version_num")
        tools = {t: _pg_tool(t, int(major) // 10000) for t in ("pg_dump", "createdb", "pg_restore")}
        names = {"gallery_restored": restored, "gallery": urlsplit(database_url).path[1:]}
        backup, restore = documented_commands()
        work = tmp_path / "backup-dir"
        work.mkdir()
        restored_uploads = tmp_path / "restored-uploads"
        restored_uploads.mkdir()
        env = {**os.environ, "PWD": str(work), "PGPASSWORD": urlsplit(database_url).password or ""}
        for line in backup:
            command = localise(line, database_url, names, tools, upload_dir).replace(
                "/backup", str(work)
            )
            done = await asyncio.to_thread(
                subprocess.run,
                ["bash", "-c", command],
                cwd=work,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, (command, done.stderr)
        dump = work / "gallery.dump"
        assert dump.read_bytes()[:5] == b"PGDMP"  # the custom format, byte for byte
        for line in restore:
            command = localise(line, database_url, names, tools, restored_uploads).replace(
                "/backup", str(work)
            )
            done = await asyncio.to_thread(
                subprocess.run,
                ["bash", "-c", command],
                cwd=work,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, (command, done.stderr)

        after, restored_keys, problems = await _counts(_with_database(BASE_DSN, restored))
        assert after == before
        assert restored_keys == keys
        assert set(problems.values()) == {0}
        # Every file a restored row names is in the restored uploads, byte for byte.
        for key in keys:
            assert (restored_uploads / key).read_bytes() == (upload_dir / key).read_bytes(), key
        # The restored database is a working one: migrations recorded, nothing pending.
        conn = await asyncpg.connect(_with_database(BASE_DSN, restored))
        try:
            assert await conn.fetchval("SELECT count(*) FROM _yoyo_migration") >= 1
        finally:
            await conn.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
        await admin.close()
