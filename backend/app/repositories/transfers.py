"""SQL for transfers and claim codes."""

from datetime import datetime

import asyncpg

from app.core.db import Connection, fetch_optional, fetch_value
from app.repositories.expiry import past_due, shown_status


def _view(viewer: str | None) -> str:
    """A transfer's payload (`data`: transfer_view_json, the Transfer's one shape) with the facts
    the services decide by. `viewer` (an SQL parameter): the object is in `data` only when they
    may see it as it is now (collection_visible on its current owner, who may be neither party
    by now and private: issue 19, N5); None: always (an event's payload, for its parties)."""
    data = (
        "transfer_view_json(t.id, NULL, false)"
        if viewer is None
        else f"transfer_view_json(t.id, {viewer}, true)"
    )
    return f"""
SELECT t.id, t.art_object_id, t.from_user_id, t.to_user_id, {shown_status("t")} AS status,
       a.owner_id, {data} AS data
  FROM transfers t
  JOIN art_objects a ON a.id = t.art_object_id
"""


async def view(
    conn: Connection, transfer_id: int, viewer_id: int | None = None, *, for_viewer: bool = False
) -> asyncpg.Record | None:
    """The transfer; with `for_viewer`, its object is checked for `viewer_id` (None:
    anonymous), else it is shown (the payload of an event to the transfer's parties)."""
    if not for_viewer:
        return await conn.fetchrow(f"{_view(None)} WHERE t.id = $1", transfer_id)
    return await conn.fetchrow(f"{_view('$2::bigint')} WHERE t.id = $1", transfer_id, viewer_id)


async def list_for(
    conn: Connection, user_id: int, role: str, limit: int = 100
) -> list[asyncpg.Record]:
    column = "t.from_user_id" if role == "sent" else "t.to_user_id"
    return await conn.fetch(
        f"{_view('$1::bigint')} WHERE {column} = $1 ORDER BY t.id DESC LIMIT $2", user_id, limit
    )


async def insert_completed(
    conn: Connection, art_object_id: int, from_user_id: int, to_user_id: int, note: str = ""
) -> int:
    return await fetch_value(
        conn,
        int,
        """
        INSERT INTO transfers (art_object_id, from_user_id, to_user_id, status, completed_at, note)
        VALUES ($1, $2, $3, 'completed', now(), $4) RETURNING id
        """,
        art_object_id,
        from_user_id,
        to_user_id,
        note,
    )


async def insert_claim(
    conn: Connection,
    art_object_id: int,
    from_user_id: int,
    token_hash: bytes,
    expires_at: datetime,
    note: str = "",
) -> int:
    return await fetch_value(
        conn,
        int,
        """
        INSERT INTO transfers (art_object_id, from_user_id, status, claim_token_hash, expires_at,
                               note)
        VALUES ($1, $2, 'pending', $3, $4, $5) RETURNING id
        """,
        art_object_id,
        from_user_id,
        token_hash,
        expires_at,
        note,
    )


async def find_by_token(conn: Connection, token_hash: bytes) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT id, art_object_id FROM transfers WHERE claim_token_hash = $1", token_hash
    )


async def lock(conn: Connection, transfer_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"""
        SELECT id, art_object_id, from_user_id, to_user_id, status, claim_token_hash,
               expires_at, {past_due("t")} AS expired, completed_at, returned_at, note
          FROM transfers t WHERE id = $1 FOR UPDATE
        """,
        transfer_id,
    )


async def complete(conn: Connection, transfer_id: int, to_user_id: int) -> None:
    await conn.execute(
        """
        UPDATE transfers SET status = 'completed', to_user_id = $2, completed_at = now()
         WHERE id = $1
        """,
        transfer_id,
        to_user_id,
    )


async def art_object_of(conn: Connection, transfer_id: int) -> int | None:
    return await fetch_optional(
        conn, int, "SELECT art_object_id FROM transfers WHERE id = $1", transfer_id
    )


async def art_object_given_by(conn: Connection, transfer_id: int, giver_id: int) -> int | None:
    """The object of a transfer this user gave; None when there is none (or it is another's)."""
    return await fetch_optional(
        conn,
        int,
        "SELECT art_object_id FROM transfers WHERE id = $1 AND from_user_id = $2",
        transfer_id,
        giver_id,
    )


async def mark_returned(conn: Connection, transfer_id: int) -> None:
    await conn.execute("UPDATE transfers SET returned_at = now() WHERE id = $1", transfer_id)


async def set_note_hidden(
    conn: Connection, transfer_id: int, recipient_id: int, hidden: bool
) -> bool:
    """Only the recipient hides or shows a note; False when this is not theirs."""
    done = await conn.fetchval(
        """
        UPDATE transfers SET note_hidden = $3
         WHERE id = $1 AND to_user_id = $2 AND status = 'completed' RETURNING id
        """,
        transfer_id,
        recipient_id,
        hidden,
    )
    return done is not None


async def set_status(conn: Connection, transfer_id: int, status: str) -> None:
    await conn.execute("UPDATE transfers SET status = $2 WHERE id = $1", transfer_id, status)


async def pending_claim_of(
    conn: Connection, art_object_id: int, from_user_id: int
) -> asyncpg.Record | None:
    """The giver's live claim code for this object (at most one is pending)."""
    return await conn.fetchrow(
        f"""
        SELECT id, art_object_id, from_user_id, claim_token_hash, expires_at
          FROM transfers t
         WHERE art_object_id = $1 AND from_user_id = $2 AND status = 'pending'
           AND claim_token_hash IS NOT NULL AND NOT {past_due("t")}
         ORDER BY id DESC LIMIT 1
        """,
        art_object_id,
        from_user_id,
    )


async def replaced_by_later_code(conn: Connection, transfer_id: int) -> bool:
    """Whether the giver made a newer claim code for the same object after this one."""
    return await fetch_value(
        conn,
        bool,
        """
        SELECT EXISTS (
          SELECT 1 FROM transfers later JOIN transfers t ON t.id = $1
           WHERE later.art_object_id = t.art_object_id AND later.from_user_id = t.from_user_id
             AND later.id > t.id AND later.claim_token_hash IS NOT NULL)
        """,
        transfer_id,
    )


async def cancel_pending_for_object(conn: Connection, art_object_id: int) -> int:
    """The object's live claim code dies (claim_codes_cancel: stored `cancelled`, or `expired`
    when its time was already up, its giver told); how many (0 or 1)."""
    return await fetch_value(conn, int, "SELECT claim_codes_cancel($1)", art_object_id)
