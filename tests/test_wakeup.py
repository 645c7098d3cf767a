"""Wake-ups outside the writing transaction (core/wakeup.py, issue 23.1).

The app's connections write events without the trigger's NOTIFY; the process's waker sends the
wake-up; other sessions (admin SQL) still NOTIFY from the trigger; a lost wake-up is covered by
the listener's poll. Each test waits for a fact (a notification, an event on a socket).
"""

import asyncio
from pathlib import Path

import asyncpg
import httpx

from app.core.db import create_pool
from app.core.wakeup import CHANNEL
from tests.server_support import running_server
from tests.support import bearer, mint_objects, sign_in
from tests.test_realtime import Socket, latest_event_id, server_env

INSERT = "INSERT INTO events (type, data) VALUES ('photo.updated', '{}') RETURNING id"


async def _notifications_until_marker(database_url: str, write: asyncpg.Connection) -> list[str]:
    """Payloads on the channel up to a marker `write` sends after its commit: a session's
    notifications arrive in commit order, so whatever its event insert notified comes first."""
    listener = await asyncpg.connect(database_url)
    got: asyncio.Queue[str] = asyncio.Queue()
    await listener.add_listener(CHANNEL, lambda *args: got.put_nowait(args[-1]))
    try:
        async with write.transaction():
            event_id = await write.fetchval(INSERT)
        await write.execute(f"SELECT pg_notify('{CHANNEL}', 'marker')")
        payloads = []
        async with asyncio.timeout(10):
            while (payload := await got.get()) != "marker":
                payloads.append(payload)
        return [p for p in payloads if p == str(event_id)]
    finally:
        await listener.close()


async def test_app_connections_write_events_without_a_notify(database_url: str) -> None:
    app_pool = await create_pool(database_url, 1, 1, deferred_wakeup=True)
    try:
        async with app_pool.acquire() as conn:
            assert await _notifications_until_marker(database_url, conn) == []
    finally:
        await app_pool.close()


async def test_admin_sql_still_notifies_from_the_trigger(database_url: str) -> None:
    admin = await asyncpg.connect(database_url)  # psql, seeds, an admin's script
    try:
        assert len(await _notifications_until_marker(database_url, admin)) == 1
    finally:
        await admin.close()


async def test_app_writes_reach_sockets_through_the_waker(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool
) -> None:
    # The listener polls once a minute: only a wake-up can deliver within the test's deadline.
    env = server_env(database_url, upload_dir, EVENT_POLL_SECONDS="60")
    async with running_server(env) as base, httpx.AsyncClient(base_url=base) as api:
        anna = await sign_in(api)
        [photo_id] = await mint_objects(pool, anna["user"]["id"], 1)
        socket = await Socket.open(base, after=await latest_event_id(pool))
        edit = await api.patch(
            f"/api/photos/{photo_id}", json={"title": "Woken"}, headers=bearer(anna)
        )
        assert edit.status_code == 200, edit.text
        event = await socket.next_event()
        assert event["type"] == "photo.updated" and event["data"]["title"] == "Woken"
        # An admin's INSERT in psql wakes the listener from the trigger.
        admin_id = await pool.fetchval(INSERT)
        assert (await socket.next_event())["id"] == admin_id
        await socket.conn.close()


async def test_an_event_whose_wake_up_is_lost_arrives_by_the_poll(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool
) -> None:
    env = server_env(database_url, upload_dir, EVENT_POLL_SECONDS="0.2")
    async with running_server(env) as base:
        socket = await Socket.open(base, after=await latest_event_id(pool))
        # Written as the app writes (no trigger NOTIFY) by a process whose waker never runs.
        silent = await asyncpg.connect(database_url, server_settings={"gallery.wakeup": "deferred"})
        try:
            event_id = await silent.fetchval(INSERT)
        finally:
            await silent.close()
        assert (await socket.next_event())["id"] == event_id
        await socket.conn.close()
