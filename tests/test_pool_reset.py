"""The pool skips asyncpg's reset query on release, yet a connection returned mid-transaction
is still rolled back (core/db.py `_reset_on_release`)."""

from __future__ import annotations

import asyncpg

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
