"""uvicorn's HTTP protocol with a deadline for the request head (slow-loris).

uvicorn has a keep-alive timeout between requests, but none for a request head: a client that
connects and sends its headers one byte at a time (or nothing at all) holds the connection —
and a slot of `--limit-concurrency` — forever. This subclass of uvicorn's httptools protocol
closes a connection whose request head is not complete `HTTP_HEADER_TIMEOUT` seconds after
the connection opened or the head began. Bodies have their own idle timeout in
server/body_limit.py (HTTP_BODY_TIMEOUT).

Used by every way the server starts (scripts/run.sh, backend/Dockerfile, the tests):
    uvicorn app.main:app --app-dir backend --http app.server.http_server:HeaderTimeoutProtocol
"""

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.core.config import get_settings


class HeaderTimeoutProtocol(HttpToolsProtocol):
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()  # nothing sent yet counts too

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._head_timer is None:  # the next request on a kept-alive connection
            self._arm_head_timer()

    def on_headers_complete(self) -> None:
        self._cancel_head_timer()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def _arm_head_timer(self) -> None:
        timeout = get_settings().http_header_timeout
        self._head_timer = self.loop.call_later(timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self.transport.close()
