"""SQL for profile requests (access to private collections)."""

from datetime import datetime

import asyncpg

from app.core.db import Connection, fetch_optional, present


async def status_for_pair(conn: Connection, requester_id: int, target_id: int) -> str | None:
    return await fetch_optional(
        conn,
        str,
        "SELECT status FROM profile_requests WHERE requester_id = $1 AND target_id = $2",
        requester_id,
        target_id,
    )


_VIEW = """
SELECT r.id, r.requester_id, r.target_id, r.status, r.message, r.created_at, r.updated_at,
       ru.display_name AS requester_name, ru.avatar_url AS requester_avatar,
       tu.display_name AS target_name, tu.avatar_url AS target_avatar
  FROM profile_requests r
  JOIN users ru ON ru.id = r.requester_id
  JOIN users tu ON tu.id = r.target_id
"""


async def view(conn: Connection, request_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(f"{_VIEW} WHERE r.id = $1", request_id)


async def list_for(conn: Connection, user_id: int, role: str) -> list[asyncpg.Record]:
    column = "r.target_id" if role == "incoming" else "r.requester_id"
    return await conn.fetch(f"{_VIEW} WHERE {column} = $1 ORDER BY r.id DESC LIMIT 200", user_id)


async def upsert(
    conn: Connection, requester_id: int, target_id: int, message: str
) -> tuple[int, bool]:
    """(id, created). Asking again keeps an accepted or pending request as it is; a declined
    one becomes pending again (the person may ask once more)."""
    row = present(
        await conn.fetchrow(
            """
        INSERT INTO profile_requests (requester_id, target_id, message)
        VALUES ($1, $2, $3)
        ON CONFLICT (requester_id, target_id) DO UPDATE
           SET status = CASE WHEN profile_requests.status = 'declined' THEN 'pending'
                             ELSE profile_requests.status END,
               message = CASE WHEN profile_requests.status = 'declined' THEN EXCLUDED.message
                              ELSE profile_requests.message END,
               updated_at = CASE WHEN profile_requests.status = 'declined' THEN now()
                                 ELSE profile_requests.updated_at END
        RETURNING id, (xmax = 0) AS created
        """,
            requester_id,
            target_id,
            message,
        )
    )
    return row["id"], row["created"]


async def claim_notice(
    conn: Connection, requester_id: int, target_id: int, cooldown_seconds: float
) -> bool:
    """True when the target may be notified of this pair's request now (never, or longer than
    the cooldown ago), recording the notice; False within the cooldown."""
    notified = await conn.fetchval(
        """
        INSERT INTO profile_request_notices (requester_id, target_id) VALUES ($1, $2)
        ON CONFLICT (requester_id, target_id) DO UPDATE SET notified_at = now()
         WHERE profile_request_notices.notified_at < now() - make_interval(secs => $3)
        RETURNING true
        """,
        requester_id,
        target_id,
        cooldown_seconds,
    )
    return bool(notified)


async def lock(conn: Connection, request_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(
        """
        SELECT id, requester_id, target_id, status, created_at
          FROM profile_requests WHERE id = $1 FOR UPDATE
        """,
        request_id,
    )


async def target_notified_since(
    conn: Connection, requester_id: int, target_id: int, since: datetime
) -> bool:
    """Whether the pair's target was notified at or after `since` (a request's creation)."""
    return bool(
        await conn.fetchval(
            """
            SELECT EXISTS (SELECT 1 FROM profile_request_notices
                            WHERE requester_id = $1 AND target_id = $2 AND notified_at >= $3)
            """,
            requester_id,
            target_id,
            since,
        )
    )


async def set_status(conn: Connection, request_id: int, status: str) -> None:
    await conn.execute(
        "UPDATE profile_requests SET status = $2, updated_at = now() WHERE id = $1",
        request_id,
        status,
    )


async def delete(conn: Connection, request_id: int) -> None:
    await conn.execute("DELETE FROM profile_requests WHERE id = $1", request_id)
