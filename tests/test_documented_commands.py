"""Every command in README.md's bash blocks is run, as written, by a test (issue 22): the list
below names the test for each; a command added to the README without one fails here."""

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
from tests.server_support import REPO_ROOT, free_port

pytestmark = pytest.mark.slow

# command as written -> the test that runs it
COVERED = {
    "bash scripts/run.sh": "tests/test_run_script.py::test_run_command_serves_imports_and_stops_its_database",
    "bash scripts/test.sh": ".ci/run (CI runs it whole); tests/test_test_script.py runs it on a copy",
    "cd backend && ../.venv/bin/python -m app serve": "test_readme_serve_command_as_written",
    "cd backend && ../.venv/bin/python -m app import-photos ~/Pictures/gallery --owner demo":
        "tests/test_run_script.py::test_run_command_serves_imports_and_stops_its_database",
    "cd backend && ../.venv/bin/python -m app migrate": "test_readme_migrate_command_as_written",
}


def readme_commands() -> list[str]:
    text = (REPO_ROOT / "README.md").read_text()
    lines = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.splitlines():
            command = line.split("  #")[0].strip()
            if command and not command.startswith("#"):
                lines.append(command)
    return lines


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


async def test_readme_migrate_command_as_written() -> None:
    command = readme_command("cd backend && ../.venv/bin/python -m app migrate")
    async with new_database() as dsn:
        env = _env(DATABASE_URL=dsn)
        first = await asyncio.to_thread(subprocess.run, ["bash", "-c", command], cwd=REPO_ROOT,
                                        env=env, capture_output=True, text=True, timeout=120)
        assert first.returncode == 0, first.stderr
        assert first.stdout.strip() == "migrate: database.sql"
        again = await asyncio.to_thread(subprocess.run, ["bash", "-c", command], cwd=REPO_ROOT,
                                        env=env, capture_output=True, text=True, timeout=120)
        assert again.stdout.strip() == "migrate: schema is up to date"


async def test_readme_serve_command_as_written(tmp_path: Path) -> None:
    command = readme_command("cd backend && ../.venv/bin/python -m app serve")
    port = free_port()
    log = tmp_path / "serve.log"
    async with new_database() as dsn:
        env = _env(DATABASE_URL=dsn, PORT=str(port), VAR_DIR=str(tmp_path / "var"))
        with log.open("wb") as out:
            proc = await asyncio.create_subprocess_exec(
                "bash", "-c", command, cwd=REPO_ROOT, env=env, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
                for _ in range(600):
                    assert proc.returncode is None, log.read_text()[-3000:]
                    with contextlib.suppress(httpx.TransportError):
                        if (await http.get("/health")).status_code == 200:
                            break
                    await asyncio.sleep(0.1)
                else:
                    raise AssertionError(log.read_text()[-3000:])
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            await asyncio.wait_for(proc.wait(), 60)
    # Its state went where VAR_DIR says (the development key), none into the repository's var/.
    assert (tmp_path / "var" / "jwt_secret").exists()
