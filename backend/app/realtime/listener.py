"""Fan-out across processes and hosts: every process LISTENs on PostgreSQL.

Why LISTEN/NOTIFY rather than Redis pub/sub: the notification is sent by a trigger on the
events table and PostgreSQL delivers it only when the writing transaction commits — so no
process ever announces a rolled-back change, and no committed change goes unannounced, with no
outbox relay to run. It needs no second broker (Redis stays optional), reaches every process on
every host that can reach the database, and after a reconnect the listener catches up by reading
the events table from the last id it saw.
"""

import asyncio
import logging
import time

import asyncpg

from app.realtime.hub import Event, Hub
from app.repositories import events

log = logging.getLogger(__name__)
CHANNEL = "gallery_events"
# Event ids are taken at insert but become visible at commit, so a later id can commit first.
# A hole in the ids is waited for this long (the transaction that took it may still commit)
# before it is taken to be a rollback and skipped. This keeps delivery in id order, which is
# what lets a client resume from "the last id I saw".
GAP_WAIT_SECONDS = 1.0


class EventListener:
    def __init__(self, dsn: str, pool: asyncpg.Pool, hub: Hub) -> None:
        self.dsn = dsn
        self.pool = pool
        self.hub = hub
        self.last_id = 0
        self.reconnects = 0
        self._wake = asyncio.Event()
        self._gap_since: float | None = None

    async def run(self) -> None:
        async with self.pool.acquire() as conn:
            self.last_id = await conn.fetchval("SELECT coalesce(max(id), 0) FROM events")
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
            self._wake.set()  # catch up on whatever was missed while disconnected
            while not lost.is_set():
                waiter = asyncio.create_task(self._wake.wait())
                dead = asyncio.create_task(lost.wait())
                timeout = 0.05 if self._gap_since is not None else 5
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
            if not conn.is_closed():
                conn.terminate()

    def _notified(self, *_: object) -> None:
        self._wake.set()

    async def _drain(self) -> None:
        """Publish every event after the last one seen, in id order, in batches."""
        while True:
            async with self.pool.acquire() as conn:
                rows = await events.events_after_any(conn, self.last_id, 500)
            for row in rows:
                if row["id"] != self.last_id + 1 and not self._gap_expired():
                    return  # wait for the hole to commit (or to time out)
                self._gap_since = None
                self.hub.publish(Event.from_record(row))
                self.last_id = row["id"]
                # Let the sockets' sender tasks run between events: a burst of events then
                # fills only the queues of clients that really can't keep up.
                await asyncio.sleep(0)
            if len(rows) < 500:
                return

    def _gap_expired(self) -> bool:
        now = time.monotonic()
        if self._gap_since is None:
            self._gap_since = now
        return now - self._gap_since >= GAP_WAIT_SECONDS
