"""SQL for the event log.

A trigger (database.sql) NOTIFYs each new id on channel `gallery_events`; PostgreSQL delivers a
notification only when (and if) the transaction commits, so listeners never see a rolled-back
event.
"""

from datetime import datetime
from typing import Any

import asyncpg

CHANNEL = "gallery_events"


async def insert_event(
    conn: asyncpg.Connection,
    event_type: str,
    data: dict[str, Any],
    audience: list[int] | None = None,
) -> int:
    return await conn.fetchval(
        "INSERT INTO events (type, data, audience) VALUES ($1, $2, $3) RETURNING id",
        event_type,
        data,
        sorted(set(audience)) if audience is not None else None,
    )


async def events_after(
    conn: asyncpg.Connection, after_id: int, user_id: int | None, limit: int, until: int
) -> list[asyncpg.Record]:
    """Events a viewer may see with after_id < id <= until, in id order (for resume)."""
    return await conn.fetch(
        """
        SELECT id, type, data, audience, created_at FROM events
         WHERE id > $1 AND id <= $4
           AND (audience IS NULL OR audience @> ARRAY[$2::bigint])
         ORDER BY id LIMIT $3
        """,
        after_id,
        user_id,
        limit,
        until,
    )


async def delete_older_than(conn: asyncpg.Connection, cutoff: datetime) -> int:
    status = await conn.execute("DELETE FROM events WHERE created_at < $1", cutoff)
    return int(status.split()[-1])


async def events_after_any(
    conn: asyncpg.Connection, after_id: int, limit: int
) -> list[asyncpg.Record]:
    """All events with id > after_id, whoever their audience (the hub filters per socket)."""
    return await conn.fetch(
        """
        SELECT id, type, data, audience, created_at FROM events
         WHERE id > $1 ORDER BY id LIMIT $2
        """,
        after_id,
        limit,
    )
