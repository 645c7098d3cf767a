"""SQL for desktop sign-in by QR."""

from datetime import datetime

import asyncpg

from app.core.db import Connection


async def insert_request(
    conn: Connection,
    request_id: str,
    secret_hash: bytes,
    expires_at: datetime,
    client_ip: str | None,
    user_agent: str,
) -> None:
    await conn.execute(
        """
        INSERT INTO auth_qr_requests (id, secret_hash, expires_at, client_ip, user_agent)
        VALUES ($1, $2, $3, $4, $5)
        """,
        request_id,
        secret_hash,
        expires_at,
        client_ip,
        user_agent,
    )


async def get_request(conn: Connection, request_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        """
        SELECT id, status, client_ip, user_agent, created_at, expires_at,
               expires_at < now() AS expired
          FROM auth_qr_requests WHERE id = $1
        """,
        request_id,
    )


async def lock_request(conn: Connection, request_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        """
        SELECT id, secret_hash, status, user_id, expires_at, expires_at < now() AS expired
          FROM auth_qr_requests WHERE id = $1 FOR UPDATE
        """,
        request_id,
    )


async def approve(conn: Connection, request_id: str, user_id: int) -> None:
    await conn.execute(
        """
        UPDATE auth_qr_requests SET status = 'approved', user_id = $2, approved_at = now()
         WHERE id = $1 AND status = 'pending'
        """,
        request_id,
        user_id,
    )


async def consume(conn: Connection, request_id: str) -> None:
    await conn.execute(
        """
        UPDATE auth_qr_requests SET status = 'consumed', consumed_at = now()
         WHERE id = $1 AND status = 'approved'
        """,
        request_id,
    )


async def delete_expired(conn: Connection, older_than: datetime) -> int:
    status = await conn.execute("DELETE FROM auth_qr_requests WHERE expires_at < $1", older_than)
    return int(status.split()[-1])
