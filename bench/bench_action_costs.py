"""What one user action costs the database and the app (issue 23.6, docs/scaling.md).

    .venv/bin/python bench/bench_action_costs.py [--repeat 30]

The real app in this process (httpx over ASGI, a fresh database of its own, no Redis), each
action repeated `--repeat` times. Per action it reports, from facts rather than timing:
- statements: SQL statements the app's pool sent (asyncpg's query logger on every pool
  connection), and how many of them write (INSERT / UPDATE / DELETE / a writing function);
- rows: rows the action added, per table (counted in the database before and after);
- events: event rows written (each one is a frame to every socket allowed to see it);
and the app's CPU per action (this process's CPU time ÷ repeats: the httpx client's share is
in it, so it is an upper bound for the server's).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PG, busy_note, drop_db, fresh_db, machine  # noqa: I001 (puts the app on the path)

import app.core.db as db
from app.core.config import Settings
from app.main import create_app
from tests.images import unique_png
from tests.support import bearer, make_init_data

DB = f"bench_action_costs_{os.getpid()}"
TABLES = (
    "users", "images", "art_objects", "ownership_history", "favorites", "transfers", "trades",
    "trade_items", "profile_requests", "refresh_tokens", "events",
)  # fmt: skip
WRITES = ("insert", "update", "delete", "select trade_accept", "select art_object_move")
STATEMENTS: Counter[str] = Counter()


def _log_query(record: Any) -> None:
    sql = " ".join(record.query.split()).lower()
    STATEMENTS["all"] += 1
    if sql.startswith(WRITES) or " insert into " in sql[:200] or " update " in sql[:200]:
        STATEMENTS["writes"] += 1


_plain_init = db._init_connection


async def _counting_init(conn: asyncpg.Connection) -> None:
    await _plain_init(conn)
    conn.add_query_logger(_log_query)


class World:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.seed = 0
        self.photo = 0
        self.objects_of_a: list[int] = []
        self.objects_of_b: list[int] = []

    async def user(self, n: int) -> dict[str, Any]:
        init = make_init_data(user={"id": 900_000 + n, "first_name": f"user{n}"})
        r = await self.http.post("/api/auth/max", json={"init_data": init})
        r.raise_for_status()
        return dict(r.json())

    async def upload(self, who: dict[str, Any]) -> int:
        self.seed += 1
        files = {"file": ("p.png", unique_png(self.seed), "image/png")}  # distinct pictures
        r = await ok(
            self.http.post(
                "/api/photos/upload",
                files=files,
                data={"title": f"p{self.seed}"},
                headers=bearer(who),
            )
        )
        return int(r.json()["id"])


async def ok(response: Awaitable[httpx.Response]) -> httpx.Response:
    r = await response
    if r.status_code >= 400:
        raise RuntimeError(f"{r.request.method} {r.request.url.path}: {r.status_code} {r.text}")
    return r


def actions(
    w: World, a: dict[str, Any], b: dict[str, Any]
) -> dict[str, Callable[[], Awaitable[None]]]:
    """Each action, prepared so that one call is one user action."""
    h = w.http

    async def browse() -> None:
        await ok(h.get("/api/photos", params={"limit": 30}, headers=bearer(a)))

    async def next_page() -> None:
        first = (await ok(h.get("/api/photos", params={"limit": 30}))).json()
        await ok(h.get("/api/photos", params={"limit": 30, "cursor": first["next_cursor"]}))

    async def search() -> None:
        w.seed += 1
        await ok(h.get("/api/photos", params={"limit": 30, "q": f"p{w.seed} sunset"}))

    async def open_photo() -> None:
        await ok(h.get(f"/api/photos/{w.photo}", headers=bearer(a)))

    async def favourite() -> None:
        await ok(h.put(f"/api/photos/{w.photo}/favorite", headers=bearer(a)))
        await ok(h.delete(f"/api/photos/{w.photo}/favorite", headers=bearer(a)))

    async def upload() -> None:
        await w.upload(a)

    async def gift() -> None:
        body = {"photo_id": w.objects_of_a.pop(), "to_user_id": b["user"]["id"]}
        await ok(h.post("/api/transfers", json=body, headers=bearer(a)))

    async def trade() -> None:
        body = {
            "offered_photo_ids": [w.objects_of_a.pop()],
            "requested_photo_ids": [w.objects_of_b.pop()],
            "recipient_id": b["user"]["id"],
        }
        made = (await ok(h.post("/api/trades", json=body, headers=bearer(a)))).json()
        await ok(h.post(f"/api/trades/{made['id']}/accept", headers=bearer(b)))

    async def edit_profile() -> None:
        w.seed += 1
        await ok(h.patch("/api/me", json={"display_name": f"Anna {w.seed}"}, headers=bearer(a)))

    return {
        "browse: first gallery page, signed in": browse,
        "browse: first + next page (keyset), anonymous": next_page,
        "search, a new text": search,
        "open a photo": open_photo,
        "favourite + unfavourite (2 requests)": favourite,
        "upload a photo (64 x 48 PNG)": upload,
        "direct gift": gift,
        "trade: propose + accept (2 requests)": trade,
        "edit profile name": edit_profile,
    }


async def row_counts(conn: asyncpg.Connection) -> Counter[str]:
    counts: Counter[str] = Counter()
    for table in TABLES:
        counts[table] = int(await conn.fetchval(f"SELECT count(*) FROM {table}"))
    return counts


async def measure(w: World, action: Callable[[], Awaitable[None]], repeat: int, admin: Any) -> str:
    await action()  # warm: statements prepared, caches filled
    before = await row_counts(admin)
    STATEMENTS.clear()
    cpu = time.process_time()
    for _ in range(repeat):
        await action()
    cpu = time.process_time() - cpu
    counted = Counter(STATEMENTS)
    added = await row_counts(admin)
    added.subtract(before)
    events = added.pop("events", 0)
    rows = ", ".join(f"{t} {n / repeat:g}" for t, n in added.items() if n) or "—"
    return (
        f"| {counted['all'] / repeat:.1f} | {counted['writes'] / repeat:.1f} | {rows} "
        f"| {events / repeat:g} | {1000 * cpu / repeat:.2f} |"
    )


async def run(repeat: int) -> list[str]:
    dsn = await fresh_db(DB)
    db._init_connection = _counting_init  # count every statement of the app's pool
    settings = Settings(
        app_env="test", database_url=dsn, jwt_secret="bench-" + "x" * 40, bcrypt_rounds=4,
        max_bot_token="123456:test-max-bot-token", upload_dir=Path(f"/tmp/{DB}"),
        redis_url=None, sweep_interval=3600,
    )  # fmt: skip
    app = create_app(settings)
    lines = [
        "| action | statements | of them writes | rows added | events | app CPU ms |",
        "|---|---|---|---|---|---|",
    ]
    admin = await asyncpg.connect(dsn)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
                w = World(http)
                a, b = await w.user(1), await w.user(2)
                for i in range(40):
                    await w.upload(a if i % 2 else b)
                w.photo = await w.upload(b)
                w.objects_of_a = [await w.upload(a) for _ in range(2 * repeat + 4)]
                w.objects_of_b = [await w.upload(b) for _ in range(repeat + 2)]
                for name, action in actions(w, a, b).items():
                    lines.append(f"| {name} " + await measure(w, action, repeat, admin))
    finally:
        await admin.close()
        await drop_db(DB)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    lines = asyncio.run(run(args.repeat))
    print(f"machine: {machine()}; {busy_note()}; PostgreSQL {PG}; repeat {args.repeat}\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
