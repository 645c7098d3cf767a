"""Benchmark (issue 15, item 1): who builds the listing's JSON — Python (rows -> dicts ->
pydantic-core `to_json`, the app's path) or PostgreSQL (each item's JSON text concatenated in
SQL from `to_json(column)` pieces, Python only joins them) — at byte-equal output.

The comparison runs in one process over one connection each, page after page, for the pages
the cache does not serve: an anonymous first page read afresh (what a cache miss reads), a
signed-in viewer's page with favourites, and a page ~10,000 deep. Per page: wall time, this
process's CPU (what the one-core server pays) and the PostgreSQL backend's CPU (/proc). Both
variants are checked byte for byte against each other before anything is timed.

    .venv/bin/python bench/bench_listing_json.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import pydantic_core

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))
from _common import busy_note, cpu_seconds, drop_db, fresh_db, machine
from app.repositories import photos
from app.services import listing

DB = f"bench_listing_json_{os.getpid()}"
LIMIT = 30


def _ts(column: str) -> str:
    """pydantic's UTC datetime form: microseconds only when there are any, then Z."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"""'"' || CASE WHEN extract(microseconds FROM {column})::int % 1000000 = 0"""
        f""" THEN to_char({utc}, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""
        f""" ELSE to_char({utc}, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END || '"'"""
    )


def _user(prefix: str, id_col: str) -> str:
    return (
        f"""'{{"id":' || {id_col} || ',"display_name":' || to_json({prefix}.display_name)::text"""
        f""" || ',"avatar_url":' || coalesce(to_json({prefix}.avatar_url)::text, 'null') || '}}'"""
    )


# The same columns and conditions as repositories/photos._CARD, with the item's JSON built
# in SQL in the Photo model's field order.
ITEM_SQL = (
    """'{"id":' || a.id || ',"title":' || to_json(a.title)::text"""
    """ || ',"description":' || to_json(a.description)::text"""
    """ || ',"width":' || i.width || ',"height":' || i.height"""
    """ || ',"mime":' || to_json(i.mime)::text"""
    """ || ',"placeholder":' || to_json(i.placeholder)::text"""
    """ || ',"dominant_color":' || to_json(i.dominant_color)::text"""
    """ || ',"thumb_url":' || to_json('/' || i.thumb_key)::text"""
    """ || ',"thumb_2x_url":' || to_json('/' || coalesce(i.thumb_2x_key, i.preview_key))::text"""
    """ || ',"preview_url":' || to_json('/' || i.preview_key)::text"""
    f""" || ',"owner":' || {_user("o", "a.owner_id")}"""
    f""" || ',"creator":' || {_user("c", "a.creator_id")}"""
    """ || ',"favorites_count":'"""
    """ || (SELECT count(*) FROM favorites f WHERE f.art_object_id = a.id)"""
    f""" || ',"created_at":' || {_ts("a.created_at")}"""
    f""" || ',"updated_at":' || {_ts("a.updated_at")}"""
    """ || ',"is_favorite":' || CASE WHEN EXISTS (SELECT 1 FROM favorites f"""
    """ WHERE f.art_object_id = a.id AND f.user_id = $1) THEN 'true' ELSE 'false' END || '}'"""
)


async def python_page(conn: asyncpg.Connection, viewer: int | None, after: tuple | None) -> bytes:
    """The app's path (services/listing._page_rows + _page_json) on one connection."""
    rows = await photos.list_cards(conn, viewer, LIMIT + 1, after)
    next_cursor = None
    if len(rows) > LIMIT:
        last = rows[LIMIT - 1]
        next_cursor = listing.encode_cursor(last["created_at"], last["id"])
    return listing._page_json(rows[:LIMIT], next_cursor)


async def postgres_page(conn: asyncpg.Connection, viewer: int | None, after: tuple | None) -> bytes:
    sql, args = photos.cards_query(viewer, LIMIT + 1, after)
    _, found, rest = sql.partition("FROM art_objects a\n")
    assert found, "the card SQL changed shape"
    sql = f"SELECT a.created_at, a.id, {ITEM_SQL} AS j FROM art_objects a\n{rest}"
    rows = await conn.fetch(sql, *args)
    next_cursor = None
    if len(rows) > LIMIT:
        last = rows[LIMIT - 1]
        next_cursor = listing.encode_cursor(last["created_at"], last["id"])
    return (
        b'{"items":['
        + ",".join(r["j"] for r in rows[:LIMIT]).encode()
        + b'],"next_cursor":'
        + pydantic_core.to_json(next_cursor)
        + b"}"
    )


def backend_cpu(pid: int) -> float:
    return cpu_seconds([pid])


async def timed(
    conn: asyncpg.Connection,
    fn: Callable[[asyncpg.Connection, int | None, tuple | None], Awaitable[bytes]],
    viewer: int | None,
    after: tuple | None,
    pages: int,
) -> tuple[float, float, float]:
    pid = conn.get_server_pid()
    for _ in range(20):  # warm-up: prepared statements, generic plans
        await fn(conn, viewer, after)
    pg0, cpu0, t0 = backend_cpu(pid), time.process_time(), time.perf_counter()
    for _ in range(pages):
        await fn(conn, viewer, after)
    wall, cpu, pg = (
        time.perf_counter() - t0,
        time.process_time() - cpu0,
        backend_cpu(pid) - pg0,
    )
    return wall / pages * 1000, cpu / pages * 1000, pg / pages * 1000


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    pages = 200 if args.quick else 1000
    print(f"machine: {machine()}\nbusy at start: {busy_note()}")
    from bench_gallery import seed

    dsn = await fresh_db(DB)
    try:
        await seed(dsn, 20_000, 1000)
        conn = await asyncpg.connect(dsn)
        try:
            viewer = await conn.fetchval(
                "SELECT user_id FROM favorites f JOIN users u ON u.id = f.user_id"
                " WHERE NOT u.is_private GROUP BY user_id ORDER BY count(*) DESC LIMIT 1"
            )
            deep = await conn.fetchrow(
                "SELECT created_at, id FROM art_objects ORDER BY created_at DESC, id DESC"
                " OFFSET 10000 LIMIT 1"
            )
            cases = {
                "anonymous first page": (None, None),
                "signed-in first page": (viewer, None),
                "page ~10,000 deep": (None, (deep["created_at"], deep["id"])),
            }
            for name, (who, after) in cases.items():
                a, b = await python_page(conn, who, after), await postgres_page(conn, who, after)
                assert a == b, (name, a[:300], b[:300])
            lines = [
                "| page (limit 30) | builder | wall ms/page | Python CPU ms/page"
                " | PostgreSQL CPU ms/page |",
                "| --- | --- | --- | --- | --- |",
            ]
            for name, (who, after) in cases.items():
                results: dict[str, list[tuple[float, float, float]]] = {"py": [], "pg": []}
                for _ in range(3):  # alternate, three rounds each
                    results["py"].append(await timed(conn, python_page, who, after, pages))
                    results["pg"].append(await timed(conn, postgres_page, who, after, pages))
                for key, label in (("py", "Python (orjson-like)"), ("pg", "PostgreSQL")):
                    med = [statistics.median(x[i] for x in results[key]) for i in range(3)]
                    lines.append(
                        f"| {name} | {label} | {med[0]:.2f} | {med[1]:.2f} | {med[2]:.2f} |"
                    )
            print("\n".join(lines))
        finally:
            await conn.close()
    finally:
        await drop_db(DB)
    print(f"busy at end: {busy_note()}")


if __name__ == "__main__":
    asyncio.run(main())
