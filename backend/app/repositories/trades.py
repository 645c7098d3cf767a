"""SQL for trades and their items."""

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from app.core.db import Connection, fetch_value
from app.repositories.expiry import past_due, shown_status
from app.repositories.visibility import visible_sql

_VIEW = f"""
SELECT t.id, t.proposer_id, t.recipient_id, t.message, t.failure_reason, t.expires_at,
       t.created_at, t.updated_at, t.accepted_by, t.token_hash,
       {shown_status("t")} AS status,
       pu.display_name AS proposer_name, pu.avatar_url AS proposer_avatar,
       ru.display_name AS recipient_name, ru.avatar_url AS recipient_avatar,
       au.display_name AS accepted_name, au.avatar_url AS accepted_avatar
  FROM trades t
  JOIN users pu ON pu.id = t.proposer_id
  LEFT JOIN users ru ON ru.id = t.recipient_id
  LEFT JOIN users au ON au.id = t.accepted_by
"""


async def view(conn: Connection, trade_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(f"{_VIEW} WHERE t.id = $1", trade_id)


async def find_by_token(conn: Connection, token_hash: bytes) -> asyncpg.Record | None:
    return await conn.fetchrow(f"{_VIEW} WHERE t.token_hash = $1", token_hash)


async def list_for(
    conn: Connection, user_id: int, role: str, status: str | None, limit: int = 100
) -> list[asyncpg.Record]:
    # Incoming: addressed to me, or an open trade I accepted.
    who = (
        "t.proposer_id = $1"
        if role == "outgoing"
        else "(t.recipient_id = $1 OR t.accepted_by = $1)"
    )
    sql = f"SELECT * FROM ({_VIEW} WHERE {who}) v"
    args: list[object] = [user_id]
    if status is not None:
        args.append(status)
        sql += " WHERE v.status = $2"
    args.append(limit)
    sql += f" ORDER BY v.id DESC LIMIT ${len(args)}"
    return await conn.fetch(sql, *args)


async def items(
    conn: Connection, trade_ids: list[int], viewer_id: int | None = None
) -> list[asyncpg.Record]:
    """The trades' items; `visible`: whether `viewer_id` may see the item (the one rule)."""
    return await conn.fetch(
        f"""
        SELECT i.trade_id, i.side, i.owner_id AS owner_at_proposal, a.id, a.title, a.owner_id,
               a.mint_number,
               img.thumb_key, img.placeholder, img.dominant_color,
               coalesce(img.thumb_2x_key, img.preview_key) AS thumb_2x_key,
               ou.display_name AS owner_name, ou.avatar_url AS owner_avatar,
               {visible_sql("$2", "ou")} AS visible
          FROM trade_items i
          JOIN art_objects a ON a.id = i.art_object_id
          JOIN users ou ON ou.id = a.owner_id
          JOIN images img ON img.id = a.image_id
         WHERE i.trade_id = ANY($1::bigint[])
         ORDER BY i.trade_id, i.side, a.id
        """,
        trade_ids,
        viewer_id,
    )


async def insert(
    conn: Connection,
    proposer_id: int,
    recipient_id: int | None,
    message: str,
    token_hash: bytes | None,
    expires_at: datetime,
) -> int:
    return await fetch_value(
        conn,
        int,
        """
        INSERT INTO trades (proposer_id, recipient_id, message, token_hash, expires_at)
        VALUES ($1, $2, $3, $4, $5) RETURNING id
        """,
        proposer_id,
        recipient_id,
        message,
        token_hash,
        expires_at,
    )


async def insert_items(
    conn: Connection, trade_id: int, side: str, ids: list[int], owner_id: int
) -> None:
    await conn.executemany(
        "INSERT INTO trade_items (trade_id, art_object_id, side, owner_id) VALUES ($1, $2, $3, $4)",
        [(trade_id, object_id, side, owner_id) for object_id in ids],
    )


async def lock(conn: Connection, trade_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"""
        SELECT id, proposer_id, recipient_id, status, token_hash, {past_due("t")} AS expired
          FROM trades t WHERE id = $1 FOR UPDATE
        """,
        trade_id,
    )


async def set_status(
    conn: Connection,
    trade_id: int,
    status: str,
    accepted_by: int | None = None,
    failure_reason: str | None = None,
) -> None:
    await conn.execute(
        """
        UPDATE trades SET status = $2, accepted_by = coalesce($3, accepted_by),
                          failure_reason = coalesce($4, failure_reason), updated_at = now()
         WHERE id = $1
        """,
        trade_id,
        status,
        accepted_by,
        failure_reason,
    )


async def lock_pending_with_object(conn: Connection, art_object_id: int) -> list[asyncpg.Record]:
    """Pending trades that include the object, row-locked in id order (callers hold the
    object's lock first: the same object-then-trade order accept uses)."""
    return await conn.fetch(
        """
        SELECT t.id, t.proposer_id, t.recipient_id
          FROM trades t
         WHERE t.status = 'pending'
           AND EXISTS (SELECT 1 FROM trade_items i
                        WHERE i.trade_id = t.id AND i.art_object_id = $1)
         ORDER BY t.id
           FOR UPDATE OF t
        """,
        art_object_id,
    )


# What trade_accept() (database.sql) raises, writing nothing; the service maps each to its
# ErrorCode. Any other error from it is a bug and stays one.
ACCEPT_NOT_FOUND = "TR001"
ACCEPT_ADDRESSED_TO_OTHER = "TR002"
ACCEPT_OWN_TRADE = "TR003"
ACCEPT_NOT_PENDING = "TR004"  # DETAIL: the stored status
ACCEPT_NOT_OWNER_OF_REQUESTED = "TR005"
_ACCEPT_REFUSALS = {
    ACCEPT_NOT_FOUND,
    ACCEPT_ADDRESSED_TO_OTHER,
    ACCEPT_OWN_TRADE,
    ACCEPT_NOT_PENDING,
    ACCEPT_NOT_OWNER_OF_REQUESTED,
}


class AcceptRefused(Exception):
    """trade_accept() refused (one of the ACCEPT_* SQLSTATEs); nothing was written."""

    def __init__(self, sqlstate: str, detail: str | None) -> None:
        super().__init__(sqlstate)
        self.sqlstate, self.detail = sqlstate, detail


@dataclass(frozen=True)
class Accepted:
    """What trade_accept() did, committed: `outcome` 'accepted' (`trade`: the trade.updated
    payload as the accepter sees it), 'failed' (with `failure_reason`) or 'expired'."""

    outcome: str
    failure_reason: str | None
    trade: dict[str, object] | None


async def accept(
    conn: Connection, trade_id: int, user_id: int, token_hash: bytes | None
) -> Accepted:
    """The whole accept in one statement: one round trip, and its own transaction (call it
    outside one: a failure it records is committed with the 409 that reports it)."""
    try:
        row = await conn.fetchrow(
            "SELECT outcome, failure_reason, trade FROM trade_accept($1, $2, $3)",
            trade_id,
            user_id,
            token_hash,
        )
    except asyncpg.PostgresError as error:
        sqlstate = getattr(error, "sqlstate", None)
        if sqlstate in _ACCEPT_REFUSALS:
            raise AcceptRefused(sqlstate, getattr(error, "detail", None)) from None
        raise
    if row is None:
        raise RuntimeError("trade_accept() returned no row")
    return Accepted(row["outcome"], row["failure_reason"], row["trade"])
