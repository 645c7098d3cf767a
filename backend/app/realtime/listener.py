"""Fan-out across processes and hosts: every process LISTENs on PostgreSQL and reads the event
log, delivering an id only once it is final, so an event committed late is never skipped. Why
LISTEN/NOTIFY and why ids wait: docs/internals.md, "Event listener".
"""

import asyncio
import logging
from collections import deque

import asyncpg

from app.core.db import Connection
from app.realtime.hub import Event, Hub
from app.services import events, page_cache

log = logging.getLogger(__name__)
CHANNEL = events.CHANNEL
BATCH = 500
# Events published in one pass over the sockets (each socket: one write for all of them). More
# per pass means fewer writes, and a longer pass before the loop runs anything else.
PUBLISH_GROUP = 32
# While some handed-out id is not final yet, look again soon (the transaction it waits for may
# end without a NOTIFY: a rollback, or an unrelated write): first after 5 ms (most transactions
# are that short), backing off to 100 ms while nothing becomes final.
PENDING_POLL_MIN = 0.005
PENDING_POLL_MAX = 0.1
MAX_PENDING = 1000


class EventListener:
    def __init__(self, dsn: str, pool: asyncpg.Pool, hub: Hub, poll_seconds: float = 1.0) -> None:
        self.dsn = dsn
        # Read the log at least this often: a wake-up can be lost (core/wakeup.py).
        self.poll_seconds = poll_seconds
        self.pool = pool
        self.hub = hub
        # The gallery's cached first pages (services/page_cache.py): used only while this
        # listener listens, emptied before any event that can change them goes out.
        self.page_cache = page_cache.cache_of(pool)
        # The last id handed to the hub; every id <= it is final. None until the start-up point
        # is final (resumes wait for `ready`): events before it are history, after it live.
        self.last_id: int | None = None
        self.ready = asyncio.Event()
        self.reconnects = 0
        self._wake = asyncio.Event()
        self._seen = -1  # the last "ids handed out so far" read
        self._generation: int | None = None  # of the id sequence at that read
        # (ids handed out, newest write transaction running right after that read)
        self._pending: deque[tuple[int, int]] = deque()
        self._final: int | None = None  # every id <= this is committed or rolled back
        self._pending_poll = PENDING_POLL_MIN

    async def run(self) -> None:
        delay = 0.2
        while True:
            try:
                await self._listen()
                delay = 0.2
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # database restarts, network blips: reconnect
                log.warning("event listener lost its connection (%s); reconnecting", exc)
                self.reconnects += 1
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _listen(self) -> None:
        conn = await asyncpg.connect(
            self.dsn, server_settings={"application_name": "gallery-event-listener"}
        )
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _: lost.set())
        try:
            await conn.add_listener(CHANNEL, self._notified)
            # Listening from here on: every later commit will reach us, and what committed
            # before is in any page read from now on. (Missed events are caught up below.)
            self.page_cache.enable()
            self._wake.set()  # catch up on whatever was missed while disconnected
            while not lost.is_set():
                waiter = asyncio.create_task(self._wake.wait())
                dead = asyncio.create_task(lost.wait())
                timeout = self._pending_poll if self._pending else self.poll_seconds
                await asyncio.wait(
                    {waiter, dead}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                )
                waiter.cancel()
                dead.cancel()
                if lost.is_set():
                    break
                self._wake.clear()
                await self._drain()
                # A cheap query keeps a half-open connection from going unnoticed.
                await conn.fetchval("SELECT 1", timeout=5)
            raise ConnectionError("listener connection closed")
        finally:
            # Events may be missed from now until the next LISTEN: no cached page meanwhile.
            self.page_cache.disable()
            if not conn.is_closed():
                conn.terminate()

    def _notified(self, *_: object) -> None:
        self._wake.set()

    async def _drain(self) -> None:
        """Advance the final point, then publish every event up to it, in id order."""
        async with self.pool.acquire() as conn:
            await self._advance_final(conn)
        if self._final is None:
            return
        if self.last_id is None:  # start-up: what is final now is history
            self.last_id = self._final
            self.ready.set()
            return
        while self.last_id < self._final:
            async with self.pool.acquire() as conn:
                rows = await events.events_between(conn, self.last_id, self._final, BATCH)
                viewers = await _viewers_by_subject(conn, rows)
            if any(page_cache.affects_listing(row["type"]) for row in rows):
                # Before any of them goes out: whoever sees one of these events and then asks
                # for the gallery gets a page read after they all committed.
                self.page_cache.invalidate()
            elif any(page_cache.affects_viewers(row["type"]) for row in rows):
                self.page_cache.viewers_changed()
            for row in rows:
                if row["type"] == page_cache.FAVORITES_EVENT:  # a number on a card: patched
                    data = row["data"]
                    self.page_cache.favorites_changed(
                        row["id"], int(data["photo_id"]), int(data["favorites_count"])
                    )
            for start in range(0, len(rows), PUBLISH_GROUP):
                group = rows[start : start + PUBLISH_GROUP]
                # Read together, sent together: each socket gets the group in one write.
                self.hub.publish(*(Event.from_record(r, _event_viewers(r, viewers)) for r in group))
                self.last_id = group[-1]["id"]
                # Let the loop run between groups (transports drain, the senders of sockets
                # that were behind write): a burst of events then fills only the queues of
                # clients that really can't keep up.
                await asyncio.sleep(0)
            if len(rows) < BATCH:
                self.last_id = self._final  # the ids left are rollbacks
                return

    async def _advance_final(self, conn: Connection) -> None:
        # Order matters: first the ids handed out, then the running transactions (module doc).
        assigned, generation = await events.assigned_ids(conn)
        oldest, newest = await events.running_transactions(conn)
        # The log was emptied and its ids restarted (a reset, tests). A new sequence generation
        # says so even when this listener never read an id above the new ones (it lagged behind
        # the last writes before the reset): ids alone then looked like progress, and the hub
        # dropped the new events as already seen by clients that had resumed past them.
        restarted = assigned < self._seen or generation != (self._generation or generation)
        self._generation = generation
        if restarted:
            log.warning("event ids restarted at %s (was %s)", assigned, self._seen)
            self._seen, self._final = -1, None
            self._pending.clear()
            if self.last_id is not None:
                self.last_id = 0
            self.hub.ids_restarted()
            self.page_cache.invalidate()
        if assigned > self._seen:
            self._seen = assigned
            if newest is None:  # nothing running: every id handed out is final now
                self._pending.clear()
                self._final = assigned
            else:
                if len(self._pending) >= MAX_PENDING:  # a very long transaction: coarser steps
                    self._pending.pop()
                self._pending.append((assigned, newest))
        advanced = False
        while self._pending and (oldest is None or self._pending[0][1] < oldest):
            self._final = self._pending.popleft()[0]
            advanced = True
        if advanced or not self._pending:
            self._pending_poll = PENDING_POLL_MIN
        else:
            self._pending_poll = min(self._pending_poll * 2, PENDING_POLL_MAX)


async def _viewers_by_subject(conn: Connection, rows: list[asyncpg.Record]) -> dict[int, list[int]]:
    """One query per batch: the private subjects of these events and who may see them."""
    subjects = sorted({s for row in rows for s in row["subjects"]})
    return await events.viewers_of_private(conn, subjects) if subjects else {}


def _event_viewers(row: asyncpg.Record, private: dict[int, list[int]]) -> frozenset[int] | None:
    """None when no subject is private; else the subjects plus whom every private one accepted
    (services/users.can_view_collection, as the resume SQL in repositories/events.py)."""
    limits = [{s, *private[s]} for s in row["subjects"] if s in private]
    if not limits:
        return None
    return frozenset(set.intersection(*limits) | set(row["subjects"]))
