"""The fan-out fast path (issue 15, item 4): `Hub.publish` writes each event's ready frame straight
to every socket's transport, and only a socket that is behind is served from its queue.

A real uvicorn server runs in the test's own event loop with the protocol every launcher uses
(`app.server.ws_server:DirectSendProtocol`) and a small endpoint that joins sockets to a `Hub`
the test publishes to, so each step is checked right after the synchronous `publish` call: which
path a frame took, what waits in a queue, who was dropped. The peers are real TCP sockets (raw
RFC 6455 reading, or the `websockets` client). Backpressure is made certain, not waited for:
the server side of a socket gets a small kernel send buffer and transport high-water mark, and
a peer that does not read fills them.
"""

import asyncio
import contextlib
import json
import socket
import struct
import zlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import uvicorn
import websockets
from prometheus_client import REGISTRY
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket
from websockets.frames import Frame, Opcode

from app.cli import serve_options
from app.core.config import Settings
from app.realtime.hub import SLOW_CLIENT_CLOSE, Client, Event, Hub
from app.server.ws_server import DirectSendProtocol, TextFrame, direct_send
from tests.server_support import free_port

SMALL_BUFFER = 4096


def event(event_id: int, pad: int = 0) -> Event:
    data = {"n": event_id, "pad": "é" * pad}  # non-ASCII: the frame carries UTF-8 bytes
    return Event(event_id, "photo.updated", data, None, datetime.now(UTC))


@dataclass
class Fanout:
    hub: Hub
    port: int
    joined: "asyncio.Queue[Client]"

    async def raw_peer(self, deflate: bool = False) -> "RawPeer":
        """A socket that reads only when told to, and the hub's Client for it."""
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SMALL_BUFFER)  # before connect
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", self.port))
        reader, writer = await asyncio.open_connection(sock=sock, limit=SMALL_BUFFER)
        offer = b"Sec-WebSocket-Extensions: permessage-deflate\r\n" if deflate else b""
        writer.write(
            b"GET /ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + offer
            + b"\r\n"
        )
        head = await reader.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101"), head
        return RawPeer(reader, writer, await self.joined.get(), b"permessage-deflate" in head)


class RawPeer:
    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        client: Client,
        deflate: bool,
    ) -> None:
        self.reader, self.writer, self.client = reader, writer, client
        self.inflater = zlib.decompressobj(-15) if deflate else None
        self.close_code: int | None = None
        direct = client.direct
        assert direct is not None, "the server did not offer direct writes"
        # Backpressure comes soon and for sure: a small kernel buffer on the server's side of
        # this connection (fixed, not auto-tuned) and a small transport high-water mark.
        direct.transport.get_extra_info("socket").setsockopt(
            socket.SOL_SOCKET, socket.SO_SNDBUF, SMALL_BUFFER
        )
        direct.transport.set_write_buffer_limits(high=SMALL_BUFFER)

    async def frame(self) -> dict | None:
        """The next text message, parsed (None: the server closed, `close_code` says how)."""
        while True:
            b0, b1 = await self.reader.readexactly(2)
            size = b1 & 0x7F
            if size == 126:
                size = struct.unpack("!H", await self.reader.readexactly(2))[0]
            elif size == 127:
                size = struct.unpack("!Q", await self.reader.readexactly(8))[0]
            payload = await self.reader.readexactly(size)
            opcode = b0 & 0x0F
            if opcode == Opcode.CLOSE.value:
                self.close_code = struct.unpack("!H", payload[:2])[0]
                return None
            if opcode == Opcode.TEXT.value:
                if b0 & 0x40:  # RSV1: compressed with the connection's context
                    assert self.inflater is not None
                    payload = self.inflater.decompress(payload + b"\x00\x00\xff\xff")
                return json.loads(payload)
            # control frames (uvicorn's pings) are not what the tests count

    async def ids(self, count: int) -> list[int]:
        found = []
        for _ in range(count):
            message = await asyncio.wait_for(self.frame(), 30)
            assert message is not None, f"closed with {self.close_code} after {found}"
            found.append(message["id"])
        return found

    def close(self) -> None:
        self.writer.close()


async def fill_until_behind(hub: Hub, peer: RawPeer, first_id: int) -> int:
    """Publish events until the peer's transport is over its high-water mark: all of them go
    straight to the transport. Returns the next free event id."""
    next_id = first_id
    queued_before = queued_frames()
    assert peer.client.direct is not None
    while peer.client.direct.can_write():
        hub.publish(event(next_id, pad=1000))
        next_id += 1
        assert next_id - first_id < 10_000, "the transport never reported a full buffer"
    assert peer.client.queue.empty() and queued_frames() == queued_before  # all direct
    return next_id


def queued_frames() -> float:
    return REGISTRY.get_sample_value("gallery_ws_frames_queued_total") or 0.0


def dropped_clients() -> float:
    return REGISTRY.get_sample_value("gallery_ws_slow_clients_dropped_total") or 0.0


async def hub_endpoint(websocket: WebSocket) -> None:
    """A socket's life as realtime/session.py runs it, without the protocol messages."""
    hub: Hub = websocket.app.state.hub
    await websocket.accept()
    client = Client(websocket, hub.queue_size, direct=direct_send(websocket))
    hub.add(client)
    websocket.app.state.joined.put_nowait(client)

    async def until_disconnect() -> None:
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass

    tasks = [
        asyncio.create_task(client.run_sender()),
        asyncio.create_task(client.closed.wait()),
        asyncio.create_task(until_disconnect()),
    ]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        hub.remove(client)
        for task in tasks:
            task.cancel()
        code, reason = client.close_reason or (1000, "bye")
        with contextlib.suppress(Exception):
            await websocket.close(code, reason)


@contextlib.asynccontextmanager
async def serving(queue_size: int, deflate: bool = False) -> AsyncIterator[Fanout]:
    app = Starlette(routes=[WebSocketRoute("/ws", hub_endpoint)])
    app.state.hub = Hub(queue_size)
    app.state.joined = asyncio.Queue()
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        ws=DirectSendProtocol,
        ws_per_message_deflate=deflate,
        lifespan="off",
        log_level="warning",
    )
    server = uvicorn.Server(config)
    serve = asyncio.create_task(server.serve())
    while not server.started:  # a fact uvicorn sets once it listens
        assert not serve.done(), serve.exception()
        await asyncio.sleep(0.01)
    try:
        yield Fanout(app.state.hub, port, app.state.joined)
    finally:
        server.should_exit = True
        await serve


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65535, 65536, 70000])
def test_the_ready_frame_is_what_websockets_would_send(size: int) -> None:
    text = ("é" * size)[: max(0, size - 1)] + "x" * (size > 0)
    frame = TextFrame.of(text)
    expected = Frame(Opcode.TEXT, text.encode()).serialize(mask=False, extensions=[])
    assert frame.wire == expected
    assert frame.payload == text.encode() and frame.text == text


async def test_a_socket_that_falls_behind_is_served_from_its_queue_and_catches_up_in_order() -> (
    None
):
    async with serving(queue_size=1000) as fanout:
        peer = await fanout.raw_peer()
        hub, client = fanout.hub, peer.client
        hub.publish(event(1))
        assert client.queue.empty() and not client.sending  # written in publish itself

        next_id = await fill_until_behind(hub, peer, 2)
        queued_before = queued_frames()
        behind = [next_id, next_id + 1, next_id + 2]
        for event_id in behind:
            hub.publish(event(event_id, pad=1000))
        assert client.queue.qsize() + client.sending == len(behind)
        assert queued_frames() == queued_before + len(behind)

        # The sender takes the first queued frame and waits for the transport to drain:
        # a frame published now must queue behind it, not overtake it.
        while not client.sending:
            await asyncio.sleep(0)
        late = behind[-1] + 1
        hub.publish(event(late))
        assert queued_frames() == queued_before + len(behind) + 1

        # The client reads again: everything arrives once, in order, and nobody was dropped.
        assert await peer.ids(late) == list(range(1, late + 1))
        assert not client.closed.is_set()

        # Caught up (everything it read was written, the queue is empty): direct again.
        while client.sending or not client.queue.empty():
            await asyncio.sleep(0)
        after = queued_frames()
        hub.publish(event(late + 1))
        assert queued_frames() == after and client.queue.empty()
        assert await peer.ids(1) == [late + 1]
        peer.close()


async def test_no_frame_overtakes_one_that_waits_when_the_transport_drains() -> None:
    """The moment that could reorder: the transport has just drained (it calls the protocol's
    `resume_writing`, the test does that here) and the sender task has not run yet, with frames
    still in the queue, or with one in the sender's hands. A frame published then must queue."""
    async with serving(queue_size=1000) as fanout:
        peer = await fanout.raw_peer()
        hub, client, direct = fanout.hub, peer.client, peer.client.direct
        assert direct is not None
        next_id = await fill_until_behind(hub, peer, 1)
        hub.publish(event(next_id))  # queued; the sender is woken but has not run
        direct.resume_writing()
        hub.publish(event(next_id + 1))
        assert client.queue.qsize() == 2 and not client.sending
        last = next_id + 1
        assert await peer.ids(last) == list(range(1, last + 1))
        while client.sending or not client.queue.empty():
            await asyncio.sleep(0)

        next_id = await fill_until_behind(hub, peer, last + 1)
        hub.publish(event(next_id))
        while not client.sending:  # the sender holds it, waiting for the transport
            await asyncio.sleep(0)
        direct.resume_writing()
        hub.publish(event(next_id + 1))
        assert client.queue.qsize() == 1 and client.sending
        first, last = last + 1, next_id + 1
        assert await peer.ids(last - first + 1) == list(range(first, last + 1))
        peer.close()


async def test_a_control_frame_keeps_its_place_behind_queued_events() -> None:
    """Pings, errors and `resumed` go through the same path: never ahead of a queued event."""
    async with serving(queue_size=1000) as fanout:
        peer = await fanout.raw_peer()
        next_id = await fill_until_behind(fanout.hub, peer, 1)
        fanout.hub.publish(event(next_id))
        assert peer.client.send_now(TextFrame.of('{"type":"ping"}'))
        for _ in range(next_id):
            message = await asyncio.wait_for(peer.frame(), 30)
            assert message is not None and "id" in message
        assert await asyncio.wait_for(peer.frame(), 30) == {"type": "ping"}
        peer.close()


async def test_a_blocked_client_is_dropped_while_others_receive_everything() -> None:
    async with serving(queue_size=5) as fanout:
        stuck = await fanout.raw_peer()
        reading = await fanout.raw_peer()
        dropped_before = dropped_clients()
        received: list[int] = []
        event_id = 0
        while not stuck.client.closed.is_set():
            event_id += 1
            fanout.hub.publish(event(event_id, pad=1000))
            # The reading one keeps up: its frame went to its transport within publish.
            assert reading.client.queue.empty() and not reading.client.sending
            received += await reading.ids(1)
            assert event_id < 10_000, "the stuck client was never dropped"
        assert stuck.client.close_reason == (SLOW_CLIENT_CLOSE, "too slow: reconnect and resume")
        assert dropped_clients() == dropped_before + 1
        for more in range(event_id + 1, event_id + 4):  # the others go on as before
            fanout.hub.publish(event(more))
        received += await reading.ids(3)
        assert received == list(range(1, event_id + 4))
        # The stuck client, once it reads, finds what fitted and then the 4008 close frame.
        while await asyncio.wait_for(stuck.frame(), 30) is not None:
            pass
        assert stuck.close_code == SLOW_CLIENT_CLOSE
        stuck.close()
        reading.close()


async def test_a_socket_that_negotiated_deflate_gets_compressed_frames_in_order() -> None:
    """A server started with deflate on (uvicorn's default, not the launchers'): such a socket's
    frames are compressed with its own context; the others on the same hub get the ready bytes."""
    async with serving(queue_size=1000, deflate=True) as fanout:
        plain = await fanout.raw_peer()
        compressed = await fanout.raw_peer(deflate=True)
        assert compressed.inflater is not None and plain.inflater is None
        async with websockets.connect(f"ws://127.0.0.1:{fanout.port}/ws") as library:
            joined = await fanout.joined.get()
            assert joined.direct is not None and joined.direct.conn.extensions  # negotiated
            for event_id in range(1, 41):
                fanout.hub.publish(event(event_id, pad=event_id * 50))
            expected = list(range(1, 41))
            assert await plain.ids(40) == expected
            assert await compressed.ids(40) == expected
            got = [json.loads(await asyncio.wait_for(library.recv(), 30)) for _ in expected]
            assert [m["id"] for m in got] == expected
            assert got[-1]["data"] == {"n": 40, "pad": "é" * 2000}
        plain.close()
        compressed.close()


def test_every_launcher_uses_direct_writes_without_deflate() -> None:
    """Every launcher starts `python -m app serve` (tests/test_serve.py checks that), whose
    options are the only list of them."""
    options = serve_options(Settings(app_env="test", jwt_secret="x" * 40))
    assert options["ws"] == "app.server.ws_server:DirectSendProtocol"
    assert options["ws_per_message_deflate"] is False


class CountingTransport:
    """A socket's transport with its `write()` calls counted: the sends a fan-out made."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self.inner = transport
        self.writes = 0

    def write(self, data: bytes) -> None:
        self.writes += 1
        self.inner.write(data)

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


@contextlib.contextmanager
def counting_writes(peer: RawPeer) -> Iterator[CountingTransport]:
    direct = peer.client.direct
    assert direct is not None
    counter = CountingTransport(direct.transport)
    direct.transport = counter  # type: ignore[assignment]
    try:
        yield counter
    finally:
        direct.transport = counter.inner


async def test_events_published_together_reach_each_socket_in_one_write_in_order() -> None:
    """Issue 23, item 3: the events the listener read together cost each socket one send."""
    async with serving(queue_size=1000) as fanout:
        peers = [await fanout.raw_peer() for _ in range(3)]
        with contextlib.ExitStack() as stack:
            counters = [stack.enter_context(counting_writes(peer)) for peer in peers]
            fanout.hub.publish(*(event(n) for n in range(1, 11)))
            assert [c.writes for c in counters] == [1, 1, 1]
            fanout.hub.publish(event(11))  # one event alone: one write, as before
            assert [c.writes for c in counters] == [2, 2, 2]
        for peer in peers:
            assert await peer.ids(11) == list(range(1, 12))
            assert peer.client.queue.empty() and not peer.client.closed.is_set()
            peer.close()


async def test_a_group_that_fills_the_transport_halfway_queues_the_rest_in_order() -> None:
    """The transport crosses its high-water mark during the group's first write: what is left
    waits in the queue, frame by frame, and nothing published later overtakes it."""
    async with serving(queue_size=1000) as fanout:
        peer = await fanout.raw_peer()
        client = peer.client
        with counting_writes(peer) as counter:
            fanout.hub.publish(*(event(n, pad=1000) for n in range(1, 21)))
            queued = client.queue.qsize() + client.sending
            assert counter.writes == 1 and 0 < queued < 19  # several frames in that one write
            fanout.hub.publish(event(21))
            assert client.queue.qsize() + client.sending == queued + 1
        assert await peer.ids(21) == list(range(1, 22))
        peer.close()


async def test_a_group_for_a_socket_that_is_behind_is_queued_and_a_full_queue_drops_it() -> None:
    async with serving(queue_size=5) as fanout:
        stuck = await fanout.raw_peer()
        reading = await fanout.raw_peer()
        assert stuck.client.direct is not None
        received: list[int] = []
        next_id = 1
        while stuck.client.direct.can_write():  # until the stuck one is behind
            fanout.hub.publish(event(next_id, pad=1000))
            received += await reading.ids(1)
            next_id += 1
            assert next_id < 10_000, "the transport never reported a full buffer"
        assert received == list(range(1, next_id))
        fanout.hub.publish(*(event(n) for n in range(next_id, next_id + 3)))
        assert stuck.client.queue.qsize() + stuck.client.sending == 3  # fits: queued, in order
        assert not stuck.client.closed.is_set()
        dropped_before = dropped_clients()
        last = next_id + 3 + 10
        fanout.hub.publish(*(event(n) for n in range(next_id + 3, last)))  # more than fits
        assert stuck.client.close_reason == (SLOW_CLIENT_CLOSE, "too slow: reconnect and resume")
        assert dropped_clients() == dropped_before + 1
        assert await reading.ids(last - next_id) == list(range(next_id, last))
        got = []
        while (message := await asyncio.wait_for(stuck.frame(), 30)) is not None:
            got.append(message["id"])
        assert got == list(range(1, len(got) + 1))  # what fitted, in order, then the close
        assert stuck.close_code == SLOW_CLIENT_CLOSE
        stuck.close()
        reading.close()


async def test_each_socket_gets_the_events_of_a_group_it_may_see_in_order() -> None:
    """A group mixing public events and events for one user: every socket gets its own
    subsequence, in order; what it said it has (`resume` up to an id) is skipped."""
    async with serving(queue_size=1000) as fanout:
        anonymous, signed, resumed = [await fanout.raw_peer() for _ in range(3)]
        signed.client.user_id = resumed.client.user_id = 7
        resumed.client.seen_up_to = 3
        group = [
            event(n) if n % 2 else Event(n, "trade.updated", {"n": n}, [7], datetime.now(UTC))
            for n in range(1, 9)
        ]
        fanout.hub.publish(*group)
        assert await anonymous.ids(4) == [1, 3, 5, 7]
        assert await signed.ids(8) == list(range(1, 9))
        assert await resumed.ids(5) == [4, 5, 6, 7, 8]
        for peer in (anonymous, signed, resumed):
            peer.close()


async def test_a_group_during_a_resume_is_held_in_order_and_counted_against_the_budget() -> None:
    async with serving(queue_size=4) as fanout:
        peer = await fanout.raw_peer()
        client = peer.client
        client.held = []
        with counting_writes(peer) as counter:
            fanout.hub.publish(*(event(n) for n in range(1, 4)))
            assert counter.writes == 0
        assert [event_id for event_id, _ in client.held] == [1, 2, 3]
        assert client.waiting_bytes == sum(frame.size for _, frame in client.held)
        fanout.hub.publish(*(event(n) for n in range(4, 7)))  # 6 held > queue_size 4
        assert client.close_reason == (SLOW_CLIENT_CLOSE, "too slow: reconnect and resume")
        peer.close()
