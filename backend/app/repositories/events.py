"""SQL for the event log.

Listeners are woken on channel `gallery_events`: by the app's own wake-up sent outside the
writing transaction (core/wakeup.py), or by the insert trigger for sessions that are not the
app's (admin SQL; database.sql). A wake-up only says "read the log". Another trigger assigns
the id after the transaction has its xid, which is what lets `running_transactions` tell when
every id up to a point is final (realtime/listener.py).
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import asyncpg

from app.core.db import Connection, fetch_value, present
from app.repositories.visibility import VISIBLE_TO_VIEWER

CHANNEL = "gallery_events"
_COLUMNS = "e.id, e.type, e.data, e.audience, e.subjects, e.created_at"

# $1 is the viewer (NULL when anonymous). The subjects of an event see it; anyone else sees it
# only if every subject's collection is visible to them — the rule of the HTTP reads (NULL, as
# for an anonymous viewer, counts as "not visible").
_VISIBLE = f"""
(e.audience IS NULL OR e.audience @> ARRAY[$1::bigint])
AND ($1::bigint = ANY(e.subjects) OR NOT EXISTS (
    SELECT 1 FROM users o
     WHERE o.id = ANY(e.subjects) AND NOT coalesce({VISIBLE_TO_VIEWER}, false)))
"""


async def insert_event(
    conn: Connection,
    event_type: str,
    data: dict[str, Any],
    audience: list[int] | None = None,
    subjects: Iterable[int] = (),
) -> int:
    """`subjects`: the users whose objects the event is about (their privacy applies)."""
    return await fetch_value(
        conn,
        int,
        "INSERT INTO events (type, data, audience, subjects) VALUES ($1, $2, $3, $4) RETURNING id",
        event_type,
        data,
        sorted(set(audience)) if audience is not None else None,
        sorted(set(subjects)),
    )


async def events_after(
    conn: Connection, after_id: int, user_id: int | None, limit: int, until: int
) -> list[asyncpg.Record]:
    """Events a viewer may see with after_id < id <= until, in id order (for resume)."""
    return await conn.fetch(
        f"""
        SELECT {_COLUMNS} FROM events e
         WHERE e.id > $2 AND e.id <= $3 AND {_VISIBLE}
         ORDER BY e.id LIMIT $4
        """,
        user_id,
        after_id,
        until,
        limit,
    )


async def delete_older_than(conn: Connection, cutoff: datetime) -> int:
    status = await conn.execute("DELETE FROM events WHERE created_at < $1", cutoff)
    return int(status.split()[-1])


async def events_between(
    conn: Connection, after_id: int, until: int, limit: int
) -> list[asyncpg.Record]:
    """All events with after_id < id <= until, whoever their audience (the hub filters)."""
    return await conn.fetch(
        f"""
        SELECT {_COLUMNS} FROM events e
         WHERE e.id > $1 AND e.id <= $2 ORDER BY e.id LIMIT $3
        """,
        after_id,
        until,
        limit,
    )


async def last_assigned_id(conn: Connection) -> int:
    """The largest event id handed out so far, committed or not (0 when none)."""
    row = present(await conn.fetchrow("SELECT last_value, is_called FROM events_id_seq"))
    return int(row["last_value"]) if row["is_called"] else int(row["last_value"]) - 1


async def assigned_ids(conn: Connection) -> tuple[int, int]:
    """(largest event id handed out so far, the id sequence's generation). The generation is the
    sequence's storage file number, which PostgreSQL replaces whenever the sequence restarts
    (TRUNCATE ... RESTART IDENTITY, ALTER SEQUENCE ... RESTART): a restart is seen even when no
    larger id was read before it (comparing ids alone missed those, issue 22)."""
    row = present(
        await conn.fetchrow(
            "SELECT last_value, is_called, pg_relation_filenode('events_id_seq')::bigint AS gen"
            "  FROM events_id_seq"
        )
    )
    assigned = int(row["last_value"]) if row["is_called"] else int(row["last_value"]) - 1
    return assigned, int(row["gen"])


async def running_transactions(conn: Connection) -> tuple[int | None, int | None]:
    """(oldest, newest) id of the write transactions of this database running now; (None,
    None) when there are none.

    Read live (pg_stat_activity and pg_prepared_xacts), not from a snapshot: a snapshot's xmax
    is only "last completed + 1", so a running transaction can sit above it. A transaction's id
    is published before it can write anything, so one that took an event id before this call
    and has not ended is listed. Other databases' transactions are left out on purpose: a long
    one elsewhere on the cluster must not hold back this gallery's events. The 32-bit ids are
    widened to 64 bits around the current xmax (running ids are never 2^31 away from it).
    """
    row = present(
        await conn.fetchrow(
            """
        WITH s AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xmax),
        running AS (
            SELECT backend_xid::text::bigint AS x FROM pg_stat_activity
             WHERE datname = current_database() AND backend_xid IS NOT NULL
            UNION ALL
            SELECT transaction::text::bigint FROM pg_prepared_xacts
             WHERE database = current_database()),
        wide AS (
            SELECT s.xmax + (r.x - s.xmax % 4294967296 + 6442450944) % 4294967296
                   - 2147483648 AS x
              FROM s, running r)
        SELECT min(x) AS oldest, max(x) AS newest FROM wide
        """
        )
    )
    return row["oldest"], row["newest"]


async def viewers_of_private(conn: Connection, user_ids: list[int]) -> dict[int, list[int]]:
    """For each private user among user_ids: who may see their collection besides them."""
    rows = await conn.fetch(
        """
        SELECT u.id, coalesce(array_agg(r.requester_id) FILTER (WHERE r.requester_id IS NOT NULL),
                              '{}') AS viewers
          FROM users u
          LEFT JOIN profile_requests r ON r.target_id = u.id AND r.status = 'accepted'
         WHERE u.id = ANY($1::bigint[]) AND u.is_private
         GROUP BY u.id
        """,
        user_ids,
    )
    return {row["id"]: list(row["viewers"]) for row in rows}
