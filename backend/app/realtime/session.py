"""One WebSocket conversation (SPEC §4): auth, resume, heartbeat, delivery.

Protocol, client → server: `{"type": "auth", "token": ...}` (first message, optional),
`{"type": "resume", "after": <event id>}`, `{"type": "pong"}`,
`{"type": "auth_qr", "request_id": ..., "secret": ...}` (desktop waiting for QR sign-in).
Server → client: events `{"id", "type", "data", "ts"}`, `{"type": "ping"}`,
`{"type": "resumed", "last_id": ...}` and `{"type": "error", "detail": ...}`.
"""

import asyncio
import contextlib
import hmac
import json
import logging
from typing import Any

import asyncpg
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from app.core import metrics, security
from app.core.config import Settings
from app.realtime.hub import Client, Event, Hub
from app.realtime.listener import EventListener
from app.realtime.message_limit import SocketMessageLimiter
from app.repositories import auth_qr, events

log = logging.getLogger(__name__)
UNAUTHORIZED_CLOSE = 4401
HEARTBEAT_CLOSE = 4000
POLICY_CLOSE = 1008
FIRST_MESSAGE_WAIT = 10.0
# Live events are held this long after connecting, so a client that resumes right away gets
# its replay first and then live events, in id order, instead of live ones racing ahead.
# About one mobile round trip: the resume is sent right after the socket opens.
RESUME_GRACE = 1.0
REPLAY_BATCH = 500


class Session:
    def __init__(
        self,
        socket: WebSocket,
        hub: Hub,
        listener: EventListener,
        pool: asyncpg.Pool,
        settings: Settings,
    ) -> None:
        self.socket = socket
        self.hub = hub
        self.listener = listener
        self.pool = pool
        self.settings = settings
        self.client = Client(socket, hub.queue_size)
        self.client.held = []
        self.resuming = False
        self.last_heard = asyncio.get_running_loop().time()
        self.limiter = SocketMessageLimiter.from_rate(settings.rate_limit_ws_messages)

    async def run(self) -> None:
        await self.socket.accept()
        token = self.socket.query_params.get("token")
        if token and not self._authenticate(token):
            await self.socket.close(UNAUTHORIZED_CLOSE, "invalid or expired token")
            return
        self.hub.add(self.client)
        tasks = [
            asyncio.create_task(self._send_loop()),
            asyncio.create_task(self._receive_loop(first=token is None)),
            asyncio.create_task(self._heartbeat()),
            asyncio.create_task(self.client.closed.wait()),
        ]
        release = asyncio.get_running_loop().call_later(RESUME_GRACE, self._release_held)
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            release.cancel()
            self.hub.remove(self.client)
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            code, reason = self.client.close_reason or (1000, "bye")
            if self.socket.application_state == WebSocketState.CONNECTED:
                with contextlib.suppress(Exception):
                    await self.socket.close(code, reason)

    def _authenticate(self, token: Any) -> bool:
        if not isinstance(token, str):
            return False
        try:
            self.client.user_id = security.decode_access_token(token, self.settings.jwt_secret)
        except security.TokenError:
            return False
        return True

    async def _send_loop(self) -> None:
        while True:
            frame = await self.client.queue.get()
            if frame is None:
                return
            await self.socket.send_text(frame)

    async def _receive_loop(self, first: bool) -> None:
        while True:
            try:
                if first:
                    raw = await asyncio.wait_for(self.socket.receive_text(), FIRST_MESSAGE_WAIT)
                else:
                    raw = await self.socket.receive_text()
            except TimeoutError:
                first = False  # said nothing: an anonymous viewer
                continue
            except (WebSocketDisconnect, RuntimeError):
                return
            self.last_heard = asyncio.get_running_loop().time()
            if not self.limiter.allow():
                metrics.RATE_LIMITED.labels(limit="ws_messages").inc()
                self.client.drop(POLICY_CLOSE, "too many messages")
                return
            message = _parse(raw)
            kind = message.get("type") if message else None
            if first and kind == "auth":
                if message.get("token") is not None and not self._authenticate(message["token"]):
                    self.client.drop(UNAUTHORIZED_CLOSE, "invalid or expired token")
                    return
            elif kind == "resume":
                await self._resume(message.get("after"))
            elif kind == "auth_qr":
                await self._watch_qr(message)
            elif kind in ("pong", "ping"):
                pass
            else:
                self._reply({"type": "error", "detail": "unknown message"})
            first = False

    async def _heartbeat(self) -> None:
        interval = self.settings.ws_ping_interval
        while True:
            await asyncio.sleep(interval)
            silent = asyncio.get_running_loop().time() - self.last_heard
            if silent > interval + self.settings.ws_ping_timeout:
                self.client.drop(HEARTBEAT_CLOSE, "no answer to ping")
                return
            self._reply({"type": "ping"})

    def _release_held(self) -> None:
        """No resume came: deliver what was held and go live."""
        if self.resuming or self.client.held is None:
            return
        held, self.client.held = self.client.held, None
        for event_id, frame in held:
            if not self.client.offer(event_id, frame):
                self.client.drop(4008, "too slow: reconnect and resume")
                return

    def _reply(self, message: dict[str, Any]) -> None:
        if not self.client.send_now(json.dumps(message)):
            self.client.drop(4008, "too slow: reconnect and resume")

    async def _resume(self, after: Any) -> None:
        """Replay (after, watermark] from the table, then release what arrived live meanwhile.

        The watermark is the last id the listener has handed to the hub; anything newer
        reaches this socket through the hub, so the seam has no gap and no duplicate.
        """
        if not isinstance(after, int) or isinstance(after, bool) or after < 0:
            self._reply({"type": "error", "detail": "resume needs an integer 'after'"})
            return
        if self.client.held is None:
            self.client.held = []
        self.resuming = True
        watermark = self.listener.last_id
        cursor = after
        try:
            while cursor < watermark:
                async with self.pool.acquire() as conn:
                    rows = await events.events_after(
                        conn, cursor, self.client.user_id, REPLAY_BATCH, until=watermark
                    )
                for row in rows:
                    await self.client.queue.put(Event.from_record(row).frame())
                if len(rows) < REPLAY_BATCH:
                    break
                cursor = rows[-1]["id"]
        finally:
            held, self.client.held = self.client.held, None
            self.resuming = False
        for event_id, frame in held:
            if event_id > watermark and not self.client.offer(event_id, frame):
                self.client.drop(4008, "too slow: reconnect and resume")
                return
        self._reply({"type": "resumed", "last_id": max([watermark, *(i for i, _ in held)])})

    async def _watch_qr(self, message: dict[str, Any]) -> None:
        request_id, secret = message.get("request_id"), message.get("secret")
        if not isinstance(request_id, str) or not isinstance(secret, str):
            self._reply({"type": "error", "detail": "auth_qr needs request_id and secret"})
            return
        async with self.pool.acquire() as conn:
            row = await auth_qr.lock_request(conn, request_id)
        if row is None or not hmac.compare_digest(row["secret_hash"], security.digest(secret)):
            self._reply({"type": "error", "detail": "sign-in request not found"})
            return
        self.client.qr_requests.add(request_id)
        if row["status"] == "approved":  # approved before we listened: tell at once
            self._reply({"id": 0, "type": "auth.qr_approved", "data": {"request_id": request_id}})


def _parse(raw: str) -> dict[str, Any] | None:
    try:
        message = json.loads(raw)
    except ValueError:
        return None
    return message if isinstance(message, dict) else None
