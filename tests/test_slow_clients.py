"""Slow clients are cut off by the app server itself (issue 13, item 20), as scripts/run.sh and
the image start it (`--http app.server.http_server:HeaderTimeoutProtocol`; body idle timeout in
server/body_limit.py): a request head must be complete within HTTP_HEADER_TIMEOUT, a body may
not stall longer than HTTP_BODY_TIMEOUT."""

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from app.cli import serve_options
from app.core.config import Settings
from tests.server_support import running_server
from tests.support import MAX_BOT_TOKEN

TIMEOUT = 1.5
# Closed within the timeout plus generous slack for a loaded machine, never "held forever".
WITHIN = TIMEOUT + 5


@pytest.fixture(scope="module")
async def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    env = {
        "APP_ENV": "test",
        "DATABASE_URL": database_url,
        "JWT_SECRET": "slow-client-secret-" + "x" * 32,
        "MAX_BOT_TOKEN": MAX_BOT_TOKEN,
        "UPLOAD_DIR": str(tmp_path_factory.mktemp("slow-uploads")),
        "REDIS_URL": "",
        "SWEEP_INTERVAL": "3600",
        "HTTP_HEADER_TIMEOUT": str(TIMEOUT),
        "HTTP_BODY_TIMEOUT": str(TIMEOUT),
    }
    async with running_server(env) as base_url:
        yield base_url


async def _connect(base_url: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    host, port = base_url.removeprefix("http://").split(":")
    return await asyncio.open_connection(host, int(port))


async def _until_closed(reader: asyncio.StreamReader) -> bytes:
    """Everything the server sends until it closes the connection (the fact we wait for)."""
    received = b""
    while chunk := await asyncio.wait_for(reader.read(4096), WITHIN + 5):
        received += chunk
    return received


async def test_a_silent_connection_is_closed(server: str) -> None:
    reader, writer = await _connect(server)
    started = time.monotonic()
    assert await _until_closed(reader) == b""
    assert TIMEOUT * 0.8 <= time.monotonic() - started < WITHIN
    writer.close()


async def test_a_head_sent_byte_by_byte_is_cut_off(server: str) -> None:
    reader, writer = await _connect(server)
    started = time.monotonic()
    writer.write(b"GET /health HTTP/1.1\r\nHost: t\r\n")

    async def trickle() -> None:
        for _ in range(100):  # a header that never ends, one byte at a time
            writer.write(b"X")
            await writer.drain()
            await asyncio.sleep(TIMEOUT / 5)

    sender = asyncio.create_task(trickle())
    try:
        await _until_closed(reader)
    finally:
        sender.cancel()
        writer.close()
    assert time.monotonic() - started < WITHIN


async def test_a_stalled_body_gets_408_and_is_closed(server: str) -> None:
    reader, writer = await _connect(server)
    started = time.monotonic()
    writer.write(
        b"POST /api/auth/max HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n" + b'{"init_data": '
    )
    await writer.drain()
    answer = await _until_closed(reader)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"request_timeout" in answer
    assert time.monotonic() - started < WITHIN


async def test_a_kept_alive_connection_may_idle_between_requests(server: str) -> None:
    """The head deadline starts with a request's first byte: keep-alive idling is uvicorn's
    own (--timeout-keep-alive), not cut short by it."""
    reader, writer = await _connect(server)
    request = b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n"
    writer.write(request)
    first = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    assert first.startswith(b"HTTP/1.1 200")
    await asyncio.wait_for(reader.read(4096), 10)  # the body
    await asyncio.sleep(TIMEOUT * 1.5)  # idle longer than the head deadline
    writer.write(request)
    second = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    assert second.startswith(b"HTTP/1.1 200")
    writer.close()


def test_every_launcher_uses_the_protocol() -> None:
    """Every launcher runs `python -m app serve` (tests/test_serve.py), which sets it."""
    options = serve_options(Settings(app_env="test", jwt_secret="x" * 40))
    assert options["http"] == "app.server.http_server:HeaderTimeoutProtocol"
