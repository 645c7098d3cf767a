"""Exactly once across processes (issue 18): two notifiers on one database, `kill -9` of the
active one mid-drain, an event committed late.

The active notifier here is `python -m app.cli notifier` (the compose `notifier` service); the
standby is a whole backend server process (uvicorn, NOTIFIER on, as every backend runs it).
The fake Telegram counts a message when its request arrives. The kill happens at a fact: all
IN_FLIGHT rows the dying notifier marked `sending` reached the fake, whose answers are held (so
it cannot start another). A kill between marking a row `sending` and its request leaving is the
one window where a message is lost (README: at most once for an interrupted send).
"""

import asyncio
import collections
import os
import signal
import sys
import threading
from pathlib import Path

import asyncpg
import httpx
import pytest
import yaml

from app.core.config import REPO_ROOT
from app.services.notifier import IN_FLIGHT, LOCK_KEY
from tests.fake_bot_api import FakeTelegram, serve
from tests.server_support import running_server
from tests.support import MAX_BOT_TOKEN, TELEGRAM_BOT_TOKEN, until

pytestmark = pytest.mark.slow
RECIPIENTS = 120
GIVER_EXTERNAL = 999_999


def notifier_env(database_url: str, api_url: str, upload_dir: Path) -> dict[str, str]:
    return {
        "APP_ENV": "test",
        "DATABASE_URL": database_url,
        "JWT_SECRET": "notifier-secret-" + "n" * 32,
        "MAX_BOT_TOKEN": MAX_BOT_TOKEN,
        "TELEGRAM_BOT_TOKEN": TELEGRAM_BOT_TOKEN,
        "TELEGRAM_BOT_API_URL": api_url,
        "MAX_BOT_API_URL": "http://127.0.0.1:9",
        "UPLOAD_DIR": str(upload_dir),
        "REDIS_URL": "",
        "SWEEP_INTERVAL": "3600",
        "BCRYPT_ROUNDS": "4",
        "NOTIFIER": "on",
        "TELEGRAM_RATE": "1000",
        "TELEGRAM_CHAT_INTERVAL": "0.01",
        "NOTIFIER_BACKOFF_BASE": "0.05",
        "NOTIFIER_BACKOFF_MAX": "0.2",
    }


async def people(pool: asyncpg.Pool) -> tuple[int, list[int]]:
    """A giver and RECIPIENTS Telegram users who started the bot (one chat each)."""
    giver = await pool.fetchval(
        "INSERT INTO users (messenger, external_id, display_name) VALUES ('telegram', $1, 'Giver') RETURNING id",
        GIVER_EXTERNAL,
    )
    rows = await pool.fetch(
        """INSERT INTO users (messenger, external_id, display_name)
           SELECT 'telegram', g, 'User ' || g FROM generate_series(1, $1) g RETURNING id, external_id""",
        RECIPIENTS,
    )
    await pool.execute(
        """INSERT INTO bot_chats (messenger, external_id, chat_id, language)
           SELECT 'telegram', g, g, 'en' FROM generate_series(1, $1) g""",
        RECIPIENTS,
    )
    return giver, [r["id"] for r in sorted(rows, key=lambda r: r["external_id"])]


def gift_event(giver: int, recipient: int, photo: int) -> tuple[str, dict, list[int]]:
    """A direct gift's `transfer.updated`, as the transfer service writes it."""
    data = {
        "id": photo,
        "status": "completed",
        "expires_at": None,
        "created_at": "2026-01-01T00:00:00Z",
        "completed_at": "2026-01-01T00:00:00Z",
        "returned_at": None,
        "from_user": {"id": giver, "display_name": "Giver", "avatar_url": None},
        "to_user": {"id": recipient, "display_name": "Someone", "avatar_url": None},
        "photo": {"id": photo, "title": f"photo {photo}"},
    }
    return "transfer.updated", data, [giver, recipient]


async def lock_holders(pool: asyncpg.Pool) -> tuple[int, int]:
    """(processes holding the notifier lock, processes waiting for it)."""
    row = await pool.fetchrow(
        """SELECT count(*) FILTER (WHERE granted) AS holding, count(*) FILTER (WHERE NOT granted) AS waiting
             FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND ((classid::bigint << 32) | objid::bigint) = $1""",
        LOCK_KEY,
    )
    return row["holding"], row["waiting"]


def test_compose_runs_the_notifier_this_file_runs() -> None:
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    service = compose["services"]["notifier"]
    assert service["command"] == ["python", "-m", "app.cli", "notifier"]
    assert service["working_dir"] == "/app/backend" and service["environment"]["NOTIFIER"] == "on"
    assert service["image"] == compose["services"]["backend"]["image"]


async def test_kill_9_mid_drain_and_a_standby_taking_over_send_each_notification_once(
    database_url: str, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    telegram = FakeTelegram(TELEGRAM_BOT_TOKEN)
    telegram.delay = 0.01  # a drain that takes a while
    giver, recipients = await people(pool)
    with serve(telegram) as api_url:
        env = notifier_env(database_url, api_url, tmp_path)
        with (tmp_path / "notifier.log").open("wb") as log:
            active = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "app.cli",
                "notifier",
                cwd=REPO_ROOT / "backend",
                env={**{k: v for k, v in os.environ.items() if k not in env}, **env},
                stdout=asyncio.subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )
        try:
            await until(lambda: _holding(pool, 1, 0), "the first notifier holds the lock")
            await until(lambda: pool.fetchval("SELECT count(*) FROM notifier_cursor"), "cursor set")
            async with (
                running_server(env) as base_url,
                httpx.AsyncClient(base_url=base_url) as http,
            ):
                await until(lambda: _holding(pool, 1, 1), "the server's notifier stands by")
                # One event taken early and committed last: it must not be skipped.
                late = await pool.acquire()
                tx = late.transaction()
                await tx.start()
                await late.execute(
                    "INSERT INTO events (type, data, audience) VALUES ($1, $2, $3)",
                    *gift_event(giver, recipients[0], 1),
                )
                for i, recipient in enumerate(recipients[1:], start=2):
                    await pool.execute(
                        "INSERT INTO events (type, data, audience) VALUES ($1, $2, $3)",
                        *gift_event(giver, recipient, i),
                    )
                    if i == RECIPIENTS // 2:
                        await tx.commit()
                        await pool.release(late)
                await until(lambda: _received(telegram, RECIPIENTS // 4), "a quarter delivered")
                telegram.hold = threading.Event()  # answers held from now on
                # The fact to kill at: every row the active one marked `sending` reached the fake.
                await until(
                    lambda: _all_in_flight_arrived(pool, telegram), "in-flight messages arrived"
                )
                os.killpg(active.pid, signal.SIGKILL)
                await active.wait()
                telegram.hold.set()
                await until(lambda: _holding(pool, 1, 0), "the standby took over")
                assert (await http.get("/health")).status_code == 200
                await until(
                    lambda: _all_done(pool), "every notification sent or closed", within=120
                )
        finally:
            if active.returncode is None:
                os.killpg(active.pid, signal.SIGKILL)
                await active.wait()
    counts = collections.Counter(m.chat_id for m in telegram.messages)
    assert sorted(counts) == list(range(1, RECIPIENTS + 1)), "every recipient got their message"
    assert max(counts.values()) == 1, "nobody got one twice"
    rows = await pool.fetch("SELECT status, reason, count(*) AS n FROM notifications GROUP BY 1, 2")
    by_status = {(r["status"], r["reason"]): r["n"] for r in rows}
    interrupted = by_status.get(("failed", "interrupted while sending"), 0)
    assert interrupted >= 1, by_status  # the kill really happened mid-send
    assert by_status[("sent", None)] + interrupted == RECIPIENTS


async def _holding(pool: asyncpg.Pool, holding: int, waiting: int) -> bool:
    return await lock_holders(pool) == (holding, waiting)


async def _received(telegram: FakeTelegram, count: int) -> bool:
    return len(telegram.messages) >= count


async def _all_in_flight_arrived(pool: asyncpg.Pool, telegram: FakeTelegram) -> bool:
    row = await pool.fetchrow(
        "SELECT count(*) FILTER (WHERE status = 'sent') AS sent, count(*) FILTER (WHERE status = 'sending') AS sending FROM notifications"
    )
    # Every slot taken and held: the dying notifier cannot start another send meanwhile.
    return row["sending"] == IN_FLIGHT and len(telegram.messages) == row["sent"] + row["sending"]


async def _all_done(pool: asyncpg.Pool) -> bool:
    row = await pool.fetchrow(
        """SELECT count(*) AS total, count(*) FILTER (WHERE status IN ('pending', 'sending')) AS open,
                  (SELECT last_event_id FROM notifier_cursor) >= (SELECT max(id) FROM events) AS derived
             FROM notifications"""
    )
    return row["derived"] and row["total"] == RECIPIENTS and row["open"] == 0
