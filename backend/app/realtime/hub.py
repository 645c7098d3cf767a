"""The per-process WebSocket hub: who is connected, and fan-out of events to them. An event is
serialised once and written to every socket that may see it, a socket that is behind queues
within a bound and is closed past it. Details: docs/internals.md, "WebSocket hub".
"""

import asyncio
import json
import logging
import time
from collections.abc import Container, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.websockets import WebSocket

from app.server import metrics
from app.server.ws_server import DirectSendProtocol, TextFrame

log = logging.getLogger(__name__)
SLOW_CLIENT_CLOSE = 4008
QR_EVENT = "auth.qr_approved"


@dataclass(frozen=True)
class Event:
    id: int
    type: str
    data: dict[str, Any]
    audience: list[int] | None
    created_at: datetime
    # Who may see it because of its subjects' privacy; None = no private subject, no limit.
    # Computed once per event by the listener (realtime/listener.py), never per socket.
    viewers: frozenset[int] | None = None

    @classmethod
    def from_record(cls, row: Any, viewers: frozenset[int] | None = None) -> "Event":
        return cls(row["id"], row["type"], row["data"], row["audience"], row["created_at"], viewers)

    @classmethod
    def frame_of(cls, row: Any) -> TextFrame:
        """A stored event's frame, for a replay (visibility was decided in SQL)."""
        return TextFrame.of(cls.from_record(row).frame())

    def frame(self) -> str:
        return json.dumps(
            {
                "id": self.id,
                "type": self.type,
                "data": self.data,
                "ts": self.created_at.isoformat(),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @property
    def public(self) -> bool:
        """Every socket may see it, signed in or not (checked once per event, not per socket)."""
        return self.type != QR_EVENT and self.audience is None and self.viewers is None

    def visible_to(self, user_id: int | None, qr_requests: Container[str] = ()) -> bool:
        if self.type == QR_EVENT:
            return self.data.get("request_id") in qr_requests
        if self.audience is not None and (user_id is None or user_id not in self.audience):
            return False
        return self.viewers is None or (user_id is not None and user_id in self.viewers)


@dataclass(eq=False)
class Client:
    socket: WebSocket
    queue_size: int
    # Bytes of frames that may wait for this socket (queued, or held during a resume).
    queue_bytes: int = 1024 * 1024
    # The connection's protocol when the server offers direct writes (server/ws_server.py).
    direct: DirectSendProtocol | None = None
    user_id: int | None = None
    expires_at: float | None = None  # of the token that proved user_id (epoch seconds)
    qr_requests: set[str] = field(default_factory=set)
    # Frames that could not be written at once, in order; None stops the sender.
    queue: asyncio.Queue[TextFrame | None] = field(init=False)
    # The sender holds a frame taken from the queue and not written yet: nothing may overtake it.
    sending: bool = False
    # While a resume replays history, live events wait here (then go out unless replayed).
    held: list[tuple[int, TextFrame]] | None = None
    # The client said it has every event up to this id (`resume`): live ones up to it are
    # dropped, also when the listener reaches them only after the resume.
    seen_up_to: int = 0
    # The first event id that went out live (None until one did). From it on the socket has had
    # every event it may see, in order, so a later `resume` replays only the ids before it.
    first_live_id: int | None = None
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    close_reason: tuple[int, str] | None = None
    # Bytes of the frames in `queue` and `held` (against `queue_bytes`).
    waiting_bytes: int = 0
    # Set while at most half the byte budget waits: a replay reads its next batch only then,
    # so a socket that reads keeps it going and one that does not overflows within a batch.
    has_room: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.queue = asyncio.Queue(maxsize=self.queue_size)
        self.has_room.set()

    def offer(self, event_id: int, frame: TextFrame) -> bool:
        """Send an event frame without waiting. False when the client can't keep up."""
        if event_id <= self.seen_up_to:
            return True
        if self.held is not None:
            self.held.append((event_id, frame))
            self.waiting_bytes += frame.size
            return len(self.held) <= self.queue_size and self.waiting_bytes <= self.queue_bytes
        if self.first_live_id is None:
            self.first_live_id = event_id
        return self.send_now(frame)

    def offer_all(self, items: Sequence[tuple[int, TextFrame]]) -> bool:
        """`offer` for several events in id order; the frames that go out live are sent
        together (`send_all`). False when the client can't keep up."""
        if len(items) == 1:
            return self.offer(*items[0])
        live: list[TextFrame] = []
        for event_id, frame in items:
            if event_id <= self.seen_up_to:
                continue
            if self.held is not None:
                if not self.offer(event_id, frame):
                    return False
                continue
            if self.first_live_id is None:
                self.first_live_id = event_id
            live.append(frame)
        return self.send_all(live)

    def release_held(self) -> list[tuple[int, TextFrame]]:
        """The live events held during a resume (or the grace), handed back to be offered."""
        held, self.held = self.held or [], None
        self.waiting_bytes -= sum(frame.size for _, frame in held)
        return held

    def send_now(self, frame: TextFrame) -> bool:
        """Send a frame without waiting (events, replays and control frames): written to the
        transport at once when it can take it and nothing of this socket waits or is being
        written (so it cannot overtake one), else queued. False when the queue is full, in
        frames or bytes: the caller closes the socket (4008), it will resume."""
        if self._write_directly(frame):
            return True
        if self.waiting_bytes + frame.size > self.queue_bytes:
            return False
        try:
            self.queue.put_nowait(frame)
        except asyncio.QueueFull:
            return False
        self.waiting_bytes += frame.size
        if self.waiting_bytes > self.queue_bytes // 2:
            self.has_room.clear()
        metrics.WS_FRAMES_QUEUED.inc()  # only sockets that are behind pay for this
        return True

    def send_all(self, frames: Sequence[TextFrame]) -> bool:
        """`send_now` for several frames in order: written together while the transport takes
        them and nothing of this socket waits (so none overtakes one), the rest queued one by
        one. False when the queue is full."""
        sent = 0
        direct = self.direct
        if direct is not None and not self.sending and self.queue.empty():
            sent = direct.try_write_all(frames)
        return all(self.send_now(frame) for frame in frames[sent:])

    def _write_directly(self, frame: TextFrame) -> bool:
        """Written to the transport now, if it can take it and nothing of this socket waits in
        the queue or is being written by the sender (so this frame cannot overtake one)."""
        direct = self.direct
        return (
            direct is not None
            and not self.sending
            and self.queue.empty()
            and direct.try_write(frame)
        )

    async def run_sender(self) -> None:
        """Write what waited in the queue, in order, as fast as the transport takes it. Ends when
        the connection can take no more (it is closing) or at a None in the queue."""
        while True:
            frame = await self.queue.get()
            if frame is None:
                return
            self.sending = True
            try:
                if self.direct is None:
                    await self.socket.send_text(frame.text)
                elif not (await self.direct.wait_writable() and self.direct.try_write(frame)):
                    return  # closing: nothing more can be written
            finally:
                self.sending = False
                self.waiting_bytes -= frame.size
                if self.waiting_bytes <= self.queue_bytes // 2:
                    self.has_room.set()

    def viewer(self, now: float) -> int | None:
        """The user this socket speaks for now: nobody once its token has expired."""
        if self.expires_at is not None and now >= self.expires_at:
            return None
        return self.user_id

    def drop(self, code: int, reason: str) -> None:
        if self.close_reason is None:
            self.close_reason = (code, reason)
        self.closed.set()


class Hub:
    def __init__(
        self, queue_size: int = 1000, queue_bytes: int = 1024 * 1024, max_per_address: int = 32
    ) -> None:
        self.queue_size = queue_size
        self.queue_bytes = queue_bytes
        self.max_per_address = max_per_address
        self.clients: set[Client] = set()
        # Open sockets per client address (issue 19, N2: one address opened 1,000).
        self.per_address: dict[str, int] = {}
        self._address: dict[Client, str] = {}

    def add(self, client: Client, address: str = "") -> bool:
        """Count the socket in; False (nothing counted) when its address has its share open."""
        if self.per_address.get(address, 0) >= self.max_per_address:
            return False
        self.per_address[address] = self.per_address.get(address, 0) + 1
        self._address[client] = address
        self.clients.add(client)
        metrics.WS_CONNECTIONS.inc()
        return True

    def remove(self, client: Client) -> None:
        if client in self.clients:
            self.clients.discard(client)
            metrics.WS_CONNECTIONS.dec()
            address = self._address.pop(client, "")
            left = self.per_address.get(address, 1) - 1
            if left > 0:
                self.per_address[address] = left
            else:
                self.per_address.pop(address, None)

    def ids_restarted(self) -> None:
        """The event log was emptied: what clients said they have no longer applies."""
        for client in self.clients:
            client.seen_up_to = 0

    def publish(self, *events: Event) -> None:
        """Fan events out (in id order: one, or several the listener read at once) to every
        socket that may see them, each socket's frames together (module doc)."""
        metrics.EVENTS_PUBLISHED.inc(len(events))
        if not events or not self.clients:
            return
        delivered = 0
        now = time.time()
        frames: list[TextFrame | None] = [None] * len(events)
        # The common case: every event is public, so every socket gets the same frames.
        everyone = None
        if all(event.public for event in events):
            everyone = [(event.id, TextFrame.of(event.frame())) for event in events]
        for client in list(self.clients):
            if client.closed.is_set():
                continue
            if everyone is not None:
                items = everyone
            else:
                viewer = client.viewer(now)
                items = []
                for n, event in enumerate(events):
                    if event.public or event.visible_to(viewer, client.qr_requests):
                        frame = frames[n] or TextFrame.of(event.frame())
                        frames[n] = frame
                        items.append((event.id, frame))
                if not items:
                    continue
            if client.offer_all(items):
                delivered += len(items)
            else:
                metrics.WS_SLOW_CLIENTS_DROPPED.inc()
                client.drop(SLOW_CLIENT_CLOSE, "too slow: reconnect and resume")
        metrics.EVENTS_DELIVERED.inc(delivered)
