"""Every command in the bash blocks of README.md and docs/operations.md is run, as written, by a
test (issue 22): the lists below name the test for each; a command added without one fails here.
The Docker commands of docs/operations.md cannot run where the tests run (no Docker engine): each
is listed with what runs in its place, and the document says so beside each block."""

import asyncio
import contextlib
import os
import re
import signal
import subprocess
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.conftest import BASE_DSN, _with_database
from tests.server_support import (
    REPO_ROOT,
    free_port,
    postgres_client,
    running_server,
    until_healthy,
)

pytestmark = pytest.mark.slow

# command as written -> the test that runs it
COVERED = {
    "bash scripts/run.sh": "tests/test_run_script.py::test_run_command_serves_imports_and_stops_its_database",
    "bash scripts/test.sh": ".ci/run (CI runs it whole); tests/test_test_script.py runs it on a copy",
    "cd backend && ../.venv/bin/python -m app serve": "test_readme_serve_command_as_written",
    "cd backend && ../.venv/bin/python -m app import-photos ~/Pictures/gallery --owner demo": "tests/test_run_script.py::test_run_command_serves_imports_and_stops_its_database",
    "cd backend && ../.venv/bin/python -m app migrate": "test_readme_migrate_command_as_written",
}


NO_DOCKER = "not run: no Docker engine here; "
COMPOSE_CONFIG = "tests/test_edge_nginx.py::test_docker_compose_config_is_valid"
SEEDS_IN_DB = NO_DOCKER + "the psql command inside it: tests/test_seeds.py"
# docs/operations.md: command as written -> the test that runs it (or what runs in its place)
COVERED_OPERATIONS = {
    "cp .env.example .env": COMPOSE_CONFIG + " (a filled-in copy of .env.example)",
    "docker compose up -d --build": NO_DOCKER + COMPOSE_CONFIG,
    "docker compose ps -a": NO_DOCKER + COMPOSE_CONFIG,
    "curl -s localhost/health": NO_DOCKER
    + "/health through nginx.conf: tests/test_edge_nginx.py::test_health_and_openapi_pass_through",
    "cd backend && ../.venv/bin/python -m app.cli bot set-webhook": "tests/test_bot.py::test_cli_set_webhook_registers_webhook_commands_and_menu_on_both_platforms",
    "cd backend && ../.venv/bin/python -m app migrate": "test_operations_migrate_adopts_a_schema_from_an_older_database_sql",
    "git pull": "not run (the operator's update of the clone)",
    "docker compose build": NO_DOCKER + "the image's install steps: tests/test_operations.py",
    "docker compose run --rm migrate": NO_DOCKER
    + "its command: tests/test_migrations.py::test_documented_migrate_command",
    "docker compose up -d": NO_DOCKER + COMPOSE_CONFIG,
    "docker compose --profile s3 up -d": NO_DOCKER
    + "S3 storage against moto: tests/test_storage.py",
    "docker compose exec -T db pg_dump -U gallery -Fc gallery > gallery.dump": NO_DOCKER
    + "the command inside it: tests/test_backup.py::test_documented_backup_restores_into_a_fresh_database",
    'docker compose run --rm --no-deps -v "$PWD":/backup backend tar czf /backup/uploads.tgz -C /data/uploads .': NO_DOCKER
    + "the command inside it: tests/test_backup.py::test_documented_backup_restores_into_a_fresh_database",
    "docker compose exec -T db createdb -U gallery gallery_restored": NO_DOCKER
    + "the command inside it: tests/test_backup.py::test_documented_backup_restores_into_a_fresh_database",
    "docker compose exec -T db pg_restore -U gallery -d gallery_restored --no-owner --exit-on-error < gallery.dump": NO_DOCKER
    + "the command inside it: tests/test_backup.py::test_documented_backup_restores_into_a_fresh_database",
    'docker compose run --rm --no-deps -v "$PWD":/backup backend tar xzf /backup/uploads.tgz -C /data/uploads': NO_DOCKER
    + "the command inside it: tests/test_backup.py::test_documented_backup_restores_into_a_fresh_database",
    "docker compose up -d --scale backend=3": NO_DOCKER
    + "replicas behind nginx.conf: tests/test_three_hosts.py",
    "docker compose exec frontend nginx -s reload": NO_DOCKER
    + "nginx.conf under nginx: tests/test_edge_nginx.py",
    "docker compose exec db psql -U gallery -d gallery -v user_id=42 -f /seeds/make_admin.sql": SEEDS_IN_DB,
    "docker compose exec db psql -U gallery -d gallery -v messenger=max -v external_id=123456789 "
    "-v display_name='Anna K.' -f /seeds/create_users.sql": SEEDS_IN_DB,
    "docker compose exec db psql -U gallery -d gallery -v owner_id=42 -v title='Sunset' ... -f /seeds/mint_objects.sql": SEEDS_IN_DB,
    "docker compose exec db psql -U gallery -d gallery -v object_id=17 -v user_id=42 -f /seeds/assign_owner.sql": SEEDS_IN_DB,
    "docker compose run --rm -v /srv/photos:/import:ro backend python -m app import-photos /import --owner 42": NO_DOCKER
    + "the importer: tests/test_cli.py::test_import_photos_imports_skips_duplicates_and_refuses_non_images",
}


def bash_blocks(document: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", (REPO_ROOT / document).read_text(), re.S)


def commands(document: str) -> list[str]:
    """The commands of a document's bash blocks: comments dropped, continued lines joined."""
    lines = []
    for block in bash_blocks(document):
        joined = re.sub(r"\\\n\s*", "", block)
        for line in joined.splitlines():
            command = line.split("  #")[0].strip()
            if command and not command.startswith("#"):
                lines.append(command)
    return lines


def readme_commands() -> list[str]:
    return commands("README.md")


def test_every_operations_command_is_run_by_a_test_or_says_why_not() -> None:
    assert sorted(commands("docs/operations.md")) == sorted(COVERED_OPERATIONS), (
        "a docs/operations.md command without an entry in COVERED_OPERATIONS"
    )


def test_every_docker_block_says_it_was_not_run_here() -> None:
    """issue 22: the Docker commands cannot run on the development machine; the document says
    so right after each block that has one."""
    text = (REPO_ROOT / "docs" / "operations.md").read_text()
    for match in re.finditer(r"```bash\n(.*?)```\n", text, re.S):
        if "docker " in match.group(1):
            after = text[match.end() : match.end() + 200]
            assert "(no Docker engine there)" in after, match.group(1)


def test_every_readme_command_is_run_by_a_test() -> None:
    assert sorted(readme_commands()) == sorted(COVERED), "a README command without a test"


def readme_command(start: str) -> str:
    found = [c for c in readme_commands() if c.startswith(start)]
    assert len(found) == 1, found
    return found[0]


@contextlib.asynccontextmanager
async def new_database():
    admin = await asyncpg.connect(BASE_DSN)
    name = f"gallery_docs_{os.getpid()}"
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(BASE_DSN, name)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def _env(**values: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    return {**keep, "APP_ENV": "test", "REDIS_URL": "", **values}


async def _bash(command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A documented command as written, from the repository's root, off the event loop."""
    return await asyncio.to_thread(
        subprocess.run,
        ["bash", "-c", command],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_readme_migrate_command_as_written() -> None:
    command = readme_command("cd backend && ../.venv/bin/python -m app migrate")
    async with new_database() as dsn:
        env = _env(DATABASE_URL=dsn)
        first = await _bash(command, env)
        assert first.returncode == 0, first.stderr
        assert first.stdout.strip() == "migrate: database.sql"
        again = await _bash(command, env)
        assert again.stdout.strip() == "migrate: schema is up to date"


async def test_operations_migrate_adopts_a_schema_from_an_older_database_sql(
    tmp_path: Path,
) -> None:
    """docs/operations.md, "A database loaded by hand from an older database.sql": the newest
    database.sql without the record (2e3fa26), loaded with psql; the documented command as
    written; then the server starts on it."""
    [command] = [c for c in commands("docs/operations.md") if "-m app migrate" in c]
    shown = await asyncio.to_thread(
        subprocess.run,
        ["git", "show", "2e3fa26:database.sql"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    if shown.returncode != 0:
        pytest.skip(
            f"needs the git history (a full clone, `git fetch --unshallow`): {shown.stderr}"
        )
    older = tmp_path / "database.sql"
    older.write_text(shown.stdout)
    async with new_database() as dsn:
        loaded = await asyncio.to_thread(
            subprocess.run,
            [postgres_client("psql"), "-q", "-v", "ON_ERROR_STOP=1", "-f", str(older), dsn],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert loaded.returncode == 0, loaded.stderr
        env = _env(DATABASE_URL=dsn)
        first = await _bash(command, env)
        assert first.returncode == 0, first.stderr
        lines = first.stdout.strip().splitlines()
        assert "migrate: found in the schema, recorded 0002.images" in lines, first.stdout
        assert "migrate: found in the schema, recorded 0012.wake-ups-outside-writes" in lines
        assert "migrate: applied 0010.collectors-gallery" in lines
        again = await _bash(command, env)
        assert again.stdout.strip() == "migrate: schema is up to date"
        server_env = {
            "APP_ENV": "test",
            "DATABASE_URL": dsn,
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "REDIS_URL": "",
            "JWT_SECRET": "adopted-" + "x" * 32,
        }
        async with running_server(server_env) as base, httpx.AsyncClient(base_url=base) as http:
            assert (await http.get("/health")).json()["db"] == "ok"
            assert (await http.get("/api/photos")).status_code == 200


async def test_readme_serve_command_as_written(tmp_path: Path) -> None:
    command = readme_command("cd backend && ../.venv/bin/python -m app serve")
    port = free_port()
    log = tmp_path / "serve.log"
    async with new_database() as dsn:
        env = _env(DATABASE_URL=dsn, PORT=str(port), VAR_DIR=str(tmp_path / "var"))
        with log.open("wb") as out:
            proc = await asyncio.create_subprocess_exec(
                "bash",
                "-c",
                command,
                cwd=REPO_ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            await until_healthy(proc, f"http://127.0.0.1:{port}", log)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            await asyncio.wait_for(proc.wait(), 60)
    # Its state went where VAR_DIR says (the development key), none into the repository's var/.
    assert (tmp_path / "var" / "jwt_secret").exists()
