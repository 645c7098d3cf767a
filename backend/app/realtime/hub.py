"""The per-process WebSocket hub: who is connected, and fan-out of events to them.

Each event is serialised once into a ready frame (`TextFrame`: text, payload and the whole
wire frame) and `Hub.publish` writes it to every socket that may see it, in the same call:
straight to the socket's transport when the server offers it (core/ws_server.py) and nothing
of that socket is waiting — no task is woken per socket per event. A socket that is behind (its
transport's buffer is over its high-water mark, or frames already wait) gets the frame in its
bounded queue instead, drained in order by that socket's sender task once the transport takes
writes again; so a slow client only fills its own queue, and when that is full it is closed
(code 4008) and will `resume`. Without the server extension every frame takes the queue.
"""

import asyncio
import json
import logging
import time
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.websockets import WebSocket

from app.core import metrics
from app.core.ws_server import DirectSendProtocol, TextFrame

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
    # The connection's protocol when the server offers direct writes (core/ws_server.py).
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

    def __post_init__(self) -> None:
        self.queue = asyncio.Queue(maxsize=self.queue_size)

    def offer(self, event_id: int, frame: TextFrame) -> bool:
        """Send an event frame without waiting. False when the client can't keep up."""
        if event_id <= self.seen_up_to:
            return True
        if self.held is not None:
            self.held.append((event_id, frame))
            return len(self.held) <= self.queue_size
        if self.first_live_id is None:
            self.first_live_id = event_id
        return self.send_now(frame)

    def send_now(self, frame: TextFrame) -> bool:
        """Send a frame without waiting (events, and control frames: never held back): written
        to the transport at once when it can take it and nothing of this socket waits or is
        being written (so it cannot overtake one), else queued. False when the queue is full."""
        if self._write_directly(frame):
            return True
        try:
            self.queue.put_nowait(frame)
        except asyncio.QueueFull:
            return False
        metrics.WS_FRAMES_QUEUED.inc()  # only sockets that are behind pay for this
        return True

    async def send(self, frame: TextFrame) -> None:
        """Send a frame, waiting for room in the queue if need be (a resume's replay)."""
        if self._write_directly(frame):
            return
        await self.queue.put(frame)
        metrics.WS_FRAMES_QUEUED.inc()

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
    def __init__(self, queue_size: int = 1000) -> None:
        self.queue_size = queue_size
        self.clients: set[Client] = set()

    def add(self, client: Client) -> None:
        self.clients.add(client)
        metrics.WS_CONNECTIONS.inc()

    def remove(self, client: Client) -> None:
        if client in self.clients:
            self.clients.discard(client)
            metrics.WS_CONNECTIONS.dec()

    def ids_restarted(self) -> None:
        """The event log was emptied: what clients said they have no longer applies."""
        for client in self.clients:
            client.seen_up_to = 0

    def publish(self, event: Event) -> None:
        metrics.EVENTS_PUBLISHED.inc()
        delivered = 0
        frame: TextFrame | None = None
        now = time.time()
        public = event.public
        for client in list(self.clients):
            if client.closed.is_set():
                continue
            if not public and not event.visible_to(client.viewer(now), client.qr_requests):
                continue
            frame = frame or TextFrame.of(event.frame())
            if client.offer(event.id, frame):
                delivered += 1
            else:
                metrics.WS_SLOW_CLIENTS_DROPPED.inc()
                client.drop(SLOW_CLIENT_CLOSE, "too slow: reconnect and resume")
        metrics.EVENTS_DELIVERED.inc(delivered)
