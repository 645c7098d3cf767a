"""Wake-ups for the event listeners, sent outside the writing transactions: a NOTIFY inside
them made every event-writing commit queue on PostgreSQL's notify lock. A wake-up only says
"read the log". Details: docs/internals.md, "Wake-ups".
"""

import asyncio
import contextlib
import logging
from contextvars import ContextVar

import asyncpg
from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger(__name__)
CHANNEL = "gallery_events"
# The events trigger (SQL function events_notify) skips its NOTIFY on sessions with this set.
DEFERRED_SETTING = {"gallery.wakeup": "deferred"}


class Waker:
    """One per process: `poke()` is free and never blocks; `run()` sends the wake-ups."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.sent = 0  # wake-ups sent (tests and metrics read it)
        self._poked = asyncio.Event()

    def poke(self) -> None:
        self._poked.set()

    async def run(self) -> None:
        delay = 0.2
        while True:
            try:
                await self._serve()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a restart or a network blip: the poll covers the gap
                log.warning("event wake-ups paused (%s); reconnecting in %.1f s", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _serve(self) -> None:
        conn = await asyncpg.connect(
            self.dsn,
            server_settings={
                "application_name": "gallery-event-waker",
                "synchronous_commit": "off",
            },
        )
        try:
            while True:
                await self._poked.wait()
                self._poked.clear()  # pokes from now on make the next wake-up
                await conn.execute(f"SELECT pg_notify('{CHANNEL}', '')")
                self.sent += 1
        finally:
            with contextlib.suppress(Exception):
                await conn.close(timeout=2)


# The waker of the app serving the current request or task (tests run several apps in one
# process, so it is not a module global). Unset (the CLI, the importer): their pools keep the
# trigger's NOTIFY, so nothing needs poking.
_current: ContextVar[Waker | None] = ContextVar("gallery_waker", default=None)


def poke() -> None:
    """Called by a service that wrote events (services/publish.py, provenance, trade accept)."""
    waker = _current.get()
    if waker is not None:
        waker.poke()


def bind(waker: Waker) -> None:
    """Make `waker` the current one for this task and the tasks it creates from now on."""
    _current.set(waker)


class BindWaker:
    """ASGI middleware: every request and socket of this app pokes this app's waker."""

    def __init__(self, app: ASGIApp, waker: Waker) -> None:
        self.app = app
        self.waker = waker

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = _current.set(self.waker)
        try:
            await self.app(scope, receive, send)
        finally:
            _current.reset(token)
