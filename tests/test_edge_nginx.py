"""The edge: the real nginx.conf under Debian's nginx, in front of a real backend process.

nginx.conf is rendered by plain string replacement of its marked container values (ports,
paths, the upstream address; tests/nginx_support.py) — the rest is the production file. Also
checks docker-compose.yml (structure, and `docker compose config` where a compose tool exists).
"""

import asyncio
import gzip
import io
import json
import os
import random
import re
import shutil
import subprocess
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
import yaml
from PIL import Image

from tests.nginx_support import (
    REPO_ROOT,
    Proc,
    find_nginx,
    free_port,
    nginx_argv,
    render_nginx_conf,
    serve_argv,
    serve_env,
    start_process,
    stop_process,
    wait_http_ok,
)
from tests.support import MAX_BOT_TOKEN, make_init_data, until

pytestmark = pytest.mark.slow

NGINX = find_nginx()
needs_nginx = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (apt-get install nginx-light)"
)

INDEX_HTML = "<!doctype html><html><head><title>edge-test</title></head><body><div id=root>edge-test-index</div></body></html>\n"
# Big and repetitive enough that gzip obviously applies (> gzip_min_length 1024).
APP_JS = "".join(f"export const value{i} = 'max photo gallery {i}';\n" for i in range(800))
MIB = 1024 * 1024


@dataclass
class Edge:
    url: str
    ws_url: str
    upload_dir: Path
    backend: Proc
    nginx: Proc
    runtime_dir: Path

    def access_log(self) -> str:
        path = self.runtime_dir / "logs" / "access.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logged(self, method: str, uri: str, status: int) -> list[dict]:
        """nginx's access-log entries (one JSON object per line) for this request."""
        entries = [json.loads(line) for line in self.access_log().splitlines() if line.strip()]
        return [e for e in entries if (e["method"], e["uri"], e["status"]) == (method, uri, status)]


@pytest.fixture(scope="module")
async def edge(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Edge]:
    if NGINX is None:
        pytest.skip("nginx is not installed")
    base = tmp_path_factory.mktemp("edge")
    web_root = base / "dist"
    (web_root / "assets").mkdir(parents=True)
    (web_root / "index.html").write_text(INDEX_HTML)
    (web_root / "assets" / "app-abc123.js").write_text(APP_JS)
    upload_dir = base / "uploads"
    (upload_dir / "media").mkdir(parents=True)
    runtime_dir = base / "nginx"
    for sub in ("logs", "cache"):
        (runtime_dir / sub).mkdir(parents=True)
    # nginx workers drop privileges to the current user; pytest's tmp dirs are 0700.
    for path in (base, web_root, upload_dir, runtime_dir):
        path.chmod(0o755)

    backend_port, nginx_port = free_port(), free_port()
    env = {
        key: os.environ[key]
        for key in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
        if key in os.environ
    }
    env.update(
        APP_ENV="test",
        DATABASE_URL=database_url,
        JWT_SECRET="edge-test-secret-" + "x" * 32,
        MAX_BOT_TOKEN=MAX_BOT_TOKEN,
        UPLOAD_DIR=str(upload_dir),
        WEBAPP_DIST=str(web_root),
        BCRYPT_ROUNDS="4",
        PYTHONUNBUFFERED="1",
        # nginx's own per-address socket cap is what the edge tests check, not the backend's.
        WS_MAX_PER_ADDRESS="1000",
        **serve_env(backend_port),
    )
    backend = start_process(
        "backend", serve_argv(), log_path=base / "backend.log", env=env, cwd=REPO_ROOT
    )
    nginx: Proc | None = None
    try:
        await wait_http_ok(f"http://127.0.0.1:{backend_port}/health", backend)
        conf = runtime_dir / "nginx.conf"
        conf.write_text(
            render_nginx_conf(
                listen_port=nginx_port,
                backend_port=backend_port,
                web_root=web_root,
                upload_dir=upload_dir,
                runtime_dir=runtime_dir,
            )
        )
        test_run = await asyncio.create_subprocess_exec(
            *nginx_argv(NGINX, conf, runtime_dir)[:-2],
            "-t",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await asyncio.wait_for(test_run.communicate(), 30)
        assert test_run.returncode == 0, f"nginx -t failed:\n{output.decode()}"
        nginx = start_process(
            "nginx", nginx_argv(NGINX, conf, runtime_dir), log_path=base / "nginx.out"
        )
        await wait_http_ok(f"http://127.0.0.1:{nginx_port}/health", nginx)
        yield Edge(
            url=f"http://127.0.0.1:{nginx_port}",
            ws_url=f"ws://127.0.0.1:{nginx_port}/api/ws",
            upload_dir=upload_dir,
            backend=backend,
            nginx=nginx,
            runtime_dir=runtime_dir,
        )
    finally:
        if nginx is not None:
            stop_process(nginx)
        stop_process(backend)


@pytest.fixture
async def http(edge: Edge) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=edge.url, timeout=30.0) as client:
        yield client


async def _sign_in(http: httpx.AsyncClient, external_id: int) -> dict[str, Any]:
    init_data = make_init_data(user={"id": external_id, "first_name": "Edge"})
    response = await http.post("/api/auth/max", json={"init_data": init_data})
    assert response.status_code == 200, response.text
    return response.json()


def _png() -> bytes:
    """A small PNG with random content (a new content hash every run: no 409 duplicate)."""
    image = Image.new("RGB", (random.randint(24, 64), random.randint(24, 64)))
    image.putdata(
        [tuple(random.randrange(256) for _ in range(3)) for _ in range(image.width * image.height)]
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


# --- the web app -----------------------------------------------------------------------------


@needs_nginx
async def test_spa_index_and_deep_link_fallback_are_never_cached(http: httpx.AsyncClient) -> None:
    for path in ("/", "/trade/xyz", "/users/42/collection"):
        response = await http.get(path)
        assert response.status_code == 200, path
        assert "edge-test-index" in response.text, path
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["cache-control"] == "no-cache", path


@needs_nginx
async def test_an_objects_page_carries_its_link_card_from_the_backend(
    http: httpx.AsyncClient,
) -> None:
    """nginx hands /photos/{id} to the backend, which adds the Open Graph tags of a public object
    to index.html (tests/test_link_cards.py has the rules); a missing one is the plain app."""
    tokens = await _sign_in(http, 7031)
    files = {"file": ("p.png", _png(), "image/png")}
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    upload = await http.post(
        "/api/photos/upload", files=files, data={"title": "Edge card"}, headers=headers
    )
    assert upload.status_code == 201, upload.text
    photo = upload.json()
    page = await http.get(
        f"/photos/{photo['id']}", headers={"User-Agent": "TelegramBot (like TwitterBot)"}
    )
    assert page.status_code == 200 and "edge-test-index" in page.text
    assert '<meta property="og:title" content="Edge card · ' in page.text
    assert (
        f'<meta property="og:image" content="http://localhost:8000{photo["thumb_2x_url"]}"'
        in page.text
    )
    # One Cache-Control (the backend's), not a second one added at the edge.
    assert page.headers.get_list("cache-control") == ["no-cache"]
    missing = await http.get("/photos/987654321")
    assert missing.status_code == 200 and missing.text == INDEX_HTML
    assert missing.headers.get_list("cache-control") == ["no-cache"]


@needs_nginx
async def test_hashed_assets_are_immutable_and_missing_ones_404(http: httpx.AsyncClient) -> None:
    response = await http.get("/assets/app-abc123.js")
    assert response.status_code == 200
    assert response.text == APP_JS
    cache = response.headers["cache-control"]
    assert "immutable" in cache and "max-age=31536000" in cache and "public" in cache
    missing = await http.get("/assets/app-missing.js")
    assert missing.status_code == 404  # not the SPA's index.html


@needs_nginx
async def test_gzip_applies_to_large_assets(edge: Edge) -> None:
    async with httpx.AsyncClient(base_url=edge.url, timeout=10.0) as client:
        request = client.build_request(
            "GET", "/assets/app-abc123.js", headers={"Accept-Encoding": "gzip"}
        )
        response = await client.send(request, stream=True)
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
        await response.aclose()
    assert response.headers.get("content-encoding") == "gzip"
    assert "Accept-Encoding" in response.headers.get("vary", "")
    assert len(raw) < len(APP_JS) / 3
    assert gzip.decompress(raw).decode() == APP_JS


@needs_nginx
async def test_security_headers_on_pages_api_and_errors(http: httpx.AsyncClient) -> None:
    for path in ("/", "/api/openapi.json", "/assets/app-missing.js"):
        response = await http.get(path)
        csp = response.headers.get("content-security-policy", "")
        directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
        assert {
            "https://web.max.ru",
            "https://*.max.ru",
            "https://web.telegram.org",
            "https://*.telegram.org",
        } <= set(directives["frame-ancestors"]), path
        assert {"'self'", "https://st.max.ru", "https://telegram.org"} <= set(
            directives["script-src"]
        )
        assert {"'self'", "data:", "blob:", "https:"} <= set(directives["img-src"])
        assert {"'self'", "wss:"} <= set(directives["connect-src"])
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"]
        # Framing by the messengers' web clients must stay possible.
        assert "x-frame-options" not in response.headers
        assert response.headers.get("server") == "nginx"  # no version


# --- the API through the proxy -----------------------------------------------------------------


@needs_nginx
async def test_health_and_openapi_pass_through(http: httpx.AsyncClient) -> None:
    health = await http.get("/health")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    openapi = await http.get("/api/openapi.json")
    assert openapi.status_code == 200
    assert "/api/auth/max" in openapi.json()["paths"]
    assert "immutable" not in openapi.headers.get("cache-control", "")
    docs = await http.get("/api/docs")
    assert docs.status_code == 200
    assert "https://cdn.jsdelivr.net" in docs.headers["content-security-policy"]


@needs_nginx
async def test_sign_in_through_nginx(http: httpx.AsyncClient) -> None:
    tokens = await _sign_in(http, 880001)
    assert tokens["token_type"] == "bearer"
    me = await http.get("/api/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.status_code == 200, me.text
    assert me.json()["display_name"] == "Edge"


@needs_nginx
async def test_oversize_upload_is_refused_by_nginx(edge: Edge, http: httpx.AsyncClient) -> None:
    body = os.urandom(12 * MIB)
    # Other tests of this module upload through the same backend: count its upload lines.
    uploads_before = edge.backend.log().count('"route": "/api/photos/upload"')
    response = await http.post(
        "/api/photos/upload",
        files={"file": ("big.png", body, "image/png")},
        data={"title": "too big"},
    )
    assert response.status_code == 413
    assert response.json()["detail"]["code"] == "payload_too_large"  # nginx's own JSON error
    # Facts, not time: nginx logged its 413, and a later request (a marker) reached the backend's
    # log, so anything nginx had passed on before it would be logged by now.
    await until(lambda: bool(edge.logged("POST", "/api/photos/upload", 413)))
    # The backend logs JSON lines with nginx's request id (python -m app serve: no access log).
    marker = await http.get(f"/health?after-oversize={uuid.uuid4().hex}")
    assert marker.status_code == 200
    await until(lambda: marker.headers["x-request-id"] in edge.backend.log())
    # the backend never saw it
    assert edge.backend.log().count('"route": "/api/photos/upload"') == uploads_before


@needs_nginx
@pytest.mark.parametrize("size", [10 * MIB + 512 * 1024, 11 * MIB])
async def test_uploads_just_over_the_cap_get_a_413_never_a_502(
    edge: Edge, http: httpx.AsyncClient, size: int
) -> None:
    """10-11 MiB passes nginx's 11m and reaches the backend, which is over its own cap: the
    backend drains the body before answering, so nginx never hits a closed socket mid-send
    (it answered 502 "Broken pipe" in 2 of 4 tries before)."""
    tokens = await _sign_in(http, 7700 + size % 97)
    body = b"\x89PNG\r\n\x1a\n" + os.urandom(size - 8)
    for attempt in range(4):
        response = await http.post(
            "/api/photos/upload",
            files={"file": ("big.png", body, "image/png")},
            data={"title": "too big"},
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
        )
        assert response.status_code == 413, (attempt, response.status_code, response.text[:200])
        assert response.json()["detail"]["code"] == "payload_too_large"


@needs_nginx
async def test_json_bodies_over_64_kib_are_refused_at_the_edge(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/api/auth/max",
        content=b'{"init_data": "' + b"a" * 70_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["detail"]["code"] == "payload_too_large"


@needs_nginx
async def test_backend_down_is_a_503_with_retry_after(tmp_path: Path) -> None:
    """nginx in front of a port where nothing listens: its own 503, JSON, with Retry-After."""
    assert NGINX is not None
    runtime_dir = tmp_path / "nginx"
    for sub in ("logs", "cache"):
        (runtime_dir / sub).mkdir(parents=True)
    web_root = tmp_path / "dist"
    web_root.mkdir()
    (web_root / "index.html").write_text(INDEX_HTML)
    for path in (tmp_path, web_root, runtime_dir):
        path.chmod(0o755)
    port = free_port()
    conf = runtime_dir / "nginx.conf"
    conf.write_text(
        render_nginx_conf(
            listen_port=port,
            backend_port=free_port(),  # nothing listens there
            web_root=web_root,
            upload_dir=tmp_path,
            runtime_dir=runtime_dir,
        )
    )
    nginx = start_process("nginx", nginx_argv(NGINX, conf, runtime_dir), log_path=tmp_path / "out")
    try:
        await wait_http_ok(f"http://127.0.0.1:{port}/", nginx)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            for path in ("/api/photos", "/health", "/api/auth/qr"):
                response = await http.get(path)
                assert response.status_code == 503, (path, response.status_code)
                assert response.headers["retry-after"] == "5"
                assert response.json()["detail"]["code"] == "service_unavailable"
            # An object's page, which the backend answers with its link card, is the plain app.
            page = await http.get("/photos/5")
            assert page.status_code == 200 and page.text == INDEX_HTML
            assert page.headers["cache-control"] == "no-cache"
    finally:
        stop_process(nginx)


@needs_nginx
async def test_media_renditions_served_immutable_originals_never(
    edge: Edge, http: httpx.AsyncClient
) -> None:
    webp = b"RIFF\x1a\x00\x00\x00WEBPVP8 " + os.urandom(64)
    (edge.upload_dir / "media" / "ab").mkdir(parents=True, exist_ok=True)
    (edge.upload_dir / "media" / "ab" / "x.webp").write_bytes(webp)
    (edge.upload_dir / "originals" / "ab").mkdir(parents=True, exist_ok=True)
    (edge.upload_dir / "originals" / "ab" / "y.jpg").write_bytes(b"\xff\xd8\xff" + os.urandom(64))

    response = await http.get("/media/ab/x.webp")
    assert response.status_code == 200
    assert response.content == webp
    assert response.headers["content-type"] == "image/webp"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["x-content-type-options"] == "nosniff"

    assert (await http.get("/media/ab/missing.webp")).status_code == 404
    for path in (
        "/originals/ab/y.jpg",
        "/media/../originals/ab/y.jpg",
        "/media/%2e%2e/originals/ab/y.jpg",
    ):
        hidden = await http.get(path)
        assert hidden.status_code in (403, 404), path
        assert hidden.content[:3] != b"\xff\xd8\xff", path


# --- upload and live events (the endpoints the backend lead is building) ------------------------


@needs_nginx
async def test_websocket_upgrades_through_nginx(edge: Edge, http: httpx.AsyncClient) -> None:
    tokens = await _sign_in(http, 880002)
    async with asyncio.timeout(15), websockets.connect(edge.ws_url, open_timeout=10) as socket:
        await socket.send(json.dumps({"type": "auth", "token": tokens["access_token"]}))
        pong = await socket.ping()
        await asyncio.wait_for(pong, 5)  # the proxied connection carries frames both ways


@needs_nginx
async def test_one_address_gets_at_most_64_sockets_through_nginx(edge: Edge) -> None:
    """Issue 19, N2: one address opened 1,000 sockets. nginx's `limit_conn ws_per_addr 64`
    refuses the 65th handshake with 429 (the backend's WS_MAX_PER_ADDRESS caps each worker)."""
    opened = []
    try:
        async with asyncio.timeout(60):
            for _ in range(64):
                opened.append(await websockets.connect(edge.ws_url, open_timeout=10))
            with pytest.raises(websockets.InvalidStatus) as refused:
                await websockets.connect(edge.ws_url, open_timeout=10)
            assert refused.value.response.status_code == 429
            await opened.pop().close()

            # One went: nginx lets one more in (it counts open connections, not a rate).
            async def admitted() -> bool:
                try:
                    opened.append(await websockets.connect(edge.ws_url, open_timeout=10))
                except websockets.InvalidStatus:
                    return False
                return True

            while not await admitted():  # until nginx has seen the close (a fact, bounded above)
                await asyncio.sleep(0.05)
    finally:
        for socket in opened:
            await socket.close()


@needs_nginx
async def test_upload_through_nginx_is_announced_on_the_websocket(
    edge: Edge, http: httpx.AsyncClient
) -> None:
    tokens = await _sign_in(http, 880003)
    async with asyncio.timeout(30), websockets.connect(edge.ws_url, open_timeout=10) as socket:
        await socket.send(json.dumps({"type": "auth", "token": tokens["access_token"]}))
        while json.loads(await socket.recv()).get("type") != "authenticated":
            pass  # the ack: from here on the socket receives this user's events
        response = await http.post(
            "/api/photos/upload",
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
            files={"file": ("edge.png", _png(), "image/png")},
            data={"title": "Through the edge"},
        )
        assert response.status_code == 201, response.text
        photo_id = response.json()["id"]
        while True:
            message = json.loads(await asyncio.wait_for(socket.recv(), 10))
            if (
                message.get("type") == "photo.created"
                and message.get("data", {}).get("id") == photo_id
            ):
                break
    assert edge.logged("POST", "/api/photos/upload", 201)


@needs_nginx
async def test_request_id_from_nginx_reaches_the_backend_and_comes_back(
    edge: Edge, http: httpx.AsyncClient
) -> None:
    response = await http.get("/api/photos", params={"limit": 1, "token": "never-logged-secret"})
    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)  # nginx's $request_id
    # nginx writes the line as the response completes
    await until(
        lambda: any(
            e["request_id"] == request_id
            for e in edge.logged("GET", "/api/photos", response.status_code)
        )
    )
    assert "never-logged-secret" not in edge.access_log()


@needs_nginx
async def test_a_qr_sign_in_leaves_no_secret_or_token_in_any_log(
    edge: Edge, http: httpx.AsyncClient
) -> None:
    """The desktop flow as the web app runs it (the poll's secret in X-QR-Secret): neither
    nginx's access log nor the backend's output may contain the secret or a token."""
    phone = await _sign_in(http, 8801)
    created = (await http.post("/api/auth/qr")).json()
    poll = f"/api/auth/qr/{created['request_id']}"
    secret = {"X-QR-Secret": created["secret"]}
    assert (await http.get(poll, headers=secret)).json()["status"] == "pending"
    approve = await http.post(
        f"{poll}/approve", headers={"Authorization": f"Bearer {phone['access_token']}"}
    )
    assert approve.status_code == 204
    desktop = (await http.get(poll, headers=secret)).json()
    assert desktop["status"] == "approved" and desktop["access_token"]
    me = await http.get("/api/me", headers={"Authorization": f"Bearer {desktop['access_token']}"})
    # Both servers write their line, with nginx's request id, as the response completes: wait
    # for both instead of for time.
    request_id = me.headers["x-request-id"]
    await until(lambda: request_id in edge.access_log() and request_id in edge.backend.log())
    logs = edge.access_log() + edge.backend.log()
    assert poll in edge.access_log()  # the flow is in the log...
    for value in (created["secret"], phone["access_token"], phone["refresh_token"],
                  desktop["access_token"], desktop["refresh_token"]):  # fmt: skip
        assert value not in logs  # ...its secrets are not


# --- last: it spends this client's sign-in burst --------------------------------------------------


@needs_nginx
async def test_sign_in_is_rate_limited_at_the_edge(edge: Edge, http: httpx.AsyncClient) -> None:
    statuses: list[int] = []
    limited: httpx.Response | None = None
    for _ in range(40):
        response = await http.post("/api/auth/max", json={"init_data": "hash=00"})
        statuses.append(response.status_code)
        if response.status_code == 429 and limited is None:
            limited = response
    assert limited is not None, statuses
    assert limited.json()["detail"]["code"] == "rate_limited"
    assert int(limited.headers["retry-after"]) >= 1
    assert statuses.count(429) >= 10  # burst 20 + 2 r/s: most of a quick 40 are refused


# --- the compose file ----------------------------------------------------------------------------


def _compose_command() -> list[str] | None:
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run(
            [docker, "compose", "version"], capture_output=True, timeout=30, check=False
        )
        if probe.returncode == 0:
            return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def test_compose_file_shape() -> None:
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "migrate", "backend", "frontend"} <= set(services)
    for name, service in services.items():
        if service.get("restart") == "no":  # one-shot: migrate, minio-init
            continue
        assert service["restart"] == "unless-stopped", name
        assert "healthcheck" in service or name in ("frontend", "minio"), name
    assert [name for name, service in services.items() if "ports" in service] == ["frontend"]
    assert services["db"]["image"].startswith("postgres:16")
    # PostgreSQL loads database.sql on its first start (it records its migration level, so the
    # migrate service then applies only later ones: tests/test_migrations.py).
    assert (
        "./database.sql:/docker-entrypoint-initdb.d/10-database.sql:ro" in services["db"]["volumes"]
    )
    assert services["backend"]["command"] == ["python", "-m", "app", "serve"]
    assert services["redis"]["image"].startswith("redis:7")
    backend = services["backend"]
    assert backend["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert backend["depends_on"]["redis"] == {"condition": "service_healthy"}
    assert "uploads:/data/uploads" in backend["volumes"]
    uploads = services["frontend"]["volumes"][0]
    assert (uploads["source"], uploads["target"], uploads["read_only"]) == (
        "uploads",
        "/data/uploads",
        True,
    )


def test_docker_compose_config_is_valid(tmp_path: Path) -> None:
    command = _compose_command()
    if command is None:
        pytest.skip("no compose tool (Docker's compose plugin or Debian's docker-compose)")
    # A copy of the stack with a filled-in .env (the real one is not in the repository).
    for name in ("docker-compose.yml", "database.sql", "nginx.conf", ".env.example"):
        shutil.copy(REPO_ROOT / name, tmp_path / name)
    env_lines = (REPO_ROOT / ".env.example").read_text().splitlines()
    filled = {"JWT_SECRET": "x" * 48, "MAX_BOT_TOKEN": "123:test", "TELEGRAM_BOT_TOKEN": "456:test"}
    lines = [
        f"{line.split('=', 1)[0]}={filled[line.split('=', 1)[0]]}"
        if line.split("=", 1)[0] in filled
        else line
        for line in env_lines
    ]
    (tmp_path / ".env").write_text("\n".join(lines) + "\n")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("COMPOSE_", "DOCKER_"))
    }
    result = subprocess.run(
        [*command, "-f", str(tmp_path / "docker-compose.yml"), "config", "-q"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr
