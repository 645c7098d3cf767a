"""The notifier: events → bot messages, exactly one per (event, recipient), from the event log
the gallery already writes; one active notifier per database (an advisory lock), standbys take
over at once. Derive, send and retry rules: docs/internals.md, "Notifier".
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from app.core.config import Settings
from app.core.db import Connection, create_pool
from app.messengers.base import (
    BotClient,
    DeliveryError,
    Messenger,
    Outgoing,
    Rejected,
    RetryLater,
    Transient,
    Unreachable,
)
from app.repositories import bot as bot_sql
from app.repositories import events
from app.repositories import notifications as sql
from app.services.notifications import derive, render

log = logging.getLogger(__name__)
LOCK_KEY = 0x6E6F746966  # "notif": one active notifier per database
BATCH = 500
DUE_BATCH = 200
IN_FLIGHT = 12  # platform calls one notifier keeps open at once, per platform
POOL_SIZE = 6  # its deliveries hold a connection for one statement at a time
IDLE_POLL = 1.0
PENDING_POLL = 0.02
GIVE_UP_AFTER = 24 * 3600.0  # a notification not delivered within a day is dropped


class FinalIds:
    """How far event ids are final (repositories/events.running_transactions explains why
    reading the ids handed out, then the running transactions, in that order, is enough)."""

    def __init__(self) -> None:
        self.final: int | None = None
        self._pending: tuple[int, int] | None = None  # (ids handed out, newest running then)

    async def advance(self, conn: Connection) -> bool:
        """True while some handed-out id is not final yet (look again soon)."""
        assigned = await events.last_assigned_id(conn)
        oldest, newest = await events.running_transactions(conn)
        if self._pending and (oldest is None or self._pending[1] < oldest):
            self.final = max(self.final or 0, self._pending[0])
            self._pending = None
        if newest is None:
            self.final, self._pending = assigned, None
        elif assigned > (self.final or 0) and self._pending is None:
            self._pending = (assigned, newest)
        return self._pending is not None


@dataclass
class Pace:
    """A platform's limits: `rate` messages per second per bot, `chat_interval` seconds between
    two messages to one chat, and a pause after a 429."""

    rate: float
    chat_interval: float
    next_slot: float = 0.0
    paused_until: float = 0.0
    chats: dict[int, float] = field(default_factory=dict)

    def chat_ready(self, chat_id: int, now: float) -> bool:
        return self.chats.get(chat_id, 0.0) <= now

    def reserve(self, chat_id: int, now: float) -> float:
        """Seconds to wait before sending to this chat (reserves the slot)."""
        slot = max(now, self.next_slot, self.paused_until)
        self.next_slot = slot + 1.0 / self.rate
        self.chats[chat_id] = slot + self.chat_interval
        # Not covered: reached after 10,000 distinct chats; a memory bound.
        # Forget chats whose interval is long over.
        if len(self.chats) > 10_000:  # pragma: no cover
            self.chats = {c: t for c, t in self.chats.items() if t > now}
        return slot - now


class Notifier:
    def __init__(self, settings: Settings, dsn: str, clients: list[BotClient]) -> None:
        self.settings = settings
        self.dsn = dsn
        # Its own small pool, opened only while active: its statements never queue the API's
        # requests behind them, and a standby costs one connection (the lock's).
        self._pool: asyncpg.Pool | None = None
        self.clients = {client.messenger: client for client in clients}
        self.active = asyncio.Event()  # set while this process is the active notifier
        self.takeovers = 0
        self._wake = asyncio.Event()
        self._work = asyncio.Event()
        self._final = FinalIds()
        self._paces = {
            "telegram": Pace(settings.telegram_rate, settings.telegram_chat_interval),
            "max": Pace(settings.max_rate, settings.max_chat_interval),
        }

    @property
    def pool(self) -> asyncpg.Pool:
        """The active notifier's pool (workers run only while it is open)."""
        if self._pool is None:
            # Not covered: a bug guard: workers run only while the pool is open.
            raise RuntimeError("the notifier is not active")  # pragma: no cover
        return self._pool

    async def run(self) -> None:
        while True:
            try:
                await self._hold_lock_and_work()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # database restarts, network blips: try again
                log.warning("notifier stopped (%s); trying again", exc)
            self.active.clear()
            await asyncio.sleep(self.settings.notifier_standby_poll)

    async def _hold_lock_and_work(self) -> None:
        conn = await asyncpg.connect(
            self.dsn, server_settings={"application_name": "gallery-notifier"}
        )
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _: lost.set())
        try:
            # Waits in PostgreSQL: granted the moment the holder's connection ends.
            await conn.execute("SELECT pg_advisory_lock($1)", LOCK_KEY)
            self._pool = await create_pool(self.dsn, 1, POOL_SIZE)
            await conn.add_listener(events.CHANNEL, lambda *_: self._wake.set())
            await self._take_over()
            workers = [asyncio.create_task(self._derive_forever())]
            workers += [asyncio.create_task(self._send_forever(m)) for m in self.clients]
            try:
                while not lost.is_set() and not any(w.done() for w in workers):
                    with_timeout = asyncio.wait_for(lost.wait(), timeout=5.0)
                    try:
                        await with_timeout
                    except TimeoutError:
                        await conn.fetchval("SELECT 1", timeout=5)  # a half-open link shows
            finally:
                for worker in workers:
                    worker.cancel()
                await asyncio.gather(*workers, return_exceptions=True)
                for worker in workers:
                    # Not covered: a worker that raises is a bug: logged.
                    if not worker.cancelled() and worker.exception():  # pragma: no cover
                        log.error("notifier worker failed", exc_info=worker.exception())
        finally:
            self.active.clear()
            if self._pool is not None:
                self._pool.terminate()
                self._pool = None
            if not conn.is_closed():
                conn.terminate()  # releases the lock at once

    async def _take_over(self) -> None:
        async with self.pool.acquire() as conn:
            interrupted = await sql.interrupted(conn)
            while True:  # the start point must be final, like every later one
                if not await self._final.advance(conn):
                    break
                # Not covered: a take-over that meets transactions still in flight.
                await asyncio.sleep(PENDING_POLL)  # pragma: no cover
            await sql.start_cursor(conn, self._final.final or 0)
        if interrupted:
            log.warning("notifier took over: %d messages were in flight, not resent", interrupted)
        self.takeovers += 1
        self.active.set()
        log.info("notifier active")

    async def _derive_forever(self) -> None:
        while True:
            async with self.pool.acquire() as conn:
                waiting = await self._final.advance(conn)
                while await self._derive_batch(conn):
                    # Not covered: more than one batch of events at once (bench_notifier.py).
                    pass  # pragma: no cover
            timeout = PENDING_POLL if waiting else IDLE_POLL
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=timeout)
            self._wake.clear()

    async def _derive_batch(self, conn: Connection) -> bool:
        """One transaction: read events after the cursor, write their notifications, move the
        cursor. True when there may be more."""
        final = self._final.final
        # Not covered: the instant before the first final position is known.
        if final is None:  # pragma: no cover
            return False
        # Nothing new: no transaction at all (a locking one takes a transaction id, and every
        # live listener waits for running write transactions before it delivers an event).
        seen = await sql.cursor(conn)
        if seen is None or seen >= final:
            return False
        async with conn.transaction():
            cursor = await sql.cursor_for_update(conn)
            # Not covered: another notifier moved the cursor between the read and the lock.
            if cursor is None or cursor >= final:  # pragma: no cover
                return False
            rows = await events.events_between(conn, cursor, final, BATCH)
            derived = [
                (row["id"], d)
                for row in rows
                for d in derive(row["type"], row["data"], row["audience"])
            ]
            if derived:
                targets = {
                    r["id"]: r for r in await sql.recipients(conn, [d.user_id for _, d in derived])
                }
                await sql.insert_many(
                    conn,
                    [
                        _row(e, d, targets.get(d.user_id))
                        for e, d in derived
                        if d.user_id in targets
                    ],
                )
            more = len(rows) == BATCH
            await sql.move_cursor(conn, rows[-1]["id"] if more else final)
        if derived:
            self._work.set()
        return more

    async def _send_forever(self, messenger: Messenger) -> None:
        client, pace = self.clients[messenger], self._paces[messenger]
        slots = asyncio.Semaphore(IN_FLIGHT)
        in_flight: set[tuple[int, int]] = set()
        tasks: set[asyncio.Task[None]] = set()
        while True:
            self._work.clear()
            async with self.pool.acquire() as conn:
                rows = await sql.due(conn, messenger, DUE_BATCH)
            started = 0
            for row in rows:
                key = (row["event_id"], row["user_id"])
                if key in in_flight:
                    continue
                await slots.acquire()
                # The clock after the wait for a free slot: a slot reserved against an older
                # reading would make the task sleep longer than the limits ask.
                now = time.monotonic()
                if not pace.chat_ready(row["chat_id"], now):
                    slots.release()
                    continue
                wait = pace.reserve(row["chat_id"], now)
                in_flight.add(key)
                task = asyncio.create_task(self._deliver(client, pace, row, wait))
                tasks.add(task)
                task.add_done_callback(_forget(tasks, in_flight, key, slots))
                started += 1
            if started:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._work.wait(), timeout=_idle_wait(pace, rows))

    async def _deliver(
        self, client: BotClient, pace: Pace, row: asyncpg.Record, wait: float
    ) -> None:
        if wait > 0:
            await asyncio.sleep(wait)
        event_id, user_id = row["event_id"], row["user_id"]
        async with self.pool.acquire() as conn:
            if not await sql.start_sending(conn, event_id, user_id):
                # Not covered: two active notifiers racing for one row (the standby test covers the
                # take-over, not this instant).
                return  # another notifier took it  # pragma: no cover
        text, button = render(row["kind"], row["args"], row["language"])
        message = Outgoing(row["chat_id"], text, button, row["args"].get("start"))
        try:
            await client.send(message)
        except DeliveryError as exc:
            await self._failed(client, pace, row, exc)
            return
        async with self.pool.acquire() as conn:
            await sql.finish(conn, event_id, user_id, "sent", None)

    async def _failed(
        self, client: BotClient, pace: Pace, row: asyncpg.Record, exc: DeliveryError
    ) -> None:
        event_id, user_id, attempts = row["event_id"], row["user_id"], row["attempts"] + 1
        async with self.pool.acquire() as conn:
            if isinstance(exc, RetryLater):
                pace.paused_until = max(pace.paused_until, time.monotonic() + exc.retry_after)
                await sql.retry_later(conn, event_id, user_id, exc.retry_after, exc.reason)
            elif isinstance(exc, Transient) and _age(row) < GIVE_UP_AFTER:
                delay = min(
                    self.settings.notifier_backoff_base * 2 ** (attempts - 1),
                    self.settings.notifier_backoff_max,
                )
                await sql.retry_later(conn, event_id, user_id, delay, exc.reason)
            elif isinstance(exc, Unreachable):
                async with conn.transaction():
                    await bot_sql.set_unreachable(conn, client.messenger, row["external_id"])
                    await sql.finish(conn, event_id, user_id, "failed", exc.reason)
                    await sql.skip_pending_of(conn, user_id, "unreachable")
            else:
                assert isinstance(exc, Rejected | Transient)
                await sql.finish(conn, event_id, user_id, "failed", exc.reason)
        level = logging.INFO if isinstance(exc, RetryLater | Transient) else logging.WARNING
        log.log(
            level, "notification %s/%s to %s: %s", event_id, user_id, client.messenger, exc.reason
        )


def _forget(
    tasks: set["asyncio.Task[None]"],
    in_flight: set[tuple[int, int]],
    key: tuple[int, int],
    slots: asyncio.Semaphore,
) -> Callable[["asyncio.Task[None]"], None]:
    def done(task: "asyncio.Task[None]") -> None:
        tasks.discard(task)
        in_flight.discard(key)
        slots.release()
        # Not covered: a delivery that raises is a bug: logged; the row stays 'sending'.
        if not task.cancelled() and task.exception() is not None:  # pragma: no cover
            log.error("notification delivery failed", exc_info=task.exception())

    return done


def _row(
    event_id: int, derived: Any, target: asyncpg.Record | None
) -> tuple[int, int, str, dict[str, Any], str, str | None]:
    assert target is not None
    status, reason = "pending", None
    if derived.kind in target["disabled_kinds"]:
        status, reason = "skipped", "switched off"
    elif not target["reachable"]:
        status, reason = "skipped", "unreachable"
    return event_id, derived.user_id, derived.kind, derived.args, status, reason


def _age(row: asyncpg.Record) -> float:
    return float((row["now"] - row["created_at"]).total_seconds()) if "now" in row else 0.0


def _idle_wait(pace: Pace, rows: list[asyncpg.Record]) -> float:
    """Rows left waiting for their chat's interval come due soon; else the idle poll (retries
    become due by time, new rows wake us)."""
    if rows:
        return max(min(pace.chat_interval, IDLE_POLL) / 2, 0.01)
    return IDLE_POLL
