"""Demo data for the local run command: a few users, so the gallery is not empty."""

import asyncpg

from app.core.config import Settings
from app.repositories import users

DEMO_USERS = [
    ("max", 900001, "Alice Demo"),
    ("max", 900002, "Борис Демо"),
    ("telegram", 900003, "Chen Demo"),
]


async def seed(pool: asyncpg.Pool, settings: Settings) -> int:
    async with pool.acquire() as conn, conn.transaction():
        for messenger, external_id, name in DEMO_USERS:
            await users.upsert_messenger_user(conn, messenger, external_id, name, None)
    return 0
