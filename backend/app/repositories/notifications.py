"""SQL of the notifier: its cursor over `events`, one row per (event, recipient), settings.

A notification row goes pending → sending (committed just before the platform call) → sent,
or back to pending with a later `next_attempt_at`, or failed/skipped with a reason.
"""

from collections.abc import Sequence
from typing import Any

import asyncpg

from app.core.db import Connection, fetch_optional, fetch_value


async def cursor(conn: Connection) -> int | None:
    """A plain read (no row lock, so no transaction id: the live listener waits for every
    running write transaction, and an idle notifier must not look like one)."""
    return await fetch_optional(conn, int, "SELECT last_event_id FROM notifier_cursor WHERE id")


async def cursor_for_update(conn: Connection) -> int | None:
    return await fetch_optional(
        conn, int, "SELECT last_event_id FROM notifier_cursor WHERE id FOR UPDATE"
    )


async def start_cursor(conn: Connection, event_id: int) -> None:
    """The first notifier starts at the present: history is not notified."""
    await conn.execute(
        "INSERT INTO notifier_cursor (id, last_event_id) VALUES (true, $1) ON CONFLICT DO NOTHING",
        event_id,
    )


async def move_cursor(conn: Connection, event_id: int) -> None:
    await conn.execute("UPDATE notifier_cursor SET last_event_id = $1 WHERE id", event_id)


async def recipients(conn: Connection, user_ids: Sequence[int]) -> list[asyncpg.Record]:
    """Of these users, those the bot may write to: messenger, chat, language, reachability and
    the kinds they switched off."""
    return await conn.fetch(
        """
        SELECT u.id, c.messenger, c.chat_id, c.language, c.reachable,
               coalesce(s.disabled_kinds, '{}') AS disabled_kinds
          FROM users u
          JOIN bot_chats c ON c.messenger = u.messenger AND c.external_id = u.external_id
          LEFT JOIN notification_settings s ON s.user_id = u.id
         WHERE u.id = ANY($1::bigint[])
        """,
        list(user_ids),
    )


async def insert_many(
    conn: Connection, rows: Sequence[tuple[int, int, str, dict[str, Any], str, str | None]]
) -> None:
    """(event_id, user_id, kind, args, status, reason); a row that exists stays as it is."""
    await conn.executemany(
        """
        INSERT INTO notifications (event_id, user_id, kind, args, status, reason)
        VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id, user_id) DO NOTHING
        """,
        rows,
    )


async def due(conn: Connection, messenger: str, limit: int) -> list[asyncpg.Record]:
    """Pending notifications of one platform whose time has come, oldest event first, with
    where and in which language to send them."""
    return await conn.fetch(
        """
        SELECT n.event_id, n.user_id, n.kind, n.args, n.attempts, n.created_at, now() AS now,
               c.chat_id, c.language, c.reachable, c.external_id
          FROM notifications n
          JOIN users u ON u.id = n.user_id
          JOIN bot_chats c ON c.messenger = u.messenger AND c.external_id = u.external_id
         WHERE n.status = 'pending' AND n.next_attempt_at <= now() AND c.messenger = $1
         ORDER BY n.event_id, n.user_id
         LIMIT $2
        """,
        messenger,
        limit,
    )


async def start_sending(conn: Connection, event_id: int, user_id: int) -> bool:
    """pending → sending; False when another notifier took it (each row is sent by one)."""
    taken = await fetch_optional(
        conn,
        bool,
        """
        UPDATE notifications SET status = 'sending', attempts = attempts + 1
         WHERE event_id = $1 AND user_id = $2 AND status = 'pending' RETURNING true
        """,
        event_id,
        user_id,
    )
    return taken is not None


async def finish(
    conn: Connection, event_id: int, user_id: int, status: str, reason: str | None
) -> None:
    await conn.execute(
        """
        UPDATE notifications
           SET status = $3, reason = $4,
               sent_at = CASE WHEN $3 = 'sent' THEN now() END
         WHERE event_id = $1 AND user_id = $2
        """,
        event_id,
        user_id,
        status,
        reason,
    )


async def retry_later(
    conn: Connection, event_id: int, user_id: int, seconds: float, reason: str
) -> None:
    await conn.execute(
        """
        UPDATE notifications
           SET status = 'pending', reason = $4,
               next_attempt_at = now() + make_interval(secs => $3)
         WHERE event_id = $1 AND user_id = $2
        """,
        event_id,
        user_id,
        seconds,
        reason,
    )


async def skip_pending_of(conn: Connection, user_id: int, reason: str) -> None:
    """The user blocked the bot: what waits for them is not sent later either."""
    await conn.execute(
        """
        UPDATE notifications SET status = 'skipped', reason = $2
         WHERE user_id = $1 AND status = 'pending'
        """,
        user_id,
        reason,
    )


async def interrupted(conn: Connection) -> int:
    """After taking over: rows a dead notifier was sending. The platform may have taken them
    (its answer never came back), so they are not sent again (README: at most once there)."""
    status = await conn.execute(
        """
        UPDATE notifications SET status = 'failed', reason = 'interrupted while sending'
         WHERE status = 'sending'
        """
    )
    return int(status.split()[-1])


async def disabled_kinds(conn: Connection, user_id: int) -> list[str]:
    kinds = await fetch_optional(
        conn,
        list,
        "SELECT disabled_kinds FROM notification_settings WHERE user_id = $1",
        user_id,
    )
    return [str(k) for k in kinds or []]


async def set_disabled_kinds(conn: Connection, user_id: int, kinds: Sequence[str]) -> None:
    await conn.execute(
        """
        INSERT INTO notification_settings (user_id, disabled_kinds) VALUES ($1, $2)
        ON CONFLICT (user_id) DO UPDATE SET disabled_kinds = EXCLUDED.disabled_kinds
        """,
        user_id,
        sorted(set(kinds)),
    )


async def user_reachable(conn: Connection, user_id: int) -> bool:
    """The bot can write to this user: they started it in their messenger and did not stop it."""
    return await fetch_value(
        conn,
        bool,
        """
        SELECT EXISTS (SELECT 1 FROM users u
                         JOIN bot_chats c
                           ON c.messenger = u.messenger AND c.external_id = u.external_id
                        WHERE u.id = $1 AND c.reachable)
        """,
        user_id,
    )


async def delete_finished_before(conn: Connection, seconds: float) -> int:
    """Sent, failed and skipped notifications older than this (pending ones are kept)."""
    status = await conn.execute(
        """
        DELETE FROM notifications
         WHERE status IN ('sent', 'failed', 'skipped')
           AND created_at < now() - make_interval(secs => $1)
        """,
        seconds,
    )
    return int(status.split()[-1])
