"""Trades: N offered objects (proposer's) for M requested objects (one counterparty's).

Who may see and accept a trade, when it is stale, its JSON and the accept, decline and cancel
themselves are SQL functions (backend/migrations/post-apply.functions.sql; README
"Architecture"): an accept must be one statement, so its rules live there, and the reads here
call the same functions instead of keeping a copy. Accept, decline and cancel are each one
statement in one style: lock, check, store, announce, and return the trade or why not.
"""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from app.core import security, wakeup
from app.core.config import Settings
from app.core.db import Connection
from app.core.errors import AppError, ErrorCode
from app.repositories import photos, trades, users
from app.schemas.links import ClientHost
from app.schemas.trades import Trade, TradeCreate
from app.services import stories
from app.services.deep_links import all_links, pick
from app.services.publish import publish


def _trade(data: dict[str, Any] | None) -> Trade:
    """The Trade of trade_json() for a trade known to exist and be the viewer's to see."""
    if data is None:
        # Not covered: a bug guard: called only for a trade just locked or written.
        raise RuntimeError("trade_json() returned no trade")  # pragma: no cover
    return Trade.model_validate(data)


async def _load(conn: Connection, trade_id: int, viewer_id: int) -> Trade:
    """A trade known to exist, for one of its parties (trades are never deleted)."""
    return _trade(await trades.read(conn, trade_id, viewer_id))


def _parties(proposer_id: int, *others: int | None) -> list[int]:
    return sorted({proposer_id, *(o for o in others if o is not None)})


async def announce(conn: Connection, trade_id: int) -> None:
    """`trade.updated` with the whole trade as it now is, to its proposer, recipient and
    acceptor (a status change made without a viewer: expiry)."""
    await trades.announce(conn, trade_id)
    wakeup.poke()  # its event was written in SQL, not through publish()


# --- propose ------------------------------------------------------------------------------


def _validate_ids(body: TradeCreate) -> None:
    offered, requested = body.offered_photo_ids, body.requested_photo_ids
    if len(set(offered)) != len(offered) or len(set(requested)) != len(requested):
        raise AppError(ErrorCode.trade_duplicate_item)
    if set(offered) & set(requested):
        raise AppError(ErrorCode.trade_item_on_both_sides)


async def propose(
    pool: asyncpg.Pool,
    settings: Settings,
    user_id: int,
    body: TradeCreate,
    host: ClientHost | None = None,
) -> Trade:
    _validate_ids(body)
    if body.recipient_id == user_id:
        raise AppError(ErrorCode.trade_with_self)
    async with pool.acquire() as conn, conn.transaction():
        ids = body.offered_photo_ids + body.requested_photo_ids
        # Objects this user may not see are treated exactly like missing ones: same code, same
        # text, no ids named (else sequential ids would reveal private collections).
        owner_of = await photos.visible_owners(conn, user_id, ids)
        if any(i not in owner_of for i in ids):
            raise AppError(ErrorCode.photo_not_found)
        if any(owner_of[i] != user_id for i in body.offered_photo_ids):
            raise AppError(ErrorCode.not_owner)
        counterparties = {owner_of[i] for i in body.requested_photo_ids}
        if len(counterparties) != 1:
            raise AppError(ErrorCode.trade_mixed_owners)
        counterparty = counterparties.pop()
        if counterparty == user_id:
            raise AppError(ErrorCode.trade_already_owned)
        if body.recipient_id is not None and body.recipient_id != counterparty:
            raise AppError(ErrorCode.trade_recipient_mismatch)
        if body.recipient_id is not None and await users.get_by_id(conn, body.recipient_id) is None:
            # Not covered: the owner was read joined to users in this transaction.
            raise AppError(ErrorCode.recipient_not_found)  # pragma: no cover
        token = security.new_secret(24) if body.recipient_id is None else None
        expires_at = datetime.now(UTC) + timedelta(seconds=settings.trade_ttl)
        # The trade_items foreign keys lock these objects; in id order, like an accept does.
        await photos.share_keys(conn, ids)
        trade_id = await trades.insert(
            conn,
            user_id,
            body.recipient_id,
            body.message.strip(),
            security.digest(token) if token else None,
            expires_at,
        )
        await trades.insert_items(conn, trade_id, "offered", body.offered_photo_ids, user_id)
        await trades.insert_items(
            conn, trade_id, "requested", body.requested_photo_ids, counterparty
        )
        trade = await _load(conn, trade_id, user_id)
        await publish(conn, "trade.created", trade, _parties(user_id, counterparty))
    if token:
        trade.token, trade.deep_links = token, all_links(settings, "trade", token)
        trade.deep_link = pick(trade.deep_links, host)
    return trade


# --- read ---------------------------------------------------------------------------------


async def get(pool: asyncpg.Pool, user_id: int, trade_id: int, token: str | None = None) -> Trade:
    async with pool.acquire() as conn:
        data = await trades.read(conn, trade_id, user_id, security.digest(token) if token else None)
        if data is None:
            raise AppError(ErrorCode.trade_not_found)
        return await _with_stories(conn, _trade(data), user_id)


async def get_by_token(pool: asyncpg.Pool, viewer_id: int | None, token: str) -> Trade:
    """The trade a link or QR holds, as this viewer sees it (signed out too: the token is the
    permission to look), with whether they can accept it and why not."""
    async with pool.acquire() as conn:
        data = await trades.read_by_token(conn, security.digest(token), viewer_id)
        if data is None:
            raise AppError(ErrorCode.trade_not_found)
        return await _with_stories(conn, _trade(data), viewer_id)


async def _with_stories(conn: Connection, trade: Trade, viewer_id: int | None) -> Trade:
    """A pending trade with the story of each offered object it shows: what the viewer would
    get, told before they decide (a settled trade's objects have their own detail screens)."""
    if trade.status != "pending":
        return trade
    told = await stories.stories(conn, viewer_id, [p.id for p in trade.offered])
    trade.stories = [told[p.id] for p in trade.offered if p.id in told]
    return trade


async def list_trades(
    pool: asyncpg.Pool, user_id: int, role: str, status: str | None
) -> list[Trade]:
    async with pool.acquire() as conn:
        found = await trades.list_for(conn, user_id, role, status)
    return [_trade(data) for data in found]


# --- an item goes away ---------------------------------------------------------------------


async def fail_pending_with_object(conn: Connection, art_object_id: int) -> None:
    """Every pending trade that includes the object (being deleted) becomes `failed`, announced
    to its parties. The caller holds the object's row lock, in its own transaction."""
    if await trades.fail_with_object(conn, art_object_id):
        wakeup.poke()  # its events were written in SQL


# --- accept / decline / cancel ------------------------------------------------------------


async def accept(pool: asyncpg.Pool, user_id: int, trade_id: int, token: str | None) -> Trade:
    """One statement (trade_accept()): it locks every item in id order, then the trade,
    re-checks, and moves everything (provenance, claim codes, events, status) or records why
    not. A stale trade is stored `failed` in that same transaction, committed, and the caller
    gets 409 (one whose item's committed owner already differs is failed on a first look,
    without the item locks); an expired one is stored `expired`, and 410."""
    token_hash = security.digest(token) if token else None
    return await _act(pool, trades.accept, trade_id, user_id, token_hash)


async def decline(pool: asyncpg.Pool, user_id: int, trade_id: int) -> Trade:
    return await _act(pool, trades.close, trade_id, user_id, "declined")


async def cancel(pool: asyncpg.Pool, user_id: int, trade_id: int) -> Trade:
    return await _act(pool, trades.close, trade_id, user_id, "cancelled")


async def _act(
    pool: asyncpg.Pool, statement: Callable[..., Awaitable[trades.Outcome]], *args: object
) -> Trade:
    """Run one of the trade's statements; its refusal, failure or expiry as the AppError."""
    async with pool.acquire() as conn:
        try:
            done = await statement(conn, *args)
        except trades.Refused as refused:
            raise AppError(ErrorCode(refused.code), **refused.fields) from None
        wakeup.poke()  # committed; its events were written in SQL (core/wakeup.py)
    if done.outcome == "failed":
        raise AppError(ErrorCode.trade_items_changed, failure_reason=done.failure_reason)
    if done.outcome == "expired":
        raise AppError(ErrorCode.trade_expired)
    return _trade(done.trade)


async def trade_link_for(
    pool: asyncpg.Pool,
    settings: Settings,
    user_id: int,
    trade_id: int,
    token: str,
    host: ClientHost | None = None,
) -> str:
    """Deep link for an open trade's QR, after checking the token is this trade's."""
    async with pool.acquire() as conn:
        row = await trades.link_facts(conn, trade_id)
    if row is None or row["token_hash"] != security.digest(token) or row["proposer_id"] != user_id:
        raise AppError(ErrorCode.trade_not_found)
    return pick(all_links(settings, "trade", token), host)
