"""Periodic upkeep: orphan files, expired records, event retention.

Runs once at start and then every SWEEP_INTERVAL seconds in each process; every step is
idempotent, so several workers sweeping at once is harmless.
"""

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta

import asyncpg

from app.core.config import Settings
from app.core.db import present
from app.media import imaging
from app.media.storage import Storage
from app.repositories import auth_qr, events, notifications, photos
from app.repositories import bot as bot_updates
from app.services import expiry, page_cache
from app.services.photos import to_photo
from app.services.publish import publish

log = logging.getLogger(__name__)
BOT_RECORDS_KEPT = 7 * 24 * 3600.0
# A file younger than this may belong to an upload whose transaction has not committed yet.
ORPHAN_GRACE_SECONDS = 600
# Images whose thumbnail could not be read for a placeholder (this process gives up on them).
_UNREADABLE: set[int] = set()


async def sweep_orphan_files(
    pool: asyncpg.Pool, storage: Storage, grace: float = ORPHAN_GRACE_SECONDS
) -> int:
    """Remove stored files no photo row references (left by a crash between write and commit)."""
    cutoff = time.time() - grace
    candidates = await asyncio.to_thread(lambda: list(storage.keys(older_than=cutoff)))
    await asyncio.to_thread(storage.clear_temp, cutoff)
    if not candidates:
        return 0
    async with pool.acquire() as conn:
        referenced = await photos.all_file_keys(conn)
    orphans = [key for key in candidates if key not in referenced]
    for key in orphans:
        await asyncio.to_thread(storage.delete, key)
    if orphans:
        log.warning("removed %d orphan files", len(orphans))
    return len(orphans)


async def fill_missing_placeholders(pool: asyncpg.Pool, storage: Storage, limit: int = 50) -> int:
    """Give images minted by SQL seeds (no blurhash) their placeholder and colour, computed from
    the stored thumbnail off the event loop. Returns how many were filled."""
    async with pool.acquire() as conn:
        rows = await photos.images_without_placeholder(conn, limit, sorted(_UNREADABLE))
    filled = 0
    for row in rows:
        try:
            data = await asyncio.to_thread(storage.get, row["thumb_key"])
            placeholder, colour = await asyncio.to_thread(imaging.placeholder_of, data)
        except (FileNotFoundError, ValueError, imaging.ImageRejected) as exc:
            log.warning("image %s: no placeholder (%s)", row["id"], exc)
            _UNREADABLE.add(row["id"])  # not retried by this process: one warning, no loop
            continue
        async with pool.acquire() as conn, conn.transaction():
            made = await photos.set_placeholder(conn, row["id"], placeholder, colour)
            # Not covered: another process filled the placeholder first: a race.
            if made is not None:  # pragma: no branch
                # Cards show the placeholder: open galleries and page caches hear of it.
                card = present(await photos.get_card(conn, made["owner_id"], made["id"]))
                await publish(conn, "photo.updated", to_photo(card), subjects=[made["owner_id"]])
        # Not covered: the same race (the placeholder filled by another process).
        if made is not None:  # pragma: no branch
            page_cache.changed(pool)
        filled += 1
    return filled


async def sweep_records(pool: asyncpg.Pool, settings: Settings) -> None:
    now = datetime.now(UTC)
    async with pool.acquire() as conn:
        await events.delete_older_than(conn, now - timedelta(seconds=settings.event_retention))
        await auth_qr.delete_expired(conn, now - timedelta(hours=1))
        # The bot's bookkeeping: update keys outlive every platform retry by far; finished
        # notifications are kept a week for "what was sent to whom" questions.
        await bot_updates.delete_updates_before(conn, BOT_RECORDS_KEPT)
        await notifications.delete_finished_before(conn, BOT_RECORDS_KEPT)
    await expiry.expire_due(pool)


async def run_forever(pool: asyncpg.Pool, storage: Storage, settings: Settings) -> None:
    while True:
        try:
            await sweep_records(pool, settings)
            await sweep_orphan_files(pool, storage)
            await fill_missing_placeholders(pool, storage)
        except Exception:  # keep sweeping after a database blip
            log.exception("maintenance sweep failed")
        await asyncio.sleep(settings.sweep_interval)
