"""Cut off oversized request bodies while they stream in, before anything buffers them."""

import contextlib
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import ErrorCode, error_body

# Multipart framing and the text fields around the file.
MULTIPART_OVERHEAD = 64 * 1024


_TOO_LARGE_BODY = json.dumps(
    error_body(ErrorCode.payload_too_large, "upload is larger than the allowed size")
).encode()


class _TooLarge(Exception):
    pass


class BodySizeLimit:
    """413 when `Content-Length` announces too much, or as soon as the streamed body passes it."""

    def __init__(self, app: ASGIApp, max_bytes: int, paths: tuple[str, ...]) -> None:
        self.app = app
        self.max_bytes = max_bytes + MULTIPART_OVERHEAD
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.paths):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(send)
            return
        received = 0
        tripped = False
        refused = False

        async def limited_receive() -> Message:
            nonlocal received, tripped
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    tripped = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            # Frameworks turn an exception inside body parsing into their own 400; once the
            # limit tripped, whatever the app answers is replaced by the 413.
            nonlocal refused
            if not tripped:
                await send(message)
            elif not refused:
                refused = True
                await self._refuse(send)

        with contextlib.suppress(_TooLarge):
            await self.app(scope, limited_receive, guarded_send)
        if tripped and not refused:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = _TOO_LARGE_BODY
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
