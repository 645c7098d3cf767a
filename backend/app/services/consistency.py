"""Invariant report (SPEC §2): the checks are SQL in repositories/consistency.py; who may see
them is decided here."""

import asyncpg

from app.core.errors import AppError, ErrorCode
from app.repositories import consistency
from app.repositories import users as users_repo

violations = consistency.violation_counts  # tests and benchmarks run the checks on a connection


async def admin_report(pool: asyncpg.Pool, user_id: int) -> dict[str, int]:
    """Counts of invariant violations for an admin; anyone else is refused (403)."""
    async with pool.acquire() as conn:
        user = await users_repo.get_by_id(conn, user_id)
        if user is None or user["role"] != "admin":
            raise AppError(ErrorCode.admin_only)
        return await consistency.violation_counts(conn)
