"""SQL for refresh-token families (rotation, the grace window, reuse detection)."""

from datetime import datetime
from uuid import UUID

import asyncpg

from app.core.db import Connection, present


async def create_family(
    conn: Connection, user_id: int, auth_method: str, auth_time: datetime | None = None
) -> asyncpg.Record:
    """A new session; `auth_time` = when the proof was made (default: now)."""
    return present(
        await conn.fetchrow(
            """
        INSERT INTO refresh_token_families (user_id, auth_method, auth_time)
        VALUES ($1, $2, least(coalesce($3, now()), now()))
        RETURNING id, auth_method, auth_time
        """,
            user_id,
            auth_method,
            auth_time,
        )
    )


async def insert_token(
    conn: Connection, family_id: UUID, token_hash: bytes, expires_at: datetime
) -> asyncpg.Record:
    return present(
        await conn.fetchrow(
            """
        INSERT INTO refresh_tokens (family_id, token_hash, expires_at) VALUES ($1, $2, $3)
        RETURNING id, created_at, expires_at
        """,
            family_id,
            token_hash,
            expires_at,
        )
    )


async def lock_token(
    conn: Connection, token_hash: bytes, grace_seconds: float
) -> asyncpg.Record | None:
    """The token with its family, row-locked so two concurrent refreshes serialize.
    `in_grace`: it was rotated less than `grace_seconds` ago (database clock)."""
    return await conn.fetchrow(
        """
        SELECT t.id, t.family_id, t.expires_at, t.used_at, t.successor_id, t.successor_sealed,
               t.used_at > now() - make_interval(secs => $2) AS in_grace,
               f.user_id, f.revoked_at, f.auth_method, f.auth_time
          FROM refresh_tokens t
          JOIN refresh_token_families f ON f.id = t.family_id
         WHERE t.token_hash = $1
           FOR UPDATE OF t, f
        """,
        token_hash,
        grace_seconds,
    )


async def get_token(conn: Connection, token_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT id, token_hash, used_at, created_at, expires_at FROM refresh_tokens WHERE id = $1",
        token_id,
    )


async def mark_used(
    conn: Connection, token_id: int, successor_id: int, successor_sealed: bytes
) -> None:
    await conn.execute(
        """
        UPDATE refresh_tokens SET used_at = now(), successor_id = $2, successor_sealed = $3
         WHERE id = $1
        """,
        token_id,
        successor_id,
        successor_sealed,
    )


async def revoke_family(conn: Connection, family_id: UUID) -> None:
    await conn.execute(
        "UPDATE refresh_token_families SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1",
        family_id,
    )


async def revoke_other_families(conn: Connection, user_id: int, keep_family_id: UUID | None) -> int:
    """Revoke every live session (one with an unspent, unexpired token) of the user except
    `keep_family_id`; returns how many."""
    status = await conn.execute(
        """
        UPDATE refresh_token_families f SET revoked_at = now()
         WHERE f.user_id = $1 AND f.revoked_at IS NULL AND f.id IS DISTINCT FROM $2
           AND EXISTS (SELECT 1 FROM refresh_tokens t
                        WHERE t.family_id = f.id AND t.used_at IS NULL AND t.expires_at > now())
        """,
        user_id,
        keep_family_id,
    )
    return int(status.split()[-1])
