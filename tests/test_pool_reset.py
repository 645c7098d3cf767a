"""The pool skips asyncpg's reset query on release, yet a connection returned mid-transaction
is still rolled back (core/db.py `_reset_on_release`)."""

from __future__ import annotations

import asyncio
import logging
import secrets

import asyncpg
import pytest

from app.core.db import create_pool


async def test_connection_released_mid_transaction_is_rolled_back(database_url: str) -> None:
    pool = await create_pool(database_url, 1, 1)  # one connection: the next acquire gets it back
    try:
        async with pool.acquire() as conn:
            await conn.execute("BEGIN")
            await conn.execute(
                "INSERT INTO users (username, display_name) VALUES ('half_done', 'half-done')"
            )
            held = await conn.fetchval("SELECT id FROM users WHERE display_name = 'half-done'")
            assert held is not None and conn.is_in_transaction()
        async with pool.acquire() as conn:
            assert not conn.is_in_transaction()
            assert await conn.fetchval("SELECT count(*) FROM users WHERE id = $1", held) == 0
    finally:
        await pool.close()


async def test_row_lock_of_an_abandoned_transaction_is_released(database_url: str) -> None:
    pool = await create_pool(database_url, 1, 1)
    other = await asyncpg.connect(database_url)
    try:
        uid = await other.fetchval(
            "INSERT INTO users (username, display_name) VALUES ('locked_row', 'locked') RETURNING id"
        )
        async with pool.acquire() as conn:
            await conn.execute("BEGIN")
            await conn.execute("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", uid)
        # NOWAIT fails at once (55P03) if the pool connection still held the row lock.
        async with other.transaction():
            await other.execute("SELECT 1 FROM users WHERE id = $1 FOR UPDATE NOWAIT", uid)
    finally:
        await other.close()
        await pool.close()


async def test_release_sends_no_reset_query(database_url: str) -> None:
    """A session setting survives release: no RESET ALL (nor the rest of asyncpg's default
    reset query) ran between the two acquires of the same connection."""
    pool = await create_pool(database_url, 1, 1)
    try:
        async with pool.acquire() as conn:
            await conn.execute("SET application_name = 'no-reset-probe'")
        async with pool.acquire() as conn:
            assert await conn.fetchval("SHOW application_name") == "no-reset-probe"
    finally:
        await pool.close()


async def test_a_full_server_makes_the_pool_wait_for_a_slot_not_fail(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # A role allowed one session stands in for a server at max_connections (same SQLSTATE
    # 53300; the real cap is shared by everything on this machine, so it is not touched).
    caplog.set_level(logging.WARNING, logger="app.core.db")
    role = f"gallery_connlimit_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(database_url)
    await admin.execute(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT 1')
    dsn = database_url.replace("postgres@", f"{role}@", 1)
    try:
        blocker = await asyncpg.connect(dsn)  # takes the role's only slot
        pool = await create_pool(dsn, 0, 1)
        try:
            query = asyncio.create_task(pool.fetchval("SELECT 41 + 1"))
            while not any("max_connections" in r.getMessage() for r in caplog.records):
                assert not query.done(), query  # refused at once would end it here
                await asyncio.sleep(0.01)  # poll for the fact: the pool was refused and waits
            await blocker.close()  # a slot frees: the waiting request is served
            assert await query == 42
        finally:
            await pool.close()
    finally:
        await admin.execute(f'DROP ROLE "{role}"')
        await admin.close()
