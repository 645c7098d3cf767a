"""Shared helpers for the benchmarks: databases, server subprocesses, wrk, percentiles.

Only the benchmarks import this; nothing in the app depends on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
for extra in (ROOT, ROOT / "backend"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

# The PostgreSQL server the benchmarks make their databases on: any DSN (its database part is
# replaced), a TCP one or an embedded server's Unix-socket one (`?host=/path`).
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")


def dsn_for(database: str) -> str:
    """PG with its database set to `database`."""
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(PG)._replace(path=f"/{database}"))


JWT_SECRET = "bench-jwt-secret-0123456789abcdef-0123456789"
MAX_BOT_TOKEN = "123456:test-max-bot-token"
UVICORN = str(ROOT / ".venv" / "bin" / "uvicorn")


def raise_nofile(want: int = 65536) -> int:
    """Raise the soft fd limit as far as the hard limit allows; returns the new soft limit."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine() -> str:
    model = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"nproc={os.cpu_count()}, CPU `{model}`, RAM {mem_gb:.0f} GiB, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )


# --------------------------------------------------------------------------- databases


async def fresh_db(name: str, schema: bool = True) -> str:
    """Drop and recreate a database of our own; create the schema. Returns its DSN."""
    admin = await asyncpg.connect(dsn_for("postgres"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    dsn = dsn_for(name)
    if schema:
        from app.core.migrations import migrate  # database.sql + migrations marked applied

        await asyncio.to_thread(migrate, dsn)
    return dsn


async def drop_db(name: str) -> None:
    admin = await asyncpg.connect(dsn_for("postgres"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def postgres_pids(dsn: str) -> list[int]:
    """The PostgreSQL backends serving the bench database (other databases on the shared
    server are not ours to count)."""

    async def query() -> list[int]:
        conn = await asyncpg.connect(dsn)
        try:
            rows = await conn.fetch(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
            )
        finally:
            await conn.close()
        return [r["pid"] for r in rows]

    return asyncio.run(query())


# --------------------------------------------------------------------------- servers


class Server:
    """One uvicorn (optionally --workers N) as a subprocess in its own session."""

    def __init__(
        self,
        dsn: str,
        port: int | None = None,
        workers: int = 1,
        env: dict[str, str] | None = None,
        nofile: int | None = None,
        cpus: str | None = None,
        app: str = "app.main:app",
        args: tuple[str, ...] = (),
    ) -> None:
        self.dsn = dsn
        self.app = app  # the ASGI app uvicorn loads (a bench may wrap the real one)
        self.args = args  # more uvicorn options (bench_ws: --ws ..., --ws-per-message-deflate)
        self.cpus = cpus  # taskset CPU list for the server (e.g. "0"), None = not pinned
        self.port = port or free_port()
        self.workers = workers
        self.extra_env = env or {}
        self.nofile = nofile
        self.upload_dir = tempfile.mkdtemp(prefix="bench-uploads-")
        self.proc: subprocess.Popen | None = None
        # Kept open for the server's lifetime (its stdout/stderr), hence no context manager.
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="bench-server-", suffix=".log", delete=False
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        env = {
            **os.environ,
            "DATABASE_URL": self.dsn,
            "JWT_SECRET": JWT_SECRET,
            "MAX_BOT_TOKEN": MAX_BOT_TOKEN,
            "UPLOAD_DIR": self.upload_dir,
            "APP_ENV": "test",
            "REDIS_URL": "",
            "DB_POOL_MAX": "20",
            **self.extra_env,
        }
        cmd = [UVICORN, self.app, "--app-dir", "backend", "--port", str(self.port)]
        cmd += ["--no-access-log", "--log-level", "warning", *self.args]
        if self.workers > 1:
            cmd += ["--workers", str(self.workers)]
        if self.nofile:
            cmd = ["prlimit", f"--nofile={self.nofile}", *cmd]
        if self.cpus is not None and shutil.which("taskset"):
            cmd = ["taskset", "-c", self.cpus, *cmd]
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {Path(self.log.name).read_text()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    if self.workers > 1:
                        time.sleep(2)  # let every worker finish its lifespan start-up
                    return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("server did not become healthy in 60 s")

    def pids(self) -> list[int]:
        """The uvicorn process and its workers (for CPU accounting)."""
        if self.proc is None:
            return []
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True
        ).stdout.split()
        return [self.proc.pid, *map(int, out)]

    def stop(self) -> None:
        try:
            self._stop()
        finally:
            shutil.rmtree(self.upload_dir, ignore_errors=True)

    def _stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)  # our own session: uvicorn + its workers
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)

    def log_tail(self, n: int = 4000) -> str:
        return Path(self.log.name).read_text(errors="replace")[-n:]

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def cpu_seconds(pids: list[int]) -> float:
    """utime+stime of the given processes (from /proc), in seconds."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


# --------------------------------------------------------------------------- wrk

WRK_LUA = BENCH / "wrk_report.lua"


def wrk(
    url: str,
    connections: int = 64,
    duration: int = 10,
    threads: int = 2,
    timeout: int = 5,
    cpus: str | None = None,
    headers: dict[str, str] | None = None,
    script: Path = WRK_LUA,
) -> dict:
    """Run wrk; the Lua done() hook prints a JSON line with rate, percentiles and errors.
    ``cpus`` pins wrk with taskset (e.g. "1" while the server is pinned to "0"); ``script``
    another Lua file that loads that hook (wrk_new_search.lua: a new search every request)."""
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", f"--timeout={timeout}s"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    if cpus is not None and shutil.which("taskset"):
        cmd = ["taskset", "-c", cpus, *cmd]
    cmd += ["-s", str(script), url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("JSON "))
    result = json.loads(line[5:])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    for key in ("p50", "p90", "p99", "max", "mean"):
        result[key] = result[key] / 1000  # us -> ms
    return result


class CpuMeter:
    """CPU seconds used by a set of processes over a stretch of wall time: pidstat (Debian
    sysstat) when installed, else the same utime+stime counters read from /proc directly."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.proc: subprocess.Popen | None = None
        self.started = 0.0
        self.before = 0.0

    def __enter__(self) -> CpuMeter:
        self.started = time.monotonic()
        self.before = cpu_seconds(self.pids)
        if shutil.which("pidstat") and self.pids:
            cmd = ["pidstat", "-h", "-u", "-p", ",".join(map(str, self.pids)), "1"]
            self.proc = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, text=True, env={**os.environ, "LC_ALL": "C"}
            )
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.monotonic() - self.started
        self.seconds = cpu_seconds(self.pids) - self.before
        self.source = "/proc"
        if self.proc is not None:
            self.proc.send_signal(signal.SIGINT)
            out = self.proc.communicate(timeout=10)[0]
            total, col = 0.0, None
            for line in out.splitlines():
                fields = line.split()
                if line.startswith("#"):
                    col = fields.index("%CPU") - 1 if "%CPU" in fields else None
                elif col is not None and len(fields) > col and not line.startswith("Average"):
                    with contextlib.suppress(ValueError):
                        total += float(fields[col]) / 100  # one sample = 1 s of wall time
            if total > 0:
                self.seconds, self.source = total, "pidstat"


def rx(pattern: str, text: str) -> str | None:
    m = re.search(pattern, text)
    return m.group(1) if m else None


def busy_note() -> str:
    """How busy the (shared) machine is right now: load average and CPU pressure (PSI)."""
    load = Path("/proc/loadavg").read_text().split()[:3]
    psi = "n/a"
    with contextlib.suppress(OSError):
        line = Path("/proc/pressure/cpu").read_text().splitlines()[0]
        psi = rx(r"avg10=([\d.]+)", line) + " %"
    return f"load average {' '.join(load)}, CPU pressure (PSI some avg10) {psi}"
