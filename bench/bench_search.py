"""Benchmark (issue 13, item 1): gallery search vs a plain page at 100,000 objects.

Seeds its own database `bench_search` like bench_gallery.py (1,000 users, 100,000 objects
titled "Photo number <n>"), then times `services.listing.list_photos` (the route's whole SQL
path, on the app's pool: forced generic plans, no parallel workers) for a plain first page and
for searches: a word in every title, a rare word (one object, among the oldest), a title word
plus a number, a word no title has, stop words only, 200 characters of punctuation, Cyrillic,
mixed. Median and max of 30 calls each, after 6
warm-up calls (past the switch to generic plans); PostgreSQL notices counted.

    .venv/bin/python bench/bench_search.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import busy_note, drop_db, fresh_db, machine
from bench_gallery import seed

DB = "bench_search"
QUERIES = {
    "plain page (no q)": None,
    "word in every title: photo": "photo",
    "rare word (1 object, oldest): 99990": "99990",
    "title word + number: photo 4242": "photo 4242",
    "no such word: sunset17": "sunset17",
    "stop words: a a a a": "a a a a",
    "200 chars of punctuation": "!(|&:*," * 28 + "!!!!",
    "Cyrillic: закаты над морем": "закаты над морем",
    "mixed: sunset закат 42": "sunset закат 42",
}


async def main() -> None:
    from app.core.db import create_pool
    from app.services import listing

    print(machine())
    print(busy_note())
    dsn = await fresh_db(DB)
    try:
        await seed(dsn, 100_000, 1000)
        pool = await create_pool(dsn, 1, 2)
        notices: list[str] = []
        try:
            async with pool.acquire() as conn:

                def count(_conn: object, message: object) -> None:
                    notices.append(str(message))

                conn.add_log_listener(count)

                class One:
                    def acquire(self):  # type: ignore[no-untyped-def]
                        return _Borrow(conn)

                print("| query | median ms | max ms | items | notices per call |")
                print("| --- | --- | --- | --- | --- |")
                for label, q in QUERIES.items():
                    for _ in range(6):
                        await listing.list_photos(One(), None, listing.Listing(query=q))
                    notices.clear()
                    times = []
                    for _ in range(30):
                        t = time.perf_counter()
                        page = await listing.list_photos(One(), None, listing.Listing(query=q))
                        times.append((time.perf_counter() - t) * 1000)
                    print(
                        f"| {label} | {statistics.median(times):.2f} | {max(times):.2f} |"
                        f" {len(page.items)} | {len(notices) / 30:.0f} |"
                    )
                conn.remove_log_listener(count)
                # The plan of a rare word's search (the walk, then the GIN), as the app runs it.
                from app.repositories import photos

                sql, args = photos.search_query(None, 31, "99990", listing.SEARCH_WINDOW)
                await conn.execute(f"PREPARE rare AS {sql}")
                literals = ", ".join("NULL" if a is None else f"$q${a}$q$" for a in args)
                explain = f"EXPLAIN (ANALYZE, COSTS OFF) EXECUTE rare({literals})"
                plan = await conn.fetch(explain)
                keep = ("Scan", "CTE", "Execution")
                print("\n".join(r[0] for r in plan if any(k in r[0] for k in keep)))
        finally:
            await pool.close()
    finally:
        await drop_db(DB)
    print(busy_note())


class _Borrow:
    def __init__(self, conn: object) -> None:
        self.conn = conn

    async def __aenter__(self) -> object:
        return self.conn

    async def __aexit__(self, *exc: object) -> None:
        return None


if __name__ == "__main__":
    asyncio.run(main())
