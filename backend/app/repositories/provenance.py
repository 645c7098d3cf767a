"""SQL for provenance: the append-only record of every change of owner (table
ownership_history)."""

import asyncpg

from app.core.db import Connection, fetch_value
from app.repositories.visibility import visible_sql


async def move(
    conn: Connection,
    art_object_id: int,
    from_user_id: int,
    to_user_id: int,
    reason: str,
    trade_id: int | None = None,
    transfer_id: int | None = None,
) -> bool:
    """SQL art_object_move(), one round trip: set the owner, append the provenance
    row, cancel the object's live claim code and write its `transfer.updated` and the
    `ownership.changed` event. False when no such art object exists."""
    return await fetch_value(
        conn,
        bool,
        "SELECT art_object_move($1, $2, $3, $4, $5, $6)",
        art_object_id,
        from_user_id,
        to_user_id,
        reason,
        trade_id,
        transfer_id,
    )


async def append(
    conn: Connection,
    art_object_id: int,
    from_user_id: int | None,
    to_user_id: int,
    reason: str,
    trade_id: int | None = None,
    transfer_id: int | None = None,
) -> None:
    await conn.execute(
        """
        INSERT INTO ownership_history
               (art_object_id, from_user_id, to_user_id, reason, trade_id, transfer_id)
        VALUES ($1, $2, $3, $4, $5, $6)
        """,
        art_object_id,
        from_user_id,
        to_user_id,
        reason,
        trade_id,
        transfer_id,
    )


async def for_objects(
    conn: Connection, art_object_ids: list[int], viewer_id: int | None
) -> list[asyncpg.Record]:
    """Provenance rows of these objects in order, with whether `viewer_id` may see each party
    (the one visibility rule, repositories/visibility.py) and the gift note of its transfer."""
    return await conn.fetch(
        f"""
        SELECT h.id, h.art_object_id, h.reason, h.trade_id, h.transfer_id, h.created_at,
               h.from_user_id, fu.display_name AS from_name, fu.avatar_url AS from_avatar,
               h.to_user_id, tu.display_name AS to_name, tu.avatar_url AS to_avatar,
               coalesce({visible_sql("$2", "fu")}, false) AS from_visible,
               coalesce({visible_sql("$2", "tu")}, false) AS to_visible,
               t.note, t.note_hidden, t.from_user_id AS note_from, t.to_user_id AS note_to
          FROM ownership_history h
          LEFT JOIN users fu ON fu.id = h.from_user_id
          JOIN users tu ON tu.id = h.to_user_id
          LEFT JOIN transfers t ON t.id = h.transfer_id
         WHERE h.art_object_id = ANY($1::bigint[])
         ORDER BY h.art_object_id, h.id
        """,
        art_object_ids,
        viewer_id,
    )


# Every object's owner must equal to_user_id of its last history row. Shipped as a query so
# tests, benchmarks and operators run the same check (repositories/consistency.py).
OWNER_MISMATCHES = """
SELECT a.id, a.owner_id, last.to_user_id AS history_owner
  FROM art_objects a
  LEFT JOIN LATERAL (
        SELECT h.to_user_id FROM ownership_history h
         WHERE h.art_object_id = a.id ORDER BY h.id DESC LIMIT 1) last ON true
 WHERE last.to_user_id IS DISTINCT FROM a.owner_id
"""
