"""SQL for users."""

import asyncpg

from app.core.db import Connection, fetch_optional, fetch_value, present
from app.repositories.visibility import VISIBLE_TO_VIEWER

_COLUMNS = """id, messenger, external_id, username, password_hash, display_name, avatar_url,
    is_private, role, created_at"""


async def upsert_messenger_user(
    conn: Connection,
    messenger: str,
    external_id: int,
    display_name: str,
    avatar_url: str | None,
) -> asyncpg.Record:
    # The messenger profile is the source of truth for name and avatar at every sign-in.
    # `profile_changed`: an existing user's name or picture differs from what was stored (the
    # CTE reads the row as it was before this statement).
    return present(
        await conn.fetchrow(
            f"""
        WITH before AS (
            SELECT display_name, avatar_url FROM users
             WHERE messenger = $1 AND external_id = $2
        )
        INSERT INTO users (messenger, external_id, display_name, avatar_url)
        VALUES ($1, $2, $3, $4)
        ON CONFLICT (messenger, external_id) WHERE messenger IS NOT NULL
        DO UPDATE SET display_name = EXCLUDED.display_name,
                      avatar_url = EXCLUDED.avatar_url,
                      updated_at = now()
        RETURNING {_COLUMNS},
                  EXISTS (SELECT 1 FROM before
                           WHERE (before.display_name, before.avatar_url)
                                 IS DISTINCT FROM ($3::text, $4::text)) AS profile_changed
        """,
            messenger,
            external_id,
            display_name,
            avatar_url,
        )
    )


async def insert_password_user(
    conn: Connection, username: str, password_hash: str
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


async def is_blocked(conn: Connection, blocker_id: int, blocked_id: int) -> bool:
    return await fetch_value(
        conn,
        bool,
        "SELECT EXISTS (SELECT 1 FROM user_blocks WHERE blocker_id = $1 AND blocked_id = $2)",
        blocker_id,
        blocked_id,
    )


async def block(conn: Connection, blocker_id: int, blocked_id: int) -> None:
    await conn.execute(
        "INSERT INTO user_blocks (blocker_id, blocked_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        blocker_id,
        blocked_id,
    )


async def unblock(conn: Connection, blocker_id: int, blocked_id: int) -> None:
    await conn.execute(
        "DELETE FROM user_blocks WHERE blocker_id = $1 AND blocked_id = $2", blocker_id, blocked_id
    )


async def get_by_id(conn: Connection, user_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {_COLUMNS} FROM users WHERE id = $1", user_id)


async def get_by_username(conn: Connection, username: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM users WHERE lower(username) = lower($1)", username
    )


async def update_profile(
    conn: Connection, user_id: int, display_name: str | None, is_private: bool | None
) -> asyncpg.Record | None:
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
    conn: Connection, user_id: int, username: str, password_hash: str
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


async def parse_name_query(conn: Connection, prefix_terms: str) -> str | None:
    """Prefix terms ("'ann':* & 'pet':*") run through the same parser as the names, once; None
    when no lexeme is left (punctuation only), so the caller answers without a scan. Parsing
    apart from the search keeps it from being re-run per row under the forced generic plan."""
    return await fetch_optional(
        conn,
        str,
        """
        SELECT CASE WHEN numnode(q) > 0 THEN q::text END
          FROM (SELECT to_tsquery('simple', $1) AS q) parsed
        """,
        prefix_terms,
    )


async def search(
    conn: Connection, viewer_id: int, tsquery: str, prefix: str, limit: int
) -> list[asyncpg.Record]:
    """People whose display name's words start with every query word, or whose username is
    exactly the query (`prefix`, lower-cased). A username is a login name no response shows:
    matching its words would let anyone recover it word by word (issue 19, N6). The index
    (users_search_idx, over both) finds the candidates; the display-name test then keeps only
    those the shown name or the whole username explains.

    A name that starts with the whole query comes first, then alphabetical order.
    """
    return await conn.fetch(
        """
        SELECT id, display_name, avatar_url
          FROM users
         WHERE user_search_vector(display_name, username) @@ $2::tsquery
           AND (user_search_vector(display_name, NULL) @@ $2::tsquery
                OR lower(username) = $3)
           AND id <> $1
         ORDER BY starts_with(translate(lower(display_name), 'ё', '\u0435'), $3) DESC,
                  lower(display_name), id
         LIMIT $4
        """,
        viewer_id,
        tsquery,
        prefix,
        limit,
    )


async def recent_counterparts(conn: Connection, viewer_id: int, limit: int) -> list[asyncpg.Record]:
    """People the viewer gave to, received from or traded with, the newest exchange first.

    Each branch reads only its newest rows through its own (user, id DESC) index.
    """
    return await conn.fetch(
        """
        WITH exchanges (user_id, at) AS (
            (SELECT to_user_id, completed_at FROM transfers
              WHERE from_user_id = $1 AND to_user_id IS NOT NULL ORDER BY id DESC LIMIT $3)
            UNION ALL
            (SELECT from_user_id, coalesce(completed_at, created_at) FROM transfers
              WHERE to_user_id = $1 ORDER BY id DESC LIMIT $3)
            UNION ALL
            (SELECT coalesce(recipient_id, accepted_by), updated_at FROM trades
              WHERE proposer_id = $1 AND coalesce(recipient_id, accepted_by) IS NOT NULL
              ORDER BY id DESC LIMIT $3)
            UNION ALL
            (SELECT proposer_id, updated_at FROM trades
              WHERE recipient_id = $1 ORDER BY id DESC LIMIT $3)
            UNION ALL
            (SELECT proposer_id, updated_at FROM trades
              WHERE accepted_by = $1 ORDER BY id DESC LIMIT $3)
        )
        SELECT u.id, u.display_name, u.avatar_url
          FROM (SELECT user_id, max(at) AS at FROM exchanges
                 WHERE user_id <> $1 GROUP BY user_id) e
          JOIN users u ON u.id = e.user_id
         ORDER BY e.at DESC, u.id
         LIMIT $2
        """,
        viewer_id,
        limit,
        max(limit * 3, 50),
    )


async def get_for_viewer(
    conn: Connection, viewer_id: int | None, user_id: int
) -> asyncpg.Record | None:
    """A user as ``viewer_id`` sees them: public fields, the viewer's profile request status and
    whether the viewer may see the collection (the one rule, VISIBLE_TO_VIEWER)."""
    return await conn.fetchrow(
        f"""
        SELECT o.id, o.display_name, o.avatar_url, o.is_private,
               req.status AS profile_request_status,
               coalesce({VISIBLE_TO_VIEWER}, false) AS can_view_collection
          FROM users o
          LEFT JOIN profile_requests req ON req.requester_id = $1 AND req.target_id = o.id
         WHERE o.id = $2
        """,
        viewer_id,
        user_id,
    )
