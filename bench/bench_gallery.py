"""Benchmark (issue 3): gallery listing at 100,000 art objects, and upload -> renditions.

- Seeds its own database `bench_gallery` (1,000 users, 5 % private, 100,000 art objects with
  photo + mint history rows like tests/support.py `mint_objects`, 30,000 favorites).
- EXPLAIN (ANALYZE, BUFFERS) of the exact SQL `repositories.photos.list_cards` builds, for
  the first page and a page ~50,000 deep (custom plan and forced generic plan: asyncpg's
  prepared statements may switch to the generic one after 5 executions).
- With one uvicorn worker, then `--workers 2`: wrk at 64 connections against `GET /health`
  (framework + one `SELECT 1`: the ceiling), `GET /api/photos?limit=30` and the same with the
  deep cursor; two rounds in alternating order. CPU seconds of the server, wrk and postgres
  are sampled per run to show who is busy.
- Upload of ~20 distinct 12 MP JPEGs (generated like bench_imaging.py), sequential:
  POST /api/photos/upload -> 201, then GET of the preview rendition; next to the pure
  `app.media.imaging.process_image` time for the same bytes in this process, interleaved.

    .venv/bin/python bench/bench_gallery.py            # ~5 minutes
    .venv/bin/python bench/bench_gallery.py --quick    # < 1 minute
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import struct
import sys
import time
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    PG,
    Server,
    busy_note,
    cpu_seconds,
    drop_db,
    fresh_db,
    machine,
    pct,
    wrk,
)

DB = "bench_gallery"


# --------------------------------------------------------------------------- data


async def seed(dsn: str, objects: int, users: int) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            """
            INSERT INTO users (messenger, external_id, display_name, is_private, avatar_url)
            SELECT 'max', 900000 + g, 'user ' || g, g % 20 = 0,
                   'https://example.org/a/' || g || '.jpg'
              FROM generate_series(1, $1::int) g
            """,
            users,
        )
        # created_at: newest first by g, two objects per second so the id tie-break matters.
        await conn.execute(
            """
            WITH p AS (
              INSERT INTO images (content_hash, mime, width, height, bytes, original_key,
                                  thumb_key, preview_key, placeholder, dominant_color, created_at)
              SELECT sha256(('bench-' || g)::bytea), 'image/jpeg', 4000, 3000, 3700000,
                     'originals/b/' || g || '.jpg', 'media/t/' || g || '.webp',
                     'media/p/' || g || '.webp', 'LEHV6nWB2yk8pyo0adR*.7kCMdnj', '#5a7d9a',
                     now() - (g / 2) * interval '1 second'
                FROM generate_series(1, $1::int) g
              RETURNING id, created_at),
            u AS (SELECT array_agg(id ORDER BY id) AS ids FROM users),
            a AS (
              INSERT INTO art_objects (image_id, title, description, creator_id, owner_id,
                                       created_at, updated_at)
              SELECT p.id, 'Photo number ' || p.id, 'A bench photo, seeded by SQL ' || p.id,
                     u.ids[1 + (p.id * 7919) % cardinality(u.ids)],
                     u.ids[1 + (p.id * 104729) % cardinality(u.ids)],
                     p.created_at, p.created_at
                FROM p, u
              RETURNING id, creator_id, created_at)
            INSERT INTO ownership_history (art_object_id, to_user_id, reason, created_at)
            SELECT id, creator_id, 'mint', created_at FROM a
            """,
            objects,
        )
        # Owners differ from creators in the seed; add a matching admin history row so the
        # invariant "owner = last history row" holds for the seeded data too.
        await conn.execute(
            """
            INSERT INTO ownership_history (art_object_id, from_user_id, to_user_id, reason)
            SELECT id, creator_id, owner_id, 'admin' FROM art_objects WHERE owner_id <> creator_id
            """
        )
        await conn.execute(
            """
            INSERT INTO favorites (user_id, art_object_id)
            SELECT DISTINCT u.id, a.id
              FROM generate_series(1, $1::int) g
              JOIN users u ON u.id = (SELECT min(id) FROM users) + (g * 31) % $2::int
              JOIN art_objects a ON a.id = (SELECT min(id) FROM art_objects) + (g * 7) % $3::int
            ON CONFLICT DO NOTHING
            """,
            objects * 3 // 10,
            users,
            objects,
        )
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


async def deep_cursor(dsn: str, depth: int) -> tuple[str, int]:
    """The cursor an anonymous viewer reaches after `depth` visible rows (what paging gives)."""
    from app.services.listing import encode_cursor

    conn = await asyncpg.connect(dsn)
    try:
        row = await conn.fetchrow(
            """
            SELECT a.created_at, a.id FROM art_objects a JOIN users o ON o.id = a.owner_id
             WHERE NOT o.is_private ORDER BY a.created_at DESC, a.id DESC OFFSET $1 LIMIT 1
            """,
            depth - 1,
        )
        visible = await conn.fetchval(
            "SELECT count(*) FROM art_objects a JOIN users o ON o.id = a.owner_id"
            " WHERE NOT o.is_private"
        )
    finally:
        await conn.close()
    return encode_cursor(row["created_at"], row["id"]), visible


class _Capture:
    """Stands in for an asyncpg connection to capture the SQL list_cards would run."""

    async def fetch(self, sql: str, *args: object) -> list:
        self.sql, self.args = sql, args
        return []


async def explain(dsn: str, cursor: str | None, full: bool) -> str:
    """EXPLAIN ANALYZE of the SQL list_cards builds, as a named prepared statement (what
    asyncpg runs): `auto` after 6 executions (PostgreSQL may have switched to the generic plan
    by then, as in the server) and `force_generic_plan`."""
    from app.repositories import photos
    from app.services.listing import decode_cursor

    cap = _Capture()
    after = decode_cursor(cursor) if cursor else None
    await photos.list_cards(cap, None, 31, after)
    types, values = [], []
    for value in cap.args:
        if value is None:
            types.append("bigint"), values.append("NULL")
        elif isinstance(value, int):
            types.append("bigint"), values.append(str(value))
        else:
            types.append("timestamptz"), values.append(f"'{value.isoformat()}'")
    conn = await asyncpg.connect(dsn)
    out = []
    try:
        await conn.execute(f"PREPARE bench_q({', '.join(types)}) AS {cap.sql}")
        execute = f"EXECUTE bench_q({', '.join(values)})"
        for mode in ("auto", "force_generic_plan"):
            await conn.execute(f"SET plan_cache_mode = {mode}")
            for _ in range(6):
                await conn.execute(execute)
            rows = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + execute)
            lines = [r[0] for r in rows]
            if not (full and mode == "auto"):
                lines = [
                    x
                    for x in lines
                    if "art_objects a" in x
                    or "Limit" in x[:8]
                    or ("Index Cond" in x and "created_at" in x)
                    or "Execution Time" in x
                ]
            out.append(f"-- plan_cache_mode = {mode}\n" + "\n".join(lines))
    finally:
        await conn.close()
    return "\n\n".join(out)


async def cpu_breakdown(dsn: str, cursor: str, n: int = 300) -> list[str]:
    """Where one listing request's CPU goes, in-process (no HTTP), CPU time per call."""
    from fastapi.encoders import jsonable_encoder

    from app.core.db import create_pool
    from app.repositories import photos
    from app.schemas.photos import PhotoPage
    from app.services import listing

    pool = await create_pool(dsn, 1, 1)
    after = listing.decode_cursor(cursor)

    async def sql_only() -> object:
        async with pool.acquire() as conn:
            return await photos.list_cards(conn, None, 31, after)

    async def select_one() -> object:
        async with pool.acquire() as conn:
            return await conn.fetchval("SELECT 1")

    async def service() -> object:
        return await listing.list_photos(pool, None, listing.Listing(cursor=cursor, limit=30))

    page = await service()
    steps = [
        ("pool.acquire + `SELECT 1` (what /health does)", select_one),
        ("pool.acquire + listing SQL, 31 rows decoded by asyncpg", sql_only),
        ("service `list_photos` (SQL + 30 `Photo` pydantic models)", service),
    ]
    lines = ["| step | CPU ms per call |", "|---|---|"]
    try:
        for label, fn in steps:
            for _ in range(20):
                await fn()
            t = time.process_time()
            for _ in range(n):
                await fn()
            lines.append(f"| {label} | {(time.process_time() - t) / n * 1000:.2f} |")
        for label, fn in (
            (
                "response: validate the returned page against `PhotoPage` + JSON "
                "(FastAPI's return-annotation path, approximated)",
                lambda: PhotoPage.model_validate(page.model_dump()).model_dump_json(),
            ),
            ("`jsonable_encoder(page)` alone", lambda: jsonable_encoder(page)),
            ("`page.model_dump_json()` alone", page.model_dump_json),
        ):
            t = time.process_time()
            for _ in range(n):
                fn()
            lines.append(f"| {label} | {(time.process_time() - t) / n * 1000:.2f} |")
    finally:
        await pool.close()
    return lines


# --------------------------------------------------------------------------- load


def postgres_pids() -> list[int]:
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if (d / "comm").read_text().strip() == "postgres":
                    pids.append(int(d.name))
            except OSError:
                pass
    return pids


def run_wrk(server: Server, path: str, duration: int) -> dict:
    pids, pg = server.pids(), postgres_pids()
    before = (cpu_seconds(pids), cpu_seconds(pg), resource.getrusage(resource.RUSAGE_CHILDREN))
    started = time.monotonic()
    result = wrk(server.url + path, connections=64, duration=duration, threads=2)
    wall = time.monotonic() - started
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["cpu_server"] = (cpu_seconds(pids) - before[0]) / wall
    result["cpu_pg"] = (cpu_seconds(postgres_pids()) - before[1]) / wall
    result["cpu_wrk"] = (
        after_children.ru_utime + after_children.ru_stime - before[2].ru_utime - before[2].ru_stime
    ) / wall
    return result


def load_table(dsn: str, cursor: str, duration: int, rounds: int) -> list[str]:
    targets = {
        "GET /health": "/health",
        "GET /api/photos (first page)": "/api/photos?limit=30",
        "GET /api/photos (~50,000 deep)": f"/api/photos?limit=30&cursor={cursor}",
    }
    lines = [
        "| workers | endpoint | req/s (rounds) | p50 ms | p90 ms | p99 ms | max ms "
        "| non-2xx / socket errors | vs /health | CPU cores: server / postgres / wrk |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for workers in (1, 2):
        with Server(dsn, workers=workers) as server:
            # Correctness first: both pages are full and chained.
            for path in targets.values():
                r = httpx.get(server.url + path, timeout=10)
                assert r.status_code == 200, (path, r.status_code, r.text[:300])
                if "photos" in path:
                    body = r.json()
                    assert len(body["items"]) == 30 and body["next_cursor"], path
            wrk(server.url + "/api/photos?limit=30", duration=2)  # warm-up
            runs: dict[str, list[dict]] = {name: [] for name in targets}
            for rnd in range(rounds):
                order = list(targets.items())
                for name, path in order if rnd % 2 == 0 else reversed(order):
                    runs[name].append(run_wrk(server, path, duration))
            ceiling = statistics.mean(r["rps"] for r in runs["GET /health"])
            for name, rs in runs.items():
                rps = statistics.mean(r["rps"] for r in rs)
                errs = sum(r["err_status"] for r in rs)
                sock = sum(
                    r["err_connect"] + r["err_read"] + r["err_write"] + r["err_timeout"] for r in rs
                )
                each = " / ".join(format(r["rps"], ",.0f") for r in rs)
                lines.append(
                    f"| {workers} | {name} | {rps:,.0f} ({each}) "
                    f"| {statistics.median(r['p50'] for r in rs):.1f} "
                    f"| {statistics.median(r['p90'] for r in rs):.1f} "
                    f"| {max(r['p99'] for r in rs):.1f} | {max(r['max'] for r in rs):.0f} "
                    f"| {errs} / {sock} | {rps / ceiling:.2f} "
                    f"| {statistics.mean(r['cpu_server'] for r in rs):.2f} / "
                    f"{statistics.mean(r['cpu_pg'] for r in rs):.2f} / "
                    f"{statistics.mean(r['cpu_wrk'] for r in rs):.2f} |"
                )
            tail = server.log_tail()
            if "Traceback" in tail or " 500 " in tail:
                lines.append(f"\nserver log tail (workers={workers}):\n```\n{tail}\n```")
    return lines


# --------------------------------------------------------------------------- uploads


def unique_variant(jpeg: bytes, n: int) -> bytes:
    """Same pixels, different bytes: a COM segment right after SOI (defeats the 409 dedup)."""
    assert jpeg[:2] == b"\xff\xd8"
    comment = f"bench variant {n} {os.getpid()} {time.time_ns()}".encode()
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + jpeg[2:]


async def upload_table(dsn: str, count: int, first_seed: int = 0) -> list[str]:
    """`count` sequential uploads of distinct generated photos, seeds `first_seed`.. (one
    more for the warm-up): since issue 20 the gallery refuses a near-copy of a minted picture
    (409 duplicate_image), so a repeated picture with new bytes (`unique_variant`) no longer
    measures an upload. Callers that upload into one database more than once pass seeds not
    used before."""
    from tests.support import make_init_data

    from app.media.imaging import process_image
    from bench_imaging import make_photo

    t0 = time.monotonic()
    photos = [make_photo(first_seed + 1 + i) for i in range(count)]
    gen_s = time.monotonic() - t0
    bases = [make_photo(first_seed)]  # the warm-up upload's picture
    process_image(bases[0])  # warm-up (imports, codec init) for the in-process numbers
    e2e, post_only, pure, sizes = [], [], [], []
    with Server(dsn) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
            init = make_init_data(user={"id": 777001, "first_name": "uploader"})
            tokens = (await client.post("/api/auth/max", json={"init_data": init})).json()
            headers = {"Authorization": f"Bearer {tokens['access_token']}"}
            # warm-up upload (thread pool, imports in the server)
            warm = bases[0]
            r = await client.post(
                "/api/photos/upload",
                headers=headers,
                files={"file": ("w.jpg", warm, "image/jpeg")},
                data={"title": "warm-up"},
            )
            assert r.status_code == 201, (r.status_code, r.text[:500])
            for i, data in enumerate(photos):
                started = time.perf_counter()
                r = await client.post(
                    "/api/photos/upload",
                    headers=headers,
                    files={"file": (f"p{i}.jpg", data, "image/jpeg")},
                    data={"title": f"upload {i}"},
                )
                posted = time.perf_counter()
                if r.status_code != 201:
                    raise RuntimeError(f"upload {i}: {r.status_code} {r.text[:500]}")
                body = r.json()
                got = await client.get(body["preview_url"])
                done = time.perf_counter()
                assert got.status_code == 200 and got.headers["content-type"] == "image/webp"
                post_only.append((posted - started) * 1000)
                e2e.append((done - started) * 1000)
                sizes.append(len(data))
                # interleaved: the pure imaging work for the same bytes, in this process
                s = time.perf_counter()
                process_image(data)
                pure.append((time.perf_counter() - s) * 1000)
    lines = [
        f"{count} uploads, sequential, 4000x3000 JPEG q90 + GPS EXIF, "
        f"{min(sizes) / 1e6:.1f}-{max(sizes) / 1e6:.1f} MB (generated in {gen_s:.0f} s)",
        "",
        "| measure | p50 ms | p99 ms | mean ms | vs pure imaging p50 |",
        "|---|---|---|---|---|",
    ]
    base = pct(pure, 0.5)
    for name, values in (
        ("POST /api/photos/upload -> 201 (renditions written, row + event committed)", post_only),
        ("POST + GET preview rendition (end to end)", e2e),
        ("pure `process_image` on the same bytes (in the bench process)", pure),
    ):
        lines.append(
            f"| {name} | {pct(values, 0.5):.0f} | {pct(values, 0.99):.0f} "
            f"| {statistics.mean(values):.0f} | {pct(values, 0.5) / base:.2f} |"
        )
    return lines


# --------------------------------------------------------------------------- main


async def amain(args: argparse.Namespace) -> None:
    objects = 20_000 if args.quick else 100_000
    duration, rounds, uploads = (2, 1, 3) if args.quick else (10, 2, 20)
    print(f"machine: {machine()}")
    print(f"command: .venv/bin/python bench/bench_gallery.py{' --quick' if args.quick else ''}")
    print(f"machine busy at start: {busy_note()}\n")
    t0 = time.monotonic()
    dsn = await fresh_db(DB)
    await seed(dsn, objects, 1000)
    depth = objects // 2
    cursor, visible = await deep_cursor(dsn, depth)
    print(
        f"seeded {objects:,} art objects ({visible:,} visible to anonymous viewers), "
        f"1,000 users (5 % private), favorites ~{objects * 3 // 10:,} "
        f"in {time.monotonic() - t0:.0f} s;"
        f" deep cursor = row {depth:,}: `{cursor}`\n"
    )
    for label, c in (("first page", None), (f"~{depth:,} deep", cursor)):
        print(f"### EXPLAIN (ANALYZE, BUFFERS), anonymous viewer, {label}\n```")
        print(await explain(dsn, c, full=c is not None))
        print("```\n")
    print("### CPU per listing request, in-process (deep page, anonymous)\n")
    print("\n".join(await cpu_breakdown(dsn, cursor, 100 if args.quick else 300)))
    print(f"\nmachine busy before load: {busy_note()}\n")
    print(f"### Listing under load: wrk -t2 -c64 -d{duration}s, {rounds} round(s)\n")
    print("\n".join(load_table(dsn, cursor, duration, rounds)))
    print("\n### Upload -> renditions (one worker)\n")
    print("\n".join(await upload_table(dsn, uploads)))
    if not args.keep:
        await drop_db(DB)
    print(f"\nmachine busy at end: {busy_note()}; total {time.monotonic() - t0:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="20k objects, short runs (< 1 min)")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    asyncio.run(amain(args))


if __name__ == "__main__":
    _ = PG
    main()
