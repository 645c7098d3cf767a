"""Request body caps for every route, enforced while the body streams in (nothing buffers it),
with the same limits as nginx so a client sees the same 413 either way. Caps, the drain
before a 413, the body idle timeout: docs/internals.md, "Body limits".
"""

import asyncio
import contextlib
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import ErrorCode, error_body

# Multipart framing and the text fields around the file.
MULTIPART_OVERHEAD = 64 * 1024
JSON_MAX_BYTES = 64 * 1024
DRAIN_MAX_BYTES = 32 * 1024 * 1024
DRAIN_SECONDS = 15.0


class _TooLarge(Exception):
    pass


class _Stalled(Exception):
    """The client stopped sending its body for longer than the body timeout."""


def _refusal(limit: int) -> bytes:
    return json.dumps(error_body(ErrorCode.payload_too_large, limit_bytes=limit)).encode()


class BodySizeLimit:
    """413 when `Content-Length` announces more than the route's cap, or as soon as a streamed
    body passes it; the rest of the body is drained first (see the module docstring)."""

    def __init__(
        self,
        app: ASGIApp,
        max_upload_bytes: int,
        upload_paths: tuple[str, ...],
        body_timeout: float = 30.0,
    ) -> None:
        self.app = app
        self.body_timeout = body_timeout
        self.upload_max = max_upload_bytes + MULTIPART_OVERHEAD
        self.upload_paths = upload_paths

    def cap(self, path: str) -> int:
        return self.upload_max if path.startswith(self.upload_paths) else JSON_MAX_BYTES

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.cap(scope["path"])
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > cap):
            clean = False
            if declared.isdigit() and headers.get(b"expect", b"").lower() != b"100-continue":
                clean = int(declared) <= DRAIN_MAX_BYTES and await _drain(receive, 0)
            await _refuse(send, cap, close=not clean)
            return
        received = 0
        tripped = False
        refused = False
        stalled = False

        async def limited_receive() -> Message:
            nonlocal received, tripped, stalled
            if received < 0:  # body complete: the app waits for a disconnect, no deadline
                return await receive()
            try:
                async with asyncio.timeout(self.body_timeout):
                    message = await receive()
            except TimeoutError:
                stalled = True
                raise _Stalled from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    tripped = True
                    raise _TooLarge
                if not message.get("more_body", False):
                    received = -1  # complete: nothing left to drain
            return message

        async def guarded_send(message: Message) -> None:
            # Frameworks turn an exception inside body parsing into their own 400; once the
            # limit tripped, whatever the app answers is replaced by the 413.
            nonlocal refused
            if stalled and not refused:
                refused = True
                await _timed_out(send)
            elif not tripped and not stalled:
                await send(message)
            elif not refused:
                refused = True
                clean = await _drain(receive, received)
                await _refuse(send, cap, close=not clean)

        with contextlib.suppress(_TooLarge, _Stalled):
            await self.app(scope, limited_receive, guarded_send)
        if stalled and not refused:
            await _timed_out(send)
        elif tripped and not refused:
            clean = await _drain(receive, received)
            await _refuse(send, cap, close=not clean)


async def _drain(receive: Receive, already: int) -> bool:
    """Read and discard the rest of the body; True when it all arrived within the bounds."""
    if already < 0:
        return True
    total = already
    try:
        async with asyncio.timeout(DRAIN_SECONDS):
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return False  # the client went away
                total += len(message.get("body", b""))
                if not message.get("more_body", False):
                    return True
                if total > DRAIN_MAX_BYTES:
                    return False
    except TimeoutError:
        return False


async def _timed_out(send: Send) -> None:
    """408 and close: the client stalled in the middle of its body."""
    body = json.dumps(error_body(ErrorCode.request_timeout)).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 408, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _refuse(send: Send, limit: int, *, close: bool) -> None:
    body = _refusal(limit)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
    ]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
