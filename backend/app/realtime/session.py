"""One WebSocket conversation: auth, resume, heartbeat, delivery. The protocol (messages, close
codes) is in docs/api.md; every shape is a model in schemas/events.py. Why a resume's replay is
bounded: docs/internals.md, "WebSocket sessions".
"""

import asyncio
import contextlib
import json
import logging
import time
from datetime import UTC, datetime
from typing import Any

import asyncpg
from pydantic import BaseModel
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from app.core import security
from app.core.config import Settings
from app.core.errors import AppError, ErrorCode
from app.realtime.hub import Client, Event, Hub
from app.realtime.listener import EventListener
from app.realtime.message_limit import SocketMessageLimiter
from app.schemas.errors import ErrorDetail
from app.schemas.events import (
    AuthenticatedFrame,
    ErrorFrame,
    PingFrame,
    QrApproved,
    QrApprovedEvent,
    ResumedFrame,
)
from app.server import metrics
from app.server.ws_server import TextFrame, direct_send
from app.services import auth_qr, events

log = logging.getLogger(__name__)
URL_TOKEN_CLOSE = 4400
UNAUTHORIZED_CLOSE = 4401
HEARTBEAT_CLOSE = 4000
SLOW_CLOSE = 4008
POLICY_CLOSE = 1008
TRY_LATER_CLOSE = 1013
# The grace ends only once every message the client sent in it has been read (looked at again
# every RELEASE_RECHECK seconds, at most this many times).
RELEASE_RECHECK = 0.05
MAX_RELEASE_DEFERRALS = 100
# Events read per replay query: the next batch is read only once the socket took this one.
REPLAY_BATCH = 100


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
        self.client = Client(socket, hub.queue_size, hub.queue_bytes, direct=direct_send(socket))
        self.client.held = []
        self.resuming = False
        self.last_heard = asyncio.get_running_loop().time()
        self.limiter = SocketMessageLimiter.from_rate(settings.rate_limit_ws_messages)
        self.expiry: asyncio.TimerHandle | None = None
        # A replay runs beside the receive loop, so pongs and re-auth are heard meanwhile.
        self.replay: asyncio.Task[None] | None = None
        self.release: asyncio.TimerHandle | None = None
        self.release_deferrals = 0

    async def run(self) -> None:
        await self.socket.accept()
        if "token" in self.socket.query_params:
            await self.socket.close(URL_TOKEN_CLOSE, "send the token in an auth message")
            return
        address = self.socket.client.host if self.socket.client else ""
        if not self.hub.add(self.client, address):
            await self.socket.close(TRY_LATER_CLOSE, "too many sockets from this address")
            return
        tasks = [
            asyncio.create_task(self.client.run_sender()),
            asyncio.create_task(self._receive_loop()),
            asyncio.create_task(self._heartbeat()),
            asyncio.create_task(self.client.closed.wait()),
        ]
        # Live events are held this long after connecting, so a client that resumes right away
        # gets its replay first and then live events, in id order.
        loop = asyncio.get_running_loop()
        self.release = loop.call_later(self.settings.ws_resume_grace, self._release_held)
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self.release.cancel()
            if self.expiry is not None:
                self.expiry.cancel()
            self.hub.remove(self.client)
            if self.replay is not None:
                tasks.append(self.replay)
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            code, reason = self.client.close_reason or (1000, "bye")
            if self.socket.application_state == WebSocketState.CONNECTED:
                with contextlib.suppress(Exception):
                    await self.socket.close(code, reason)

    async def _receive_loop(self) -> None:
        while True:
            try:
                raw = await self.socket.receive_text()
            except (WebSocketDisconnect, RuntimeError):
                return
            self.last_heard = asyncio.get_running_loop().time()
            if not self.limiter.allow():
                metrics.RATE_LIMITED.labels(limit="ws_messages").inc()
                self.client.drop(POLICY_CLOSE, "too many messages")
                return
            message = _parse(raw)
            kind = message.get("type")
            if kind == "auth":
                self._authenticate(message.get("token"))
            elif kind == "resume":
                self._start_resume(message.get("after"))
            elif kind == "auth_qr":
                await self._watch_qr(message)
            elif kind in ("pong", "ping"):
                pass
            else:
                self._error(ErrorCode.ws_unknown_message, "unknown message type")
            if self.client.closed.is_set():
                return

    def _authenticate(self, token: Any) -> None:
        """Sign the socket in (or again, with a fresh token), or make it anonymous (null)."""
        if token is None:
            self._set_identity(None, None)
            self._reply(AuthenticatedFrame(type="authenticated", user_id=None, expires_at=None))
            return
        if not isinstance(token, str):
            self.client.drop(UNAUTHORIZED_CLOSE, "invalid or expired token")
            return
        try:
            claims = security.decode_access_claims(token, self.settings.jwt_secret)
            user_id, expires_at = claims.user_id, claims.expires_at or time.time()
        except security.TokenError:
            self.client.drop(UNAUTHORIZED_CLOSE, "invalid or expired token")
            return
        if self.client.user_id is not None and user_id != self.client.user_id:
            self.client.drop(UNAUTHORIZED_CLOSE, "token is for another user: reconnect")
            return
        self._set_identity(user_id, expires_at)
        expires = datetime.fromtimestamp(expires_at, UTC)
        self._reply(AuthenticatedFrame(type="authenticated", user_id=user_id, expires_at=expires))

    def _set_identity(self, user_id: int | None, expires_at: float | None) -> None:
        self.client.user_id, self.client.expires_at = user_id, expires_at
        if self.expiry is not None:
            self.expiry.cancel()
            self.expiry = None
        if expires_at is not None:
            # The hub already stops personal events at expiry (Client.viewer); this closes the
            # socket so the client reconnects with a fresh token and resumes what it missed.
            delay = max(0.0, expires_at - time.time())
            self.expiry = asyncio.get_running_loop().call_later(delay, self._expired)

    def _expired(self) -> None:
        self.client.drop(UNAUTHORIZED_CLOSE, "token expired: reconnect with a fresh token")

    async def _heartbeat(self) -> None:
        interval = self.settings.ws_ping_interval
        while True:
            await asyncio.sleep(interval)
            silent = asyncio.get_running_loop().time() - self.last_heard
            if silent > interval + self.settings.ws_ping_timeout:
                self.client.drop(HEARTBEAT_CLOSE, "no answer to ping")
                return
            self._reply(PingFrame(type="ping"))

    def _release_held(self) -> None:
        """No resume came: deliver what was held and go live."""
        if self.resuming or self.client.held is None:
            return
        direct = self.client.direct
        if (
            direct is not None
            and direct.last_data_at > self.last_heard
            and self.release_deferrals < MAX_RELEASE_DEFERRALS
        ):
            # The client sent something this session has not read yet (a busy loop): it may be
            # the `resume`, which must come before any live event. Look again shortly.
            self.release_deferrals += 1
            loop = asyncio.get_running_loop()
            self.release = loop.call_later(RELEASE_RECHECK, self._release_held)
            return
        for event_id, frame in self.client.release_held():
            if not self.client.offer(event_id, frame):
                self.client.drop(SLOW_CLOSE, "too slow: reconnect and resume")
                return

    def _reply(self, message: BaseModel) -> None:
        """A control frame, always one of the models of schemas/events.py."""
        if not self.client.send_now(TextFrame.of(message.model_dump_json())):
            self.client.drop(SLOW_CLOSE, "too slow: reconnect and resume")

    def _error(self, code: ErrorCode, message: str) -> None:
        """The HTTP error shape, in a frame: `{"type": "error", "detail": {"code", "message"}}`."""
        self._reply(ErrorFrame(type="error", detail=ErrorDetail(code=code, message=message)))

    def _start_resume(self, after: Any) -> None:
        if not isinstance(after, int) or isinstance(after, bool) or after < 0:
            self._error(ErrorCode.bad_request, "resume needs an integer 'after'")
            return
        if self.replay is not None and not self.replay.done():
            self._error(ErrorCode.ws_resume_in_progress, "a resume is already running")
            return
        if self.client.held is None:
            self.client.held = []
        self.client.seen_up_to = after
        self.resuming = True
        self.replay = asyncio.create_task(self._resume(after))

    async def _resume(self, after: int) -> None:
        """Replay (after, watermark] from the table, then release what arrived live meanwhile.

        The watermark is the last id the listener has handed to the hub (every id up to it is
        final); anything newer reaches this socket through the hub, so the seam has no gap and
        no duplicate. Held live events the client says it has (id <= after) are dropped.
        A resume that comes after live delivery began (the grace ran out first) replays only
        the ids before the first live one: those after it were sent already, so nothing is
        sent twice — the replayed older ids then arrive after newer ones (clients order by id).
        """
        watermark = 0
        try:
            await self.listener.ready.wait()
            watermark = self.listener.last_id or 0
            replay_to = watermark
            if self.client.first_live_id is not None:
                replay_to = min(watermark, self.client.first_live_id - 1)
            async with asyncio.timeout(self.settings.ws_replay_deadline):
                replayed = await self._replay(after, replay_to)
        except TimeoutError:
            replayed = False
        finally:
            held = self.client.release_held()
            self.resuming = False
        if not replayed:
            metrics.WS_SLOW_CLIENTS_DROPPED.inc()
            self.client.drop(SLOW_CLOSE, "too slow: reconnect and resume")
            return
        for event_id, frame in held:
            if event_id > max(watermark, after) and not self.client.offer(event_id, frame):
                self.client.drop(SLOW_CLOSE, "too slow: reconnect and resume")
                return
        last_id = max([watermark, *(i for i, _ in held)])
        self._reply(ResumedFrame(type="resumed", last_id=last_id))

    async def _replay(self, cursor: int, replay_to: int) -> bool:
        """Send the events in (cursor, replay_to] this socket may see; False when the socket
        could not take them (its queue's budget ran out)."""
        while cursor < replay_to:
            async with self.pool.acquire() as conn:
                rows = await events.events_after(
                    conn, cursor, self.client.viewer(time.time()), REPLAY_BATCH, replay_to
                )
            for row in rows:
                if not self.client.send_now(Event.frame_of(row)):
                    return False
            if len(rows) < REPLAY_BATCH:
                return True
            cursor = rows[-1]["id"]
            rows.clear()  # this batch's records go before the next batch is read
            # Pace on the socket: the next batch once at most half its byte budget waits (a
            # socket that does not read overflows its budget within the next batch: 4008).
            await self.client.has_room.wait()
            if self.client.closed.is_set():
                return True
        return True

    async def _watch_qr(self, message: dict[str, Any]) -> None:
        request_id, secret = message.get("request_id"), message.get("secret")
        if not isinstance(request_id, str) or not isinstance(secret, str):
            self._error(ErrorCode.bad_request, "auth_qr needs request_id and secret")
            return
        try:
            status = await auth_qr.poll_qr_login(
                self.pool, self.settings, request_id, secret, peek=True
            )
        except AppError as exc:  # not found (or wrong secret), expired
            self._error(exc.code, exc.message)
            return
        self.client.qr_requests.add(request_id)
        if status.status == "approved":  # approved before we listened: tell at once
            approved = QrApproved(request_id=request_id)
            now = datetime.now(UTC)
            self._reply(QrApprovedEvent(id=0, type="auth.qr_approved", data=approved, ts=now))


def _parse(raw: str) -> dict[str, Any]:
    """The message as a dict; {} (an unknown message) when it is not a JSON object."""
    try:
        message = json.loads(raw)
    except ValueError:
        return {}
    return message if isinstance(message, dict) else {}
