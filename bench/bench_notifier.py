"""Notifications through the fake Bot API servers (issue 18): commit → the fake receiving it.

A `python -m app.cli notifier` process (the platforms' limits at their defaults: 30 messages/s
per bot, 1 s per Telegram chat, 0.5 s per MAX chat) sends to the fake Telegram and MAX servers
of tests/fake_bot_api.py, which note when each request arrives. This script commits one
`transfer.updated` event (a direct gift) per notification, half to Telegram users, half to MAX
users, each to a chat of its own:

- steady: `--count` notifications at `--rate` per second in total (under the limits): latency
  from the event's commit to the fake receiving its message, p50 / p99;
- burst: `--count` more committed as fast as possible: messages per second each platform
  received (first to last arrival) against its limit.

Then lost (expected - received) and duplicated (received - distinct) for each phase.

    .venv/bin/python bench/bench_notifier.py [--count 1000 --rate 50] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "backend"))
sys.path.insert(0, str(ROOT))
import asyncpg  # noqa: E402
from tests.fake_bot_api import FakeMax, FakeTelegram, serve  # noqa: E402

from _common import busy_note, drop_db, fresh_db, machine, pct  # noqa: E402
from app.core.db import create_pool  # noqa: E402
from app.services.notifier import LOCK_KEY  # noqa: E402

DB = "bench_notifier"
TG_TOKEN, MAX_TOKEN = "111:bench-telegram", "222:bench-max"


def gift(giver: int, recipient: int, n: int) -> tuple[str, dict, list[int]]:
    data = {
        "id": n,
        "status": "completed",
        "expires_at": None,
        "created_at": "2026-01-01T00:00:00Z",
        "completed_at": "2026-01-01T00:00:00Z",
        "returned_at": None,
        "from_user": {"id": giver, "display_name": "Giver", "avatar_url": None},
        "to_user": {"id": recipient, "display_name": "Someone", "avatar_url": None},
        "photo": {"id": n, "title": f"photo {n}"},
    }
    return "transfer.updated", data, [giver, recipient]


async def people(pool: asyncpg.Pool, count: int) -> tuple[int, list[tuple[int, str, int]]]:
    """A giver and `count` recipients (user id, messenger, chat id), alternating platforms."""
    giver = await pool.fetchval(
        "INSERT INTO users (username, display_name) VALUES ('giver', 'Giver') RETURNING id"
    )
    rows = await pool.fetch(
        """INSERT INTO users (messenger, external_id, display_name)
           SELECT CASE WHEN g % 2 = 0 THEN 'telegram' ELSE 'max' END, g, 'User ' || g
             FROM generate_series(1, $1) g RETURNING id, messenger, external_id""",
        count,
    )
    await pool.execute(
        """INSERT INTO bot_chats (messenger, external_id, chat_id, language)
           SELECT messenger, external_id, external_id, 'ru' FROM users
            WHERE messenger IS NOT NULL"""
    )
    return giver, [(r["id"], r["messenger"], r["external_id"]) for r in rows]


async def wait_for(check, what: str, within: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting: {what}")
        await asyncio.sleep(0.05)


async def commit_events(
    pool, giver, recipients, start_n: int, rate: float | None
) -> dict[int, float]:  # type: ignore[no-untyped-def]
    """One transaction per event; returns chat id → commit time (time.time())."""
    committed: dict[int, float] = {}
    begin = time.monotonic()
    for i, (user_id, _, chat) in enumerate(recipients):
        if rate:
            await asyncio.sleep(max(0.0, begin + i / rate - time.monotonic()))
        await pool.execute(
            "INSERT INTO events (type, data, audience) VALUES ($1, $2, $3)",
            *gift(giver, user_id, start_n + i),
        )
        committed[chat] = time.time()
    return committed


async def run(args: argparse.Namespace) -> None:
    dsn = await fresh_db(DB)
    pool = await create_pool(dsn, 1, 4)  # the app's pool: jsonb as Python objects
    telegram, max_ = FakeTelegram(TG_TOKEN), FakeMax(MAX_TOKEN)
    giver, recipients = await people(pool, args.count)
    with serve(telegram) as tg_url, serve(max_) as max_url:
        env = {
            **os.environ,
            "APP_ENV": "development",
            "DATABASE_URL": dsn,
            "JWT_SECRET": "bench-" + "b" * 40,
            "TELEGRAM_BOT_TOKEN": TG_TOKEN,
            "MAX_BOT_TOKEN": MAX_TOKEN,
            "TELEGRAM_BOT_API_URL": tg_url,
            "MAX_BOT_API_URL": max_url,
            "NOTIFIER": "on",
            "MAX_MINIAPP_LINK": "https://max.ru/bench_bot",
            "REDIS_URL": "",
        }
        notifier = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "app.cli",
            "notifier",
            cwd=ROOT / "backend",
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:

            async def active() -> bool:
                return bool(
                    await pool.fetchval(
                        """SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
                            AND ((classid::bigint << 32) | objid::bigint) = $1""",
                        LOCK_KEY,
                    )
                ) and bool(await pool.fetchval("SELECT count(*) FROM notifier_cursor"))

            await wait_for(active, "the notifier is active", 60)
            results = []
            for phase, rate in (("steady", args.rate), ("burst", None)):
                before = {"telegram": len(telegram.messages), "max": len(max_.messages)}
                started = time.time()
                committed = await commit_events(
                    pool, giver, recipients, 1 + len(results) * args.count, rate
                )
                expected = len(recipients)

                async def delivered(before=before, expected=expected) -> bool:  # type: ignore[no-untyped-def]
                    got = (
                        len(telegram.messages)
                        - before["telegram"]
                        + len(max_.messages)
                        - before["max"]
                    )
                    return got >= expected

                await wait_for(delivered, f"{phase}: every message", 600)
                # Anything more would be a duplicate: let the notifier finish what it does.
                await wait_for(lambda: _quiet(pool), "nothing pending", 60)
                received = {
                    "telegram": telegram.messages[before["telegram"] :],
                    "max": max_.messages[before["max"] :],
                }
                all_msgs = received["telegram"] + received["max"]
                latencies = [
                    (m.at - committed[m.chat_id]) * 1000 for m in all_msgs if m.chat_id in committed
                ]
                counts = collections.Counter(m.chat_id for m in all_msgs)
                per_platform = {}
                for name, msgs in received.items():
                    span = (
                        max(m.at for m in msgs) - min(m.at for m in msgs)
                        if len(msgs) > 1
                        else float("nan")
                    )
                    per_platform[name] = (
                        len(msgs),
                        (len(msgs) - 1) / span if span else float("nan"),
                    )
                results.append(
                    (
                        phase,
                        rate,
                        time.time() - started,
                        latencies,
                        expected - len(counts),
                        sum(counts.values()) - len(counts),
                        per_platform,
                    )
                )
        finally:
            notifier.kill()
            await notifier.wait()
    await pool.close()
    if not args.keep:
        await drop_db(DB)
    print(f"\n{machine()}; {busy_note()}\n")
    print(
        "| phase | committed | commit → received p50 | p99 | Telegram msgs/s (limit 30) "
        "| MAX msgs/s (limit 30) | lost | duplicated |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for phase, rate, _, lat, lost, dup, per in results:
        how = f"{args.count} at {rate:g}/s" if rate else f"{args.count} at once"
        print(
            f"| {phase} | {how} | {pct(lat, 0.5):.0f} ms | {pct(lat, 0.99):.0f} ms | "
            f"{per['telegram'][1]:.1f} ({per['telegram'][0]} msgs) | "
            f"{per['max'][1]:.1f} ({per['max'][0]} msgs) | {lost} | {dup} |"
        )


async def _quiet(pool: asyncpg.Pool) -> bool:
    return not await pool.fetchval(
        "SELECT count(*) FROM notifications WHERE status IN ('pending', 'sending')"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=1000, help="notifications per phase")
    parser.add_argument("--rate", type=float, default=50.0, help="steady phase: events per second")
    parser.add_argument("--quick", action="store_true", help="200 per phase")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    if args.quick:
        args.count = 200
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
