"""Body caps on every route (issue 13, items 4 and 5): refused while streaming, and answered so
that a plain HTTP client straight at uvicorn reads the 413 instead of a reset connection."""

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.main import create_app
from app.server.body_limit import JSON_MAX_BYTES
from tests.conftest import make_settings
from tests.server_support import running_server
from tests.support import MAX_BOT_TOKEN, bearer, sign_in

MIB = 1024 * 1024


async def test_every_route_has_a_json_sized_cap(database_url: str, upload_dir: Path) -> None:
    app = create_app(make_settings(database_url, upload_dir))
    oversized = b'{"x": "' + b"a" * JSON_MAX_BYTES + b'"}'
    checked = 0
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            for route_path, operations in app.openapi()["paths"].items():
                if route_path == "/api/photos/upload":
                    continue
                path = re.sub(r"\{[^}]+\}", "1", route_path)
                for method in operations:
                    response = await http.request(
                        method,
                        path,
                        content=oversized,
                        headers={"content-type": "application/json"},
                    )
                    assert response.status_code == 413, (method, route_path, response.text[:200])
                    assert response.json()["detail"]["code"] == "payload_too_large"
                    checked += 1
            # Just under the cap: the route's own answer (here: invalid initData), not a 413.
            fits = json.dumps({"init_data": "a" * 8000})
            response = await http.post(
                "/api/auth/max", content=fits, headers={"content-type": "application/json"}
            )
            assert response.status_code in (401, 422)
    assert checked > 30


@pytest.fixture(scope="module")
async def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    upload_dir = tmp_path_factory.mktemp("body-limit-uploads")
    env = {
        "APP_ENV": "test",
        "DATABASE_URL": database_url,
        "JWT_SECRET": "body-limit-secret-" + "x" * 32,
        "MAX_BOT_TOKEN": MAX_BOT_TOKEN,
        "UPLOAD_DIR": str(upload_dir),
        "BCRYPT_ROUNDS": "4",
        "REDIS_URL": "",
        "SWEEP_INTERVAL": "3600",
    }
    async with running_server(env) as base_url:
        yield base_url


async def _raw_request(
    base_url: str, head: bytes, body_chunks: int, chunk: bytes, tail: bytes = b""
) -> tuple[bytes, float]:
    """Send `head` and then body chunks while reading; returns the first response bytes and the
    seconds they took. The sender stops at the first error (the server closed)."""
    host, port = base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    started = time.monotonic()

    async def pump() -> None:
        try:
            writer.write(head)
            for _ in range(body_chunks):
                writer.write(chunk)
                await writer.drain()
            writer.write(tail)
            await writer.drain()
        except (ConnectionError, OSError):
            pass

    sender = asyncio.create_task(pump())
    try:
        answer = await asyncio.wait_for(reader.read(4096), 10)
        return answer, time.monotonic() - started
    finally:
        sender.cancel()
        writer.close()


async def test_a_200_mb_json_body_is_refused_at_once(server: str) -> None:
    head = (
        b"POST /api/auth/max HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"Content-Length: 209715200\r\n\r\n"
    )
    # Announced, not sent: past the drain bound the answer comes at once, from the headers
    # alone (a client still sending that much is then cut off; curl-style clients wait for
    # `100 Continue` and get the 413 instead).
    answer, seconds = await _raw_request(server, head, 0, b"")
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"payload_too_large" in answer
    assert seconds < 3, seconds
    # Streamed without a length: cut off after 64 KiB, drained up to the bound, then answered.
    head = (
        b"POST /api/auth/max HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    piece = b"10000\r\n" + b" " * 65536 + b"\r\n"
    answer, seconds = await _raw_request(server, head, 200, piece, b"0\r\n\r\n")  # 12.5 MiB
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"connection: close" not in answer.lower()  # drained: the connection stays usable
    async with httpx.AsyncClient(base_url=server) as http:
        assert (await http.get("/health")).status_code == 200


@pytest.mark.parametrize("size", [10 * MIB + 512 * 1024, 11 * MIB])
async def test_oversized_upload_straight_to_uvicorn_reads_a_413(server: str, size: int) -> None:
    async with httpx.AsyncClient(base_url=server, timeout=60) as http:
        anna = await sign_in(http, 5151, "Anna")
        body = b"\xff\xd8\xff" + b"\0" * (size - 3)
        for attempt in range(4):
            # A plain client sends the whole body before reading: before the drain it often got
            # a connection reset instead of the answer.
            response = await http.post(
                "/api/photos/upload",
                files={"file": ("big.jpg", body, "image/jpeg")},
                data={"title": "big"},
                headers=bearer(anna),
            )
            assert response.status_code == 413, (attempt, response.text[:200])
            assert response.json()["detail"]["code"] == "payload_too_large"
