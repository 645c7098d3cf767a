"""SQL for trades: its rules and payloads are SQL functions (post-apply.functions.sql: who may
see and accept, staleness, the Trade JSON, accept, decline/cancel); this module calls them."""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from app.core.db import Connection, fetch_optional, fetch_value
from app.repositories.expiry import shown_status

# What refuse() raises in SQL: nothing was written; the message is the ErrorCode's value and the
# detail the JSON of its fields.
REFUSED = "GR001"


class Refused(Exception):
    """A trade function refused (SQLSTATE GR001), writing nothing."""

    def __init__(self, code: str, fields: dict[str, Any]) -> None:
        super().__init__(code)
        self.code, self.fields = code, fields


def _refused(error: asyncpg.PostgresError) -> Refused | None:
    # Not covered: other database errors (deadlock, lost connection) pass through.
    if getattr(error, "sqlstate", None) != REFUSED:  # pragma: no cover
        return None
    detail = getattr(error, "detail", None)
    return Refused(str(getattr(error, "message", error)), json.loads(detail) if detail else {})


async def read(
    conn: Connection, trade_id: int, viewer_id: int | None, token_hash: bytes | None = None
) -> dict[str, Any] | None:
    """The trade as this viewer reads it (trade_json); None when there is none or they may not
    see it (neither a party nor holding its token)."""
    return await fetch_optional(
        conn, dict, "SELECT trade_json($1, $2, $3)", trade_id, viewer_id, token_hash
    )


async def read_by_token(
    conn: Connection, token_hash: bytes, viewer_id: int | None
) -> dict[str, Any] | None:
    """The open trade this token opens, as this viewer reads it (the token lets them see it)."""
    return await fetch_optional(
        conn,
        dict,
        "SELECT trade_json(t.id, $2, t.token_hash) FROM trades t WHERE t.token_hash = $1",
        token_hash,
        viewer_id,
    )


async def list_for(
    conn: Connection, user_id: int, role: str, status: str | None, limit: int = 100
) -> list[dict[str, Any]]:
    # Incoming: addressed to me, or an open trade I accepted.
    who = (
        "t.proposer_id = $1"
        if role == "outgoing"
        else "(t.recipient_id = $1 OR t.accepted_by = $1)"
    )
    args: list[object] = [user_id]
    where = who
    if status is not None:
        args.append(status)
        where += f" AND {shown_status('t')} = $2"
    args.append(limit)
    rows = await conn.fetch(
        f"""
        SELECT trade_json(t.id, $1, NULL) AS trade FROM trades t
         WHERE {where} ORDER BY t.id DESC LIMIT ${len(args)}
        """,
        *args,
    )
    return [row["trade"] for row in rows]


async def link_facts(conn: Connection, trade_id: int) -> asyncpg.Record | None:
    """Who proposed it and its token's digest: enough to hand its proposer the link again."""
    return await conn.fetchrow("SELECT proposer_id, token_hash FROM trades WHERE id = $1", trade_id)


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


async def announce(conn: Connection, trade_id: int) -> None:
    """`trade.updated` to its parties, the trade as anyone sees it (trade_announce)."""
    await conn.execute("SELECT trade_announce($1)", trade_id)


async def fail_with_object(conn: Connection, art_object_id: int) -> int:
    """Every pending trade with this object (being deleted) fails, announced; how many. The
    caller holds the object's row lock."""
    return await fetch_value(conn, int, "SELECT trades_fail_with_object($1)", art_object_id)


@dataclass(frozen=True)
class Outcome:
    """What trade_accept() or trade_close() did, committed: `outcome` is the new status
    ('accepted', 'declined', 'cancelled'; `trade`: as the one who acted reads it), 'failed'
    (with `failure_reason`) or 'expired'."""

    outcome: str
    failure_reason: str | None
    trade: dict[str, Any] | None


async def _outcome(conn: Connection, query: str, *args: object) -> Outcome:
    """One statement, so one round trip and its own transaction (call it outside one: a failure
    or expiry it records is committed with the 409 or 410 that reports it)."""
    try:
        row = await conn.fetchrow(query, *args)
    except asyncpg.PostgresError as error:
        refused = _refused(error)
        if refused is not None:
            raise refused from None
        # Not covered: the same other database errors.
        raise  # pragma: no cover
    if row is None:
        # Not covered: a bug guard: the trade functions always return a row.
        raise RuntimeError(f"no row from {query!r}")  # pragma: no cover
    return Outcome(row["outcome"], row.get("failure_reason"), row["trade"])


async def accept(
    conn: Connection, trade_id: int, user_id: int, token_hash: bytes | None
) -> Outcome:
    return await _outcome(
        conn,
        "SELECT outcome, failure_reason, trade FROM trade_accept($1, $2, $3)",
        trade_id,
        user_id,
        token_hash,
    )


async def close(conn: Connection, trade_id: int, user_id: int, status: str) -> Outcome:
    """Decline ('declined', its recipient) or cancel ('cancelled', its proposer)."""
    return await _outcome(
        conn, "SELECT outcome, trade FROM trade_close($1, $2, $3)", trade_id, user_id, status
    )
