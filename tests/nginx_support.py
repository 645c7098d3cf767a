"""Helpers for the edge tests: render nginx.conf for a test run, run real server processes.

The rendering is plain string replacement of the values marked "[test: rewritten]" in
nginx.conf; everything else in the file is what production runs.
"""

import asyncio
import contextlib
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]
NGINX_CONF = REPO_ROOT / "nginx.conf"


def find_nginx() -> str | None:
    """The nginx binary (Debian puts it in /usr/sbin, which a non-root PATH may lack)."""
    found = shutil.which("nginx")
    if found:
        return found
    for candidate in ("/usr/sbin/nginx", "/usr/local/sbin/nginx"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def render_nginx_conf(
    *,
    listen_port: int,
    backend_port: int,
    web_root: Path,
    upload_dir: Path,
    runtime_dir: Path,
    source: str | None = None,
) -> str:
    """nginx.conf with its marked container values pointed at this test's ports and dirs."""
    text = NGINX_CONF.read_text() if source is None else source
    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    # (marked string in nginx.conf, replacement, how many times it must appear)
    replacements: list[tuple[str, str, int]] = [
        ("user nginx;", f"user {user} {group};", 1),
        ("pid /var/run/nginx.pid;", f"pid {runtime_dir / 'nginx.pid'};", 1),
        ("/var/log/nginx/", f"{runtime_dir / 'logs'}/", 2),
        ("/var/cache/nginx/", f"{runtime_dir / 'cache'}/", 5),
        ("server backend:8000;", f"server 127.0.0.1:{backend_port};", 1),
        ("listen 80;", f"listen 127.0.0.1:{listen_port};", 1),
        ("root /usr/share/nginx/html;", f"root {web_root};", 1),
        ("root /data/uploads;", f"root {upload_dir};", 1),
    ]
    for marked, value, count in replacements:
        found = text.count(marked)
        if found != count:
            raise AssertionError(f"nginx.conf: expected {marked!r} {count} time(s), found {found}")
        text = text.replace(marked, value)
    return text


@dataclass
class Proc:
    """A server subprocess whose output goes to a log file."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def start_process(
    name: str,
    argv: Sequence[str],
    *,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Proc:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            list(argv),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,  # its own process group: we can stop it and its children
        )
    return Proc(name, process, log_path)


def stop_process(proc: Proc, timeout: float = 10.0) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left after `timeout`."""
    if proc.process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.process.pid, signal.SIGTERM)
        try:
            proc.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.process.pid, signal.SIGKILL)
            proc.process.wait(timeout=timeout)


async def wait_http_ok(url: str, proc: Proc, within: float = 30.0) -> None:
    """Poll `url` until it answers 200; fail early (with the log) if the process died."""
    deadline = time.monotonic() + within
    last_error = ""
    async with httpx.AsyncClient(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if proc.process.poll() is not None:
                raise RuntimeError(f"{proc.name} exited ({proc.process.returncode}):\n{proc.log()}")
            try:
                response = await client.get(url)
                if response.status_code == 200:
                    return
                last_error = f"HTTP {response.status_code}: {response.text[:200]}"
            except httpx.TransportError as exc:
                last_error = repr(exc)
            await asyncio.sleep(0.2)
    raise TimeoutError(f"{proc.name}: {url} not ready in {within}s ({last_error}):\n{proc.log()}")


def serve_argv() -> list[str]:
    """The backend as the image runs it (backend/Dockerfile: `python -m app serve`); the caller's
    env gives it HOST, PORT and PYTHONPATH (`serve_env`)."""
    return [sys.executable, "-m", "app", "serve"]


def serve_env(port: int) -> dict[str, str]:
    return {"HOST": "127.0.0.1", "PORT": str(port), "PYTHONPATH": str(REPO_ROOT / "backend")}


def nginx_argv(nginx: str, conf: Path, runtime_dir: Path) -> list[str]:
    return [
        nginx,
        "-p",
        f"{runtime_dir}/",
        "-e",
        str(runtime_dir / "logs" / "startup.log"),
        "-c",
        str(conf),
        "-g",
        "daemon off;",
    ]
