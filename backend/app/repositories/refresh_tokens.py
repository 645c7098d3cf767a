"""SQL for refresh-token families (rotation and reuse detection)."""

from datetime import datetime
from uuid import UUID

import asyncpg


async def create_family(conn: asyncpg.Connection, user_id: int) -> UUID:
    return await conn.fetchval(
        "INSERT INTO refresh_token_families (user_id) VALUES ($1) RETURNING id", user_id
    )


async def insert_token(
    conn: asyncpg.Connection, family_id: UUID, token_hash: bytes, expires_at: datetime
) -> None:
    await conn.execute(
        "INSERT INTO refresh_tokens (family_id, token_hash, expires_at) VALUES ($1, $2, $3)",
        family_id,
        token_hash,
        expires_at,
    )


async def lock_token(conn: asyncpg.Connection, token_hash: bytes) -> asyncpg.Record | None:
    """The token with its family, row-locked so two concurrent refreshes serialize."""
    return await conn.fetchrow(
        """
        SELECT t.id, t.family_id, t.expires_at, t.used_at, f.user_id, f.revoked_at
          FROM refresh_tokens t
          JOIN refresh_token_families f ON f.id = t.family_id
         WHERE t.token_hash = $1
           FOR UPDATE OF t, f
        """,
        token_hash,
    )


async def mark_used(conn: asyncpg.Connection, token_id: int) -> None:
    await conn.execute("UPDATE refresh_tokens SET used_at = now() WHERE id = $1", token_id)


async def revoke_family(conn: asyncpg.Connection, family_id: UUID) -> None:
    await conn.execute(
        "UPDATE refresh_token_families SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1",
        family_id,
    )
