"""SQL for profile requests (access to private collections)."""

import asyncpg


async def status_for_pair(
    conn: asyncpg.Connection, requester_id: int, target_id: int
) -> str | None:
    return await conn.fetchval(
        "SELECT status FROM profile_requests WHERE requester_id = $1 AND target_id = $2",
        requester_id,
        target_id,
    )
