"""Search costs what a plain page costs (issue 13, item 1): the text-search query is parsed once
per request, never once per row, and a query with no words left after parsing scans nothing."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

from app.core.db import create_pool
from app.services import photos
from tests.support import mint_objects


class OneConnection:
    """The service's `pool.acquire()` on one real connection, so its notices can be counted."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[asyncpg.Connection]:
        yield self.conn


async def _user(pool: asyncpg.Pool) -> int:
    return await pool.fetchval(
        "INSERT INTO users (messenger, external_id, display_name) VALUES ('max', 1, 'A') RETURNING id"
    )


async def test_stop_words_and_punctuation_scan_nothing_and_raise_no_notice_flood(
    pool: asyncpg.Pool, database_url: str
) -> None:
    owner = await _user(pool)
    await mint_objects(pool, owner, 2000)
    await pool.execute("ANALYZE")
    app_pool = await create_pool(database_url, 1, 1)  # the app's settings (generic plans)
    try:
        async with app_pool.acquire() as conn:
            notices: list[str] = []

            def count(_conn: object, message: object) -> None:
                notices.append(str(message))

            conn.add_log_listener(count)
            one = OneConnection(conn)
            for query in ("a a a a", "the of and", "!!! ((( ||| &&& ,,, ..." * 8, "a " * 100):
                for _ in range(6):  # past asyncpg's and PostgreSQL's switch to a generic plan
                    notices.clear()
                    page = await photos.list_photos(one, None, photos.Listing(query=query))
                    assert page.items == [] and page.next_cursor is None
                    # At most one "only stop words" notice per language, never one per row.
                    assert len(notices) <= 2, (query, len(notices))
            notices.clear()
            page = await photos.list_photos(one, None, photos.Listing(query="object"))
            assert len(page.items) == 30 and notices == []
            conn.remove_log_listener(count)
    finally:
        await app_pool.close()


async def test_the_generic_plan_compares_against_a_parsed_query(
    pool: asyncpg.Pool, database_url: str
) -> None:
    """The listing SQL takes the parsed query as a parameter: PostgreSQL never runs the parser
    inside the scan (it did once per row under the forced generic plan)."""
    from app.repositories import art_objects

    owner = await _user(pool)
    await mint_objects(pool, owner, 50)
    app_pool = await create_pool(database_url, 1, 1)
    try:
        async with app_pool.acquire() as conn:
            parsed = await art_objects.parse_search(conn, "закаты and running dogs")
            assert parsed is not None
            sql, args = art_objects.cards_query(None, 31, tsquery=parsed)
            await conn.execute("SET plan_cache_mode = force_generic_plan")
            await conn.execute(f"PREPARE listing AS {sql}")
            literals = ", ".join("NULL" if a is None else f"$q${a}$q$" for a in args)
            plan = "\n".join(
                r[0] for r in await conn.fetch(f"EXPLAIN (ANALYZE) EXECUTE listing({literals})")
            )
            assert "to_tsquery" not in plan, plan
            assert await art_objects.parse_search(conn, "a a a a") is None
            assert await art_objects.parse_search(conn, "()!&|:*") is None
    finally:
        await app_pool.close()


async def test_parallel_workers_are_off_for_the_app_pool(database_url: str) -> None:
    app_pool = await create_pool(database_url, 1, 1)
    try:
        assert await app_pool.fetchval("SHOW max_parallel_workers_per_gather") == "0"
    finally:
        await app_pool.close()


async def test_search_walks_a_window_then_the_gin_index(
    pool: asyncpg.Pool, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Common words are found in the newest SEARCH_WINDOW rows; rare ones further back come
    through the GIN index (materialised ids), in the same order, across pages."""
    from app.repositories import art_objects

    monkeypatch.setattr(photos, "SEARCH_WINDOW", 50)
    owner = await _user(pool)
    ids = await mint_objects(pool, owner, 300)
    await pool.execute("UPDATE art_objects SET title = 'Закаты rare' WHERE id = ANY($1)", ids[:3])
    await pool.execute("ANALYZE")
    app_pool = await create_pool(database_url, 1, 1)
    try:
        async with app_pool.acquire() as conn:
            one = OneConnection(conn)
            page = await photos.list_photos(one, None, photos.Listing(query="закат", limit=2))
            assert [p.title for p in page.items] == ["Закаты rare"] * 2 and page.next_cursor
            rest = await photos.list_photos(one, None, photos.Listing(query="закат", cursor=page.next_cursor))
            assert len(rest.items) == 1 and rest.next_cursor is None
            assert sorted(p.id for p in [*page.items, *rest.items]) == ids[:3]
            # Every object, page by page across window edges: none lost, none twice, in order.
            seen: list[int] = []
            cursor = None
            while True:
                page = await photos.list_photos(one, None, photos.Listing(query="object", cursor=cursor, limit=40))
                seen += [p.id for p in page.items]
                if (cursor := page.next_cursor) is None:
                    break
            assert seen == sorted(ids[3:], reverse=True)
            sql, args = art_objects.cards_query(None, 31, tsquery="'rare'", by_index=True)
            await conn.execute("SET plan_cache_mode = force_generic_plan")
            await conn.execute(f"PREPARE by_index AS {sql}")
            literals = ", ".join("NULL" if a is None else f"$q${a}$q$" for a in args)
            plan = "\n".join(r[0] for r in await conn.fetch(f"EXPLAIN EXECUTE by_index({literals})"))
            # The matches are one materialised set, found once (a bitmap scan of the GIN index at
            # gallery size, bench/bench_search.py; a 300-row table is cheaper to read whole).
            assert "CTE hits" in plan and "to_tsquery" not in plan, plan
    finally:
        await app_pool.close()
