"""Search costs what a plain page costs (issue 13, item 1): the text-search query is parsed once
per request, never once per row, and a query with no words left after parsing scans nothing."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

from app.core.db import create_pool
from app.services import listing
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
                    page = await listing.list_photos(one, None, listing.Listing(query=query))
                    assert page.items == [] and page.next_cursor is None
                    # At most one "only stop words" notice per language, never one per row.
                    assert len(notices) <= 2, (query, len(notices))
            notices.clear()
            page = await listing.list_photos(one, None, listing.Listing(query="object"))
            assert len(page.items) == 30 and notices == []
            conn.remove_log_listener(count)
    finally:
        await app_pool.close()


async def test_a_search_is_one_statement_that_parses_its_text_once(
    pool: asyncpg.Pool, database_url: str
) -> None:
    """One round trip per search, and the text is parsed once per statement (a materialised
    CTE), never inside the scan (under the forced generic plan a websearch_to_tsquery(...)
    beside the scan ran once per row)."""
    from app.repositories import photos

    owner = await _user(pool)
    await mint_objects(pool, owner, 300)
    await pool.execute("ANALYZE")
    app_pool = await create_pool(database_url, 1, 1)
    try:
        async with app_pool.acquire() as conn:
            counted = CountingConnection(conn)
            for query in ("object", "закаты and running dogs", "a a a", "nothingmatches 7"):
                counted.calls.clear()
                await listing.list_photos(counted, None, listing.Listing(query=query))
                assert counted.calls == ["fetch"], (query, counted.calls)
            sql, args = photos.search_query(None, 31, "закаты and running dogs", (100, 2000))
            lines = (await generic_plan(conn, sql, args, verbose=True)).splitlines()
            parses = [n for n, line in enumerate(lines) if "to_tsquery" in line]
            # Only in the output of the CTE `parsed`, a Result run once.
            assert len(parses) == 1 and lines[parses[0] - 2].strip() == "CTE parsed", lines
            assert "loops=1)" in lines[parses[0] - 1], lines
    finally:
        await app_pool.close()


class CountingConnection(OneConnection):
    """OneConnection that lists the statements the service sends (their method names)."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        super().__init__(_Counter(conn, self))
        self.calls: list[str] = []


class _Counter:
    def __init__(self, conn: asyncpg.Connection, owner: CountingConnection) -> None:
        self._conn, self._owner = conn, owner

    def __getattr__(self, name: str) -> object:
        if name in ("fetch", "fetchrow", "fetchval", "execute", "executemany"):
            self._owner.calls.append(name)
        return getattr(self._conn, name)


async def generic_plan(
    conn: asyncpg.Connection, sql: str, args: list[object], verbose: bool = False
) -> str:
    """EXPLAIN ANALYZE of `sql` as the app runs it: prepared, forced generic plan."""
    await conn.execute("DEALLOCATE ALL")
    await conn.execute("SET plan_cache_mode = force_generic_plan")
    await conn.execute(f"PREPARE probe AS {sql}")
    literals = ", ".join("NULL" if a is None else f"$q${a}$q$" for a in args)
    options = "ANALYZE, COSTS OFF, VERBOSE" if verbose else "ANALYZE, COSTS OFF"
    rows = await conn.fetch(f"EXPLAIN ({options}) EXECUTE probe({literals})")
    return "\n".join(r[0] for r in rows)


def _node(plan: str, name: str) -> str:
    """The plan's line of the node named `name` (for a CTE: the node under its heading), with
    its actual rows."""
    lines = plan.splitlines()
    found = [n for n, line in enumerate(lines) if name in line]
    assert found, (name, plan)
    at = found[0]
    return lines[at + 1] if lines[at].strip().startswith("CTE ") else lines[at]


async def test_parallel_workers_are_off_for_the_app_pool(database_url: str) -> None:
    app_pool = await create_pool(database_url, 1, 1)
    try:
        assert await app_pool.fetchval("SHOW max_parallel_workers_per_gather") == "0"
    finally:
        await app_pool.close()


async def test_search_walks_a_window_then_the_gin_index(
    pool: asyncpg.Pool, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Common words are found in the newest W rows and the GIN index is never read; rare ones
    further back come through the GIN index (a materialised set), in the same order, across
    pages; nothing to search scans nothing."""
    from app.repositories import photos

    monkeypatch.setattr(listing, "SEARCH_WINDOW", (50, 50))
    owner = await _user(pool)
    ids = await mint_objects(pool, owner, 300)
    await pool.execute("UPDATE art_objects SET title = 'Закаты rare' WHERE id = ANY($1)", ids[:3])
    await pool.execute("ANALYZE")
    app_pool = await create_pool(database_url, 1, 1)
    try:
        async with app_pool.acquire() as conn:
            one = OneConnection(conn)
            page = await listing.list_photos(one, None, listing.Listing(query="закат", limit=2))
            assert [p.title for p in page.items] == ["Закаты rare"] * 2 and page.next_cursor
            rest = await listing.list_photos(
                one, None, listing.Listing(query="закат", cursor=page.next_cursor)
            )
            assert len(rest.items) == 1 and rest.next_cursor is None
            assert sorted(p.id for p in [*page.items, *rest.items]) == ids[:3]
            # Every object, page by page across window edges: none lost, none twice, in order.
            seen: list[int] = []
            cursor = None
            while True:
                page = await listing.list_photos(
                    one, None, listing.Listing(query="object", cursor=cursor, limit=40)
                )
                seen += [p.id for p in page.items]
                if (cursor := page.next_cursor) is None:
                    break
            assert seen == sorted(ids[3:], reverse=True)

            def plan_of(text: str) -> tuple[str, list[object]]:
                return photos.search_query(None, 31, text, listing.SEARCH_WINDOW)

            # A common word: 31 rows of the walk, the GIN index never read.
            plan = await generic_plan(conn, *plan_of("object"))
            assert "rows=31 " in _node(plan, "CTE recent"), plan
            assert "never executed" in _node(plan, "CTE Scan on hits"), plan
            # A rare word: the walk tests the window (W = 50 rows) and finds none; the matches
            # are one materialised set (a bitmap scan of the GIN index at gallery size,
            # bench/bench_search.py; a 300-row table is cheaper to read whole).
            plan = await generic_plan(conn, *plan_of("rare"))
            assert "rows=0 " in _node(plan, "CTE recent"), plan
            assert "rows=50 " in _node(plan, "Index Scan using art_objects_keyset_idx"), plan
            assert "rows=3 " in _node(plan, "CTE hits"), plan
            # Only stop words: nothing scanned at all.
            plan = await generic_plan(conn, *plan_of("a a a"))
            assert "never executed" in _node(plan, "Index Scan using art_objects_keyset_idx"), plan
            assert "never executed" in _node(plan, "CTE Scan on hits"), plan
    finally:
        await app_pool.close()
