"""SQL for a profile's showcase: the objects its owner pinned at the top (table showcase_pins)."""

import asyncpg

from app.core.db import Connection
from app.repositories.photos import CARD_SQL
from app.repositories.visibility import VISIBLE_TO_VIEWER


async def lock_objects(conn: Connection, art_object_ids: list[int]) -> list[asyncpg.Record]:
    """Row-lock the objects to pin, in id order (the order of every ownership change), so a
    pin and a change of owner are decided one after the other, never both."""
    return await conn.fetch(
        """
        SELECT id, owner_id, profile_hidden FROM art_objects
         WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE
        """,
        art_object_ids,
    )


async def replace(conn: Connection, user_id: int, art_object_ids: list[int]) -> None:
    await conn.execute("DELETE FROM showcase_pins WHERE user_id = $1", user_id)
    await conn.execute(
        """
        INSERT INTO showcase_pins (user_id, art_object_id, position)
        SELECT $1, p.id, p.ord - 1 FROM unnest($2::bigint[]) WITH ORDINALITY AS p (id, ord)
        """,
        user_id,
        art_object_ids,
    )


async def unpin(conn: Connection, user_id: int, art_object_id: int) -> bool:
    """Drop one pin; the others keep their order (positions may leave a gap)."""
    done = await conn.fetchval(
        "DELETE FROM showcase_pins WHERE user_id = $1 AND art_object_id = $2 RETURNING 1",
        user_id,
        art_object_id,
    )
    return done is not None


async def pinned_ids(conn: Connection, user_id: int) -> list[int]:
    rows = await conn.fetch(
        "SELECT art_object_id FROM showcase_pins WHERE user_id = $1 ORDER BY position", user_id
    )
    return [row["art_object_id"] for row in rows]


async def cards(conn: Connection, viewer_id: int | None, user_id: int) -> list[asyncpg.Record]:
    """The pinned objects as gallery cards, in the owner's order, as this viewer may see them."""
    return await conn.fetch(
        f"""
        {CARD_SQL}
          JOIN showcase_pins p ON p.art_object_id = a.id AND p.user_id = a.owner_id
         WHERE p.user_id = $2 AND {VISIBLE_TO_VIEWER}
         ORDER BY p.position
        """,
        viewer_id,
        user_id,
    )
