"""One JSON log line and one metrics sample per HTTP request, from a single timing (pure ASGI
middleware; add it last so it is outermost and times everything below it).

The request id is the caller's `X-Request-ID` when it looks like one (nginx sends its
`$request_id`, so the edge's access log and ours share it), else a new random one; it is returned
in the `X-Request-ID` response header. The line carries the route *template* (never the concrete
path or the query string, where a token could be), status, duration, and the signed-in user's id
when the request had a valid access token (`request.state.user_id`, set by api/deps.py).
"""

import asyncio
import logging
import re
import secrets
import time

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.server.metrics import record_request, route_label

log = logging.getLogger("app.request")
HEADER = "x-request-id"
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id_from(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == HEADER.encode():
            candidate: str = value.decode("latin-1")
            if _VALID_ID.match(candidate):
                return candidate
            break
    return secrets.token_hex(16)  # the same shape as nginx's $request_id


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status: int | None = None

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append("X-Request-ID", request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except asyncio.CancelledError:
            status = status or 499  # the client went away before an answer
            raise
        finally:
            seconds = time.perf_counter() - started
            route = route_label(scope)
            final = status or 500  # the app failed before answering
            record_request(scope["method"], route, final, seconds)
            log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "route": route,
                    "status": final,
                    "duration_ms": round(seconds * 1000, 2),
                    "user_id": scope["state"].get("user_id"),
                },
            )
