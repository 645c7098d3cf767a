"""The one server command, `python -m app serve` (app/cli.py): every uvicorn option the app needs
comes from settings, every launcher uses it, and what those options are for is proven on a real
server — JSON lines with no query string and no uvicorn access log, WebSocket messages capped at
WS_MAX_SIZE (issue 19 N10), the metrics directory made and emptied or a clear error. Plain
`uvicorn app.main:app` (no flags) still logs JSON."""

import asyncio
import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import websockets
import yaml

from app.cli import serve_options
from app.core.config import Settings
from app.core.logs import log_config
from tests.server_support import REPO_ROOT, SERVE, running_server

pytestmark = pytest.mark.slow
BACKEND = REPO_ROOT / "backend"


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, app_env="test", jwt_secret="s" * 40, **values)  # type: ignore[call-arg]


def test_serve_sets_every_option_from_settings() -> None:
    options = serve_options(
        _settings(
            host="0.0.0.0",
            port=8123,
            web_concurrency=3,
            ws_max_size=4096,
            worker_healthcheck_timeout=45,
        )
    )
    assert options == {
        "host": "0.0.0.0",
        "port": 8123,
        "workers": 3,
        "timeout_worker_healthcheck": 45,
        "http": "app.server.http_server:HeaderTimeoutProtocol",
        "ws": "app.server.ws_server:DirectSendProtocol",
        "ws_per_message_deflate": False,
        "ws_max_size": 4096,
        "log_config": log_config(),
        "access_log": False,
        "timeout_keep_alive": 75,  # above nginx's 60 s upstream keepalive_timeout
        "server_header": False,
    }
    assert log_config()["formatters"]["json"]["()"] == "app.core.logs.JsonFormatter"
    defaults = serve_options(_settings())
    assert (defaults["host"], defaults["port"], defaults["workers"]) == ("127.0.0.1", 8000, 1)
    assert defaults["timeout_worker_healthcheck"] == 30  # uvicorn's 5 s kills busy workers
    assert defaults["ws_max_size"] == 16 * 1024  # far below uvicorn's 16 MiB


def test_every_launcher_starts_the_one_server_command() -> None:
    dockerfile = (BACKEND / "Dockerfile").read_text()
    assert re.search(r"^CMD (.*)$", dockerfile, re.M).group(1) == '["python", "-m", "app", "serve"]'
    assert "HOST=0.0.0.0" in dockerfile and "PORT=8000" in dockerfile
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    assert compose["services"]["backend"]["command"] == ["python", "-m", "app", "serve"]
    for script in ("scripts/run.sh", "scripts/e2e.sh"):
        text = (REPO_ROOT / script).read_text()
        assert re.search(r"^\s*(\S+=\S+ )*app_cli serve\b", text, re.M), script
    assert 'app_cli() { PYTHONPATH="$ROOT/backend' in (REPO_ROOT / "scripts/lib.sh").read_text()
    assert SERVE[1:] == ("-m", "app", "serve")
    assert (
        '[sys.executable, "-m", "app", "serve"]'
        in (REPO_ROOT / "tests/nginx_support.py").read_text()
    )
    for doc in ("README.md", "docs/operations.md"):
        assert "python -m app serve" in (REPO_ROOT / doc).read_text(), doc
    # Nobody spells the flags out any more: one list, in app/cli.py.
    for launcher in (
        "scripts/run.sh",
        "scripts/e2e.sh",
        "backend/Dockerfile",
        "docker-compose.yml",
        "tests/server_support.py",
        "tests/nginx_support.py",
        "README.md",
        "docs/operations.md",
    ):
        text = (REPO_ROOT / launcher).read_text()
        assert "--ws app.core" not in text and "--log-config" not in text, launcher


async def _wait_for_log(log: Path, pattern: str) -> list[dict]:
    """The server's JSON lines once one matches `pattern` (the request line is written as the
    response finishes, so it can trail the response by a moment)."""
    for _ in range(300):
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
        if any(re.search(pattern, json.dumps(line)) for line in lines):
            return lines
        await asyncio.sleep(0.02)
    raise AssertionError(f"no log line matching {pattern!r} in:\n{log.read_text()[-3000:]}")


def _env(database_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "APP_ENV": "test",
        "DATABASE_URL": database_url,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "REDIS_URL": "",
        "JWT_SECRET": "serve-test-" + "x" * 32,
        **extra,
    }


async def test_the_server_logs_json_without_query_strings_and_caps_websocket_messages(
    database_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    env = _env(database_url, tmp_path, WS_MAX_SIZE="2048")
    async with running_server(env, log_to=log) as base:
        async with httpx.AsyncClient(base_url=base) as http:
            assert (
                await http.get("/api/photos", params={"secret": "s3cr3t-in-url"})
            ).status_code == 200
        ws_url = base.replace("http://", "ws://") + "/api/ws"
        async with websockets.connect(ws_url, max_size=None) as socket:
            # Just under the cap: read and answered.
            fits = json.dumps({"type": "auth", "token": None, "pad": ""})
            await socket.send(fits[:-2] + "x" * (2048 - len(fits)) + '"}')
            assert json.loads(await socket.recv())["type"] == "authenticated"
            # Over it: the server closes the socket before buffering the message (1009).
            await socket.send(json.dumps({"type": "auth", "token": None, "pad": "x" * 2100}))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(socket.recv(), 10)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
        lines = await _wait_for_log(log, r'"route": "/api/photos"')
    assert "s3cr3t-in-url" not in log.read_text()
    assert not [line for line in lines if line.get("logger") == "uvicorn.access"]
    assert any(line.get("logger") == "uvicorn.error" for line in lines)  # uvicorn's own, as JSON


async def test_plain_uvicorn_logs_json_and_makes_a_missing_metrics_directory(
    database_url: str, tmp_path: Path
) -> None:
    """No flags at all: the app installs its logging over uvicorn's plain-text defaults, and a
    PROMETHEUS_MULTIPROC_DIR that does not exist yet is created instead of killing the worker."""
    log, metrics_dir = tmp_path / "plain.log", tmp_path / "not" / "yet" / "metrics"
    plain = (
        sys.executable,
        "-m",
        "uvicorn",
        "app.main:app",
        "--app-dir",
        str(BACKEND),
        "--host",
        "127.0.0.1",
    )
    env = _env(database_url, tmp_path, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
    async with running_server(env, command=plain, log_to=log) as base:
        async with httpx.AsyncClient(base_url=base) as http:
            assert (
                await http.get("/api/photos", params={"token": "t0ken-in-url"})
            ).status_code == 200
            assert "gallery_http_requests_total" in (await http.get("/metrics")).text
        await _wait_for_log(log, r'"route": "/api/photos"')
    assert metrics_dir.is_dir()
    text = log.read_text()
    assert "t0ken-in-url" not in text
    for line in text.splitlines():
        if line.strip():
            json.loads(line)  # every line is JSON, uvicorn's own included


async def test_serve_empties_the_metrics_directory_before_its_workers_start(
    database_url: str, tmp_path: Path
) -> None:
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    stale = metrics_dir / "counter_999999.db"
    stale.write_bytes(b"an earlier run's counters")
    env = _env(
        database_url, tmp_path, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir), WEB_CONCURRENCY="2"
    )
    async with running_server(env) as base, httpx.AsyncClient(base_url=base) as http:
        assert (await http.get("/metrics")).status_code == 200
        assert not stale.exists()


def test_an_unusable_metrics_directory_stops_serve_with_its_name(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    env = {
        "APP_ENV": "test",
        "PROMETHEUS_MULTIPROC_DIR": str(blocker / "metrics"),
        "PYTHONPATH": str(BACKEND),
        "PATH": "/usr/bin:/bin",
        "PORT": "1",
    }
    done = subprocess.run(SERVE, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert (
        f"PROMETHEUS_MULTIPROC_DIR={blocker / 'metrics'}: cannot create or empty it" in done.stderr
    )
    assert "Traceback" not in done.stderr
