"""Real server processes for tests: `async with running_server(env) as base_url:`.

Starts `python -m app serve` (the one server command every launcher uses; one worker unless
`env` sets WEB_CONCURRENCY, this interpreter's venv) on a free port, waits until `/health` answers
200 and always terminates it afterwards. `env` is the app's whole configuration: the process
inherits this environment *minus* every app setting (DATABASE_URL, REDIS_URL, PORT, ... as read
by `Settings`, and uvicorn's FORWARDED_ALLOW_IPS), so the test runner's own variables never
leak into a server. The server's output goes to a log file that is quoted when it fails to start.
"""

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import BinaryIO

import httpx

from app.core.config import Settings

REPO_ROOT = Path(__file__).resolve().parents[1]
# The one server command (app/cli.py `serve`): every uvicorn option comes from settings.
SERVE = (sys.executable, "-m", "app", "serve")
_SETTINGS_ENV = {name.upper() for name in Settings.model_fields}


def postgres_client(name: str) -> str:
    """A PostgreSQL client program (psql, pg_dump, pg_restore): the one the pgserver wheel ships
    (PostgreSQL 16, the embedded server's own), else the one on PATH."""
    import pgserver  # dev dependency

    shipped = Path(pgserver.__file__).parent / "pginstall" / "bin" / name
    if shipped.exists():
        return str(shipped)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed and the pgserver wheel ships none")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(path: Path, chars: int = 4000) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    return text[-chars:]


def _open_log(path: Path) -> BinaryIO:
    return open(path, "wb")  # a new empty file: nothing here blocks the loop for long


async def _stop(proc: asyncio.subprocess.Process, grace: float = 10.0) -> None:
    if proc.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        await asyncio.wait_for(proc.wait(), grace)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        await proc.wait()


async def _wait_ready(proc: asyncio.subprocess.Process, base_url: str, within: float) -> str:
    """Empty when /health answered 200, else why not (the process exited, or timed out)."""
    last = "no answer"
    async with httpx.AsyncClient(timeout=2.0) as http:
        deadline = asyncio.get_running_loop().time() + within
        while asyncio.get_running_loop().time() < deadline:
            if proc.returncode is not None:
                return f"exited with {proc.returncode}"
            try:
                response = await http.get(f"{base_url}/health")
                if response.status_code == 200:
                    return ""
                last = f"/health answered {response.status_code}: {response.text[:200]}"
            except httpx.TransportError as exc:
                last = repr(exc)
            await asyncio.sleep(0.1)
    return f"not ready in {within:.0f} s ({last})"


@asynccontextmanager
async def running_server(
    env: dict[str, str],
    *,
    within: float = 30.0,
    command: tuple[str, ...] = SERVE,
    log_to: Path | None = None,
) -> AsyncIterator[str]:
    """A server process with `env`; yields its base URL (`http://127.0.0.1:<port>`).

    `command` is `python -m app serve` unless a test starts the app another way (plain uvicorn);
    with `log_to` the server's output is written to that file (kept) instead of a temporary one.
    """
    base_env = {k: v for k, v in os.environ.items() if k.upper() not in _SETTINGS_ENV}
    # FORWARDED_ALLOW_IPS (uvicorn's one proxy setting: whose X-Forwarded-For it believes) is
    # the test's to choose, never the runner's; default: uvicorn's own, the loopback.
    base_env.pop("FORWARDED_ALLOW_IPS", None)
    # Bot clients never reach the network: a closed loopback port unless the test names a fake.
    no_network = {
        "TELEGRAM_BOT_API_URL": "http://127.0.0.1:9",
        "MAX_BOT_API_URL": "http://127.0.0.1:9",
    }
    pythonpath = os.pathsep.join(
        filter(None, [str(REPO_ROOT / "backend"), base_env.get("PYTHONPATH")])
    )
    full_env = {
        **base_env,
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": pythonpath,
        "HOST": "127.0.0.1",
        **no_network,
        **env,
    }
    log_dir = Path(tempfile.mkdtemp(prefix="gallery-server-"))
    try:
        for attempt in range(
            3
        ):  # another process may grab the free port before the server binds it
            port = free_port()
            log_path = log_to or log_dir / f"server-{port}.log"
            with _open_log(log_path) as log:
                proc = await asyncio.create_subprocess_exec(
                    *command,
                    *(("--port", str(port)) if command != SERVE else ()),
                    cwd=REPO_ROOT,
                    env={**full_env, "PORT": str(port)},
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=log,
                    stderr=asyncio.subprocess.STDOUT,
                    start_new_session=True,  # its own process group: stopped with its children
                )  # fmt: skip
            base_url = f"http://127.0.0.1:{port}"
            try:
                problem = await _wait_ready(proc, base_url, within)
                if problem and "address already in use" in _tail(log_path).lower() and attempt < 2:
                    continue
                if problem:
                    raise RuntimeError(f"server on port {port} {problem}:\n{_tail(log_path)}")
                yield base_url
                return
            finally:
                await _stop(proc)
    finally:
        shutil.rmtree(log_dir, ignore_errors=True)


async def until_healthy(proc: asyncio.subprocess.Process, base: str, log: Path) -> None:
    """Waits for `GET /health` 200 from a server a script started (its log shown if the script
    ends first or it never answers)."""
    async with httpx.AsyncClient(base_url=base, timeout=5) as http:
        for _ in range(1800):
            assert proc.returncode is None, log.read_text()[-3000:]
            with contextlib.suppress(httpx.TransportError):
                if (await http.get("/health")).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise AssertionError(log.read_text()[-3000:])
