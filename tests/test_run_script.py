"""The README's run command as a newcomer meets it: `bash scripts/run.sh` in a subprocess (free
PORT, its own VAR_DIR so a developer's var/ is untouched, the embedded PostgreSQL): port check
first, no rebuild of an unchanged web app, the README's importer command against the same
database, the embedded PostgreSQL stopped when run.sh ends, `stop`/`reset`; and the web app swap
that never leaves a running server without a build."""

import asyncio
import contextlib
import os
import re
import signal
import socket
import subprocess
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.images import unique_png
from tests.server_support import REPO_ROOT, free_port, running_server, until_healthy
from tests.support import until

pytestmark = pytest.mark.slow
RUN = ["bash", str(REPO_ROOT / "scripts" / "run.sh")]


def run_env(var_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "UPLOAD_DIR")}
    return {**env, "VAR_DIR": str(var_dir), "PORT": str(port)}


async def test_a_taken_port_fails_fast_before_anything_starts(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = await asyncio.to_thread(
            subprocess.run,
            RUN,
            env=run_env(tmp_path, port),
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert done.returncode == 1
    assert f"127.0.0.1:{port} is already in use" in done.stderr
    assert "PORT=8001 bash scripts/run.sh" in done.stderr  # says what to do
    assert "==>" not in done.stderr  # nothing installed, built or started first
    assert not (tmp_path / "pgdata").exists()


def readme_import_command() -> str:
    readme = (REPO_ROOT / "README.md").read_text()
    found = re.search(
        r"^(cd backend && \.\./\.venv/bin/python -m app import-photos .*)$", readme, re.M
    )
    assert found, "README shows the importer command"
    return found.group(1)


async def test_run_command_serves_imports_and_stops_its_database(tmp_path: Path) -> None:
    var_dir, port = tmp_path / "var", free_port()
    env = run_env(var_dir, port)
    # As after a first run: the web app built from today's sources (test.sh has done it already).
    built = await asyncio.to_thread(
        subprocess.run,
        ["bash", "-c", f'source "{REPO_ROOT}/scripts/lib.sh"; ensure_webapp_build'],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(
            *RUN, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        await until_healthy(proc, base, log)  # installs are done (test.sh); embedded PG + seed
        async with httpx.AsyncClient(base_url=base, timeout=5) as http:
            page = await http.get("/")
            assert page.status_code == 200 and '<div id="root"' in page.text
            gallery = (await http.get("/api/photos", params={"limit": 50})).json()
            assert len(gallery["items"]) >= 12  # the demo seed
        output = log.read_text()
        assert "web app is up to date" in output  # unchanged sources: no rebuild
        assert "building the web app" not in output
        assert (var_dir / "pgdata" / "postmaster.pid").exists()

        # The README's importer finds the database run.sh started (no DSN copied by hand).
        folder = tmp_path / "pictures"
        folder.mkdir()
        (folder / "harbour.png").write_bytes(unique_png(4242))
        command = re.sub(r"import-photos \S+", f"import-photos {folder}", readme_import_command())
        command = re.sub(r"--owner \S+", "--owner demo", command)
        imported = await asyncio.to_thread(
            subprocess.run,
            ["bash", "-c", command],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert imported.returncode == 0, imported.stderr
        assert "imported 1, duplicates skipped 0, refused 0" in imported.stdout
        # issue 22.2: its files went where run.sh's server (same VAR_DIR) serves them from.
        async with httpx.AsyncClient(base_url=base, timeout=5) as http:
            items = (await http.get("/api/photos", params={"limit": 50})).json()["items"]
            [harbour] = [item for item in items if item["title"] == "harbour"]
            for key in ("thumb_url", "thumb_2x_url", "preview_url"):
                assert (await http.get(harbour[key])).status_code == 200, (key, harbour[key])
        assert list((var_dir / "uploads").rglob("*.webp"))
        dsn = await asyncio.to_thread(
            subprocess.run, [*RUN, "dsn"], env=env, capture_output=True, text=True, timeout=60
        )
        assert dsn.stdout.startswith("postgresql://") and str(var_dir) in dsn.stdout
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # what Ctrl+C in its terminal does
        await asyncio.wait_for(proc.wait(), 60)
    # run.sh stopped its embedded PostgreSQL on the way out.
    assert "stopping the embedded PostgreSQL" in log.read_text()
    assert not (var_dir / "pgdata" / "postmaster.pid").exists()
    stopped = await asyncio.to_thread(
        subprocess.run, [*RUN, "stop"], env=env, capture_output=True, text=True, timeout=60
    )
    assert stopped.stdout.strip() == "not running"
    reset = await asyncio.to_thread(
        subprocess.run, [*RUN, "reset"], env=env, capture_output=True, text=True, timeout=60
    )
    assert reset.returncode == 0 and not (var_dir / "pgdata").exists()


async def test_swapping_in_a_new_build_never_leaves_the_server_without_one(
    database_url: str, tmp_path: Path
) -> None:
    webapp = tmp_path / "webapp"
    for name in ("dist-a", "dist-b"):
        (webapp / name / "assets").mkdir(parents=True)
        (webapp / name / "index.html").write_text(f"<html>{name}</html>")
        (webapp / name / "assets" / "app.js").write_text(f"// {name}")
    link = webapp / "dist"
    link.symlink_to("dist-a")
    env = {
        "APP_ENV": "test",
        "DATABASE_URL": database_url,
        "UPLOAD_DIR": str(tmp_path / "up"),
        "WEBAPP_DIST": str(link),
        "REDIS_URL": "",
    }
    # The builds swap back and forth until the test has seen enough (a fact, not a time): at
    # least 30 answers, both builds among them, all while the swapping goes on.
    stop = tmp_path / "stop-swapping"
    swap = (
        f'source "{REPO_ROOT}/scripts/lib.sh"; while [ ! -e "{stop}" ]; do '
        f'install_webapp_build "{webapp}/dist-b" "{link}"; install_webapp_build "{webapp}/dist-a" "{link}"; done'
    )
    async with running_server(env) as base, httpx.AsyncClient(base_url=base, timeout=10) as http:
        swapper = asyncio.create_task(
            asyncio.to_thread(
                subprocess.run,
                ["bash", "-c", swap],
                env={**os.environ, "VAR_DIR": str(tmp_path / "var")},
                capture_output=True,
                text=True,
                timeout=300,
            )
        )
        statuses: list[int] = []
        seen: set[str] = set()
        while len(statuses) < 30 or seen != {"dist-a", "dist-b"}:
            assert not swapper.done(), swapper.result().stderr  # it stops only when told
            for path in ("/", "/some/client/route", "/assets/app.js"):
                response = await http.get(path)
                statuses.append(response.status_code)
                assert response.status_code == 200, (path, response.text)
                served = {name for name in ("dist-a", "dist-b") if name in response.text}
                assert served, response.text  # always one build or the other, never nothing
                seen |= served
        stop.touch()
        assert (await swapper).returncode == 0, swapper.result().stderr
    assert sorted(p.name for p in webapp.iterdir()) == ["dist", "dist-a", "dist-b"]  # both kept


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_run_with_an_outside_database_writes_no_demo_data_into_it(
    database_url: str, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    """issue 22.5: DATABASE_URL is someone's database: run.sh says it uses it, migrates it and
    serves it, but creates no demo user and no demo objects."""
    port = free_port()
    env = {**run_env(tmp_path / "var", port), "DATABASE_URL": database_url}
    env.pop("MAX_BOT_TOKEN", None)
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(
            *RUN, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        await until_healthy(proc, f"http://127.0.0.1:{port}", log)
        # `kill <pid>`, as a supervisor stops it: only run.sh is told, and the server it started
        # must stop with it (it used to outlive it, orphaned).
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), 60)
        await until(lambda: not _group_alive(proc.pid), "the server outlived run.sh", 30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        await asyncio.wait_for(proc.wait(), 60)
    output = log.read_text()
    shown = re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", database_url)  # a password is hidden
    assert f"database: DATABASE_URL ({shown})" in output
    assert "no demo data in DATABASE_URL's database (bash scripts/run.sh --demo loads it)" in output
    assert "loading demo data" not in output and "embedded" not in output
    assert await pool.fetchval("SELECT count(*) FROM users") == 0
    assert await pool.fetchval("SELECT count(*) FROM art_objects") == 0


async def test_dump_and_restore_of_the_embedded_database(tmp_path: Path) -> None:
    """issue 22.8: `run.sh dump` / `run.sh restore` use the embedded server's own PostgreSQL 16
    client programs (a distribution's pg_dump 15 refuses the 16 server)."""
    env = run_env(tmp_path / "var", free_port())
    lib = f'source "{REPO_ROOT}/scripts/lib.sh";'

    def bash(script: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            ["bash", "-c", lib + script],
            env=env,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return done

    assert "(PostgreSQL) 16." in bash('"$(pg_bin)/pg_dump" --version').stdout
    dump = tmp_path / "gallery.dump"
    try:
        bash('embedded_postgres start "$VAR/pgdata" >/dev/null && app_cli seed-demo')
        count = (
            'app_psql() { "$(pg_bin)/psql" -tA "$(embedded_postgres dsn "$VAR/pgdata")" -c "$1"; };'
        )
        assert bash(count + 'app_psql "SELECT count(*) FROM art_objects"').stdout.strip() == "12"
        dumped = await asyncio.to_thread(
            subprocess.run,
            [*RUN, "dump", str(dump)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert dumped.returncode == 0, dumped.stderr
        assert (
            f"dumped the embedded database ({tmp_path / 'var' / 'pgdata'}) to {dump}"
            in dumped.stderr
        )
        bash(count + 'app_psql "TRUNCATE art_objects CASCADE"')
        # restore with the server stopped: it starts it, restores, and stops it again.
        bash('embedded_postgres stop "$VAR/pgdata"')
        restored = await asyncio.to_thread(
            subprocess.run,
            [*RUN, "restore", str(dump)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert restored.returncode == 0, restored.stderr
        assert (
            bash('embedded_postgres dsn "$VAR/pgdata" || echo stopped').stdout.strip() == "stopped"
        )
        bash('embedded_postgres start "$VAR/pgdata" >/dev/null')
        assert bash(count + 'app_psql "SELECT count(*) FROM art_objects"').stdout.strip() == "12"
    finally:
        bash('embedded_postgres stop "$VAR/pgdata" >/dev/null')
