"""SQL for favorites (idempotent bookmarks)."""

import asyncpg

from app.core.db import Connection, present


async def add(conn: Connection, user_id: int, art_object_id: int) -> bool:
    """False when it was a favourite already."""
    status = await conn.execute(
        "INSERT INTO favorites (user_id, art_object_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        user_id,
        art_object_id,
    )
    return bool(status == "INSERT 0 1")


async def remove(conn: Connection, user_id: int, art_object_id: int) -> bool:
    """False when it was not a favourite."""
    status = await conn.execute(
        "DELETE FROM favorites WHERE user_id = $1 AND art_object_id = $2", user_id, art_object_id
    )
    return bool(status == "DELETE 1")


async def state(conn: Connection, user_id: int, art_object_id: int) -> asyncpg.Record:
    return present(
        await conn.fetchrow(
            """
        SELECT EXISTS (SELECT 1 FROM favorites WHERE user_id = $1 AND art_object_id = $2)
                   AS is_favorite,
               (SELECT count(*) FROM favorites WHERE art_object_id = $2) AS favorites_count
        """,
            user_id,
            art_object_id,
        )
    )
