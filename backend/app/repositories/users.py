"""SQL for users."""

import asyncpg

_COLUMNS = """id, messenger, external_id, username, password_hash, display_name, avatar_url,
    is_private, role, created_at"""


async def upsert_messenger_user(
    conn: asyncpg.Connection,
    messenger: str,
    external_id: int,
    display_name: str,
    avatar_url: str | None,
) -> asyncpg.Record:
    # The messenger profile is the source of truth for name and avatar at every sign-in.
    return await conn.fetchrow(
        f"""
        INSERT INTO users (messenger, external_id, display_name, avatar_url)
        VALUES ($1, $2, $3, $4)
        ON CONFLICT (messenger, external_id) WHERE messenger IS NOT NULL
        DO UPDATE SET display_name = EXCLUDED.display_name,
                      avatar_url = EXCLUDED.avatar_url,
                      updated_at = now()
        RETURNING {_COLUMNS}
        """,
        messenger,
        external_id,
        display_name,
        avatar_url,
    )


async def insert_password_user(
    conn: asyncpg.Connection, username: str, password_hash: str
) -> asyncpg.Record | None:
    """None when the username is taken (case-insensitively)."""
    return await conn.fetchrow(
        f"""
        INSERT INTO users (username, password_hash, display_name)
        VALUES ($1, $2, $1)
        ON CONFLICT (lower(username)) WHERE username IS NOT NULL DO NOTHING
        RETURNING {_COLUMNS}
        """,
        username,
        password_hash,
    )


async def get_by_id(conn: asyncpg.Connection, user_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {_COLUMNS} FROM users WHERE id = $1", user_id)


async def get_by_username(conn: asyncpg.Connection, username: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM users WHERE lower(username) = lower($1)", username
    )


async def update_profile(
    conn: asyncpg.Connection, user_id: int, display_name: str | None, is_private: bool | None
) -> asyncpg.Record:
    return await conn.fetchrow(
        f"""
        UPDATE users
           SET display_name = coalesce($2, display_name),
               is_private = coalesce($3, is_private),
               updated_at = now()
         WHERE id = $1
        RETURNING {_COLUMNS}
        """,
        user_id,
        display_name,
        is_private,
    )


async def set_credentials(
    conn: asyncpg.Connection, user_id: int, username: str, password_hash: str
) -> bool:
    """False when the username belongs to someone else."""
    try:
        status = await conn.execute(
            """
            UPDATE users SET username = $2, password_hash = $3, updated_at = now()
             WHERE id = $1
            """,
            user_id,
            username,
            password_hash,
        )
    except asyncpg.UniqueViolationError:
        return False
    return status == "UPDATE 1"
