"""SQL of the bot's front door: who the bot can write to, and webhook updates already handled."""

from app.core.db import Connection, fetch_optional


async def claim_update(conn: Connection, messenger: str, update_key: str) -> bool:
    """True the first time this update is seen; a redelivery (same key) gets False."""
    inserted = await fetch_optional(
        conn,
        bool,
        """
        INSERT INTO bot_updates (messenger, update_key) VALUES ($1, $2)
        ON CONFLICT DO NOTHING RETURNING true
        """,
        messenger,
        update_key,
    )
    return inserted is not None


async def chat_started(
    conn: Connection, messenger: str, external_id: int, chat_id: int, language: str
) -> None:
    """/start or bot_started: reachable from now on, in this language."""
    await conn.execute(
        """
        INSERT INTO bot_chats (messenger, external_id, chat_id, language, reachable)
        VALUES ($1, $2, $3, $4, true)
        ON CONFLICT (messenger, external_id) DO UPDATE
           SET chat_id = EXCLUDED.chat_id, language = EXCLUDED.language, reachable = true,
               updated_at = now()
        """,
        messenger,
        external_id,
        chat_id,
        language,
    )


async def set_unreachable(conn: Connection, messenger: str, external_id: int) -> None:
    await conn.execute(
        """
        UPDATE bot_chats SET reachable = false, updated_at = now()
         WHERE messenger = $1 AND external_id = $2
        """,
        messenger,
        external_id,
    )


async def delete_updates_before(conn: Connection, seconds: float) -> int:
    status = await conn.execute(
        "DELETE FROM bot_updates WHERE received_at < now() - make_interval(secs => $1)", seconds
    )
    return int(status.split()[-1])
