"""Trades: N offered objects (proposer's) for M requested objects (one counterparty's).

Accept is one statement, so one transaction (trade_accept() in database.sql): lock every item in
id order (no deadlocks between opposite trades), then the trade row, re-check owners, move
everything or nothing. A trade whose items changed hands meanwhile becomes `failed` (committed)
and the caller gets 409.
"""

from datetime import UTC, datetime, timedelta

import asyncpg

from app.core import security, wakeup
from app.core.config import Settings
from app.core.db import Connection, present
from app.core.errors import AppError, ErrorCode
from app.repositories import photos, trades, users
from app.schemas.links import ClientHost
from app.schemas.trades import Trade, TradeCreate
from app.services import stories
from app.services.deep_links import all_links, pick
from app.services.publish import publish
from app.services.shapes import Users, from_record, photo_summary

_PARTIES: Users = {
    "proposer": ("proposer_id", "proposer"),
    "recipient": ("recipient_id", "recipient"),
    "accepted_by": ("accepted_by", "accepted"),
}


def _to_trade(
    row: asyncpg.Record,
    items: list[asyncpg.Record],
    viewer_id: int | None,
    token: str | None = None,
    link: str | None = None,
) -> Trade:
    mine = [i for i in items if i["trade_id"] == row["id"]]
    requested = [i for i in mine if i["side"] == "requested"]
    reason = cannot_accept_reason(row, requested, viewer_id)
    shown = [i for i in mine if _shown(row, i)]
    return from_record(
        Trade,
        row,
        users=_PARTIES,
        offered=[photo_summary(i) for i in shown if i["side"] == "offered"],
        requested=[photo_summary(i) for i in shown if i["side"] == "requested"],
        token=token,
        deep_link=link,
        viewer_can_accept=reason is None,
        cannot_accept_reason=reason.value if reason else None,
    )


def _shown(row: asyncpg.Record, item: asyncpg.Record) -> bool:
    """Whether the viewer sees this item: by the one visibility rule (`visible`, computed for
    the viewer), or because it is the proposer's own offer (proposing is showing it)."""
    offered_by_proposer = item["side"] == "offered" and item["owner_id"] == row["proposer_id"]
    return offered_by_proposer or bool(item["visible"])


def cannot_accept_reason(
    row: asyncpg.Record, requested: list[asyncpg.Record], viewer_id: int | None
) -> ErrorCode | None:
    """Why this viewer can't accept the trade now, from the same facts accept() checks (current
    owners included), so the screen offers Accept only when it would go through."""
    if viewer_id is None:
        return ErrorCode.not_authenticated
    if row["status"] != "pending":
        return ErrorCode.trade_not_pending
    if viewer_id == row["proposer_id"]:
        return ErrorCode.own_trade
    if row["recipient_id"] is not None and row["recipient_id"] != viewer_id:
        return ErrorCode.trade_addressed_to_other
    if any(item["owner_id"] != viewer_id for item in requested):
        return ErrorCode.not_owner_of_requested
    return None


async def _load(conn: Connection, trade_id: int, viewer_id: int | None) -> Trade:
    """A trade known to exist (trades are never deleted)."""
    row = present(await trades.view(conn, trade_id))
    return _to_trade(row, await trades.items(conn, [trade_id], viewer_id), viewer_id)


def _parties(proposer_id: int, *others: int | None) -> list[int]:
    return sorted({proposer_id, *(o for o in others if o is not None)})


async def announce(conn: Connection, trade_id: int) -> None:
    """`trade.updated` with the whole trade as it now is, to its proposer, recipient and
    acceptor (a status change made without a viewer: failure, expiry)."""
    trade = await _load(conn, trade_id, None)
    parties = _parties(
        trade.proposer.id,
        trade.recipient.id if trade.recipient else None,
        trade.accepted_by.id if trade.accepted_by else None,
    )
    await publish(conn, "trade.updated", trade, parties)


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
            raise AppError(ErrorCode.recipient_not_found)
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


def _may_see(row: asyncpg.Record, user_id: int, token: str | None) -> bool:
    if user_id in (row["proposer_id"], row["recipient_id"], row["accepted_by"]):
        return True
    return token is not None and row["token_hash"] == security.digest(token)


async def get(pool: asyncpg.Pool, user_id: int, trade_id: int, token: str | None = None) -> Trade:
    async with pool.acquire() as conn:
        row = await trades.view(conn, trade_id)
        if row is None or not _may_see(row, user_id, token):
            raise AppError(ErrorCode.trade_not_found)
        return await _with_stories(
            conn, _to_trade(row, await trades.items(conn, [trade_id], user_id), user_id), user_id
        )


async def get_by_token(pool: asyncpg.Pool, viewer_id: int | None, token: str) -> Trade:
    """The trade a link or QR holds, as this viewer sees it (signed out too: the token is the
    permission to look), with whether they can accept it and why not."""
    async with pool.acquire() as conn:
        row = await trades.find_by_token(conn, security.digest(token))
        if row is None:
            raise AppError(ErrorCode.trade_not_found)
        trade = _to_trade(row, await trades.items(conn, [row["id"]], viewer_id), viewer_id)
        return await _with_stories(conn, trade, viewer_id)


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
        rows = await trades.list_for(conn, user_id, role, status)
        items = await trades.items(conn, [r["id"] for r in rows], user_id)
    return [_to_trade(r, items, user_id) for r in rows]


# --- an item goes away ---------------------------------------------------------------------

DELETED_REASON = "an art object in it was deleted"


async def fail_pending_with_object(conn: Connection, art_object_id: int, reason: str) -> None:
    """Every pending trade that includes the object becomes `failed` with `reason`, announced to
    its parties. The caller holds the object's row lock, in its own transaction."""
    for trade in await trades.lock_pending_with_object(conn, art_object_id):
        await trades.set_status(conn, trade["id"], "failed", failure_reason=reason)
        await announce(conn, trade["id"])


# --- accept / decline / cancel ------------------------------------------------------------


# Why trade_accept() refused (its SQLSTATE, TR001-TR005) → the code the caller is told. Not
# owning what is requested is not stale: the same code as the screen's cannot_accept_reason.
_REFUSALS: dict[str, ErrorCode] = {
    trades.ACCEPT_NOT_FOUND: ErrorCode.trade_not_found,
    trades.ACCEPT_ADDRESSED_TO_OTHER: ErrorCode.trade_addressed_to_other,
    trades.ACCEPT_OWN_TRADE: ErrorCode.own_trade,
    trades.ACCEPT_NOT_OWNER_OF_REQUESTED: ErrorCode.not_owner_of_requested,
}


async def accept(pool: asyncpg.Pool, user_id: int, trade_id: int, token: str | None) -> Trade:
    """One statement (trade_accept() in database.sql): it locks every item in id order, then
    the trade, re-checks, and moves everything (provenance, claim codes, events, status) or
    records why not. A stale trade is stored `failed` in that same transaction, committed,
    and the caller gets 409 (one whose item's committed owner already differs is failed on a
    first look, without the item locks); an expired one is stored `expired`, and 410."""
    token_hash = security.digest(token) if token else None
    async with pool.acquire() as conn:
        try:
            done = await trades.accept(conn, trade_id, user_id, token_hash)
            wakeup.poke()  # committed; its events were written in SQL (core/wakeup.py)
        except trades.AcceptRefused as refused:
            if refused.sqlstate == trades.ACCEPT_NOT_PENDING:
                status = refused.detail
                raise AppError(ErrorCode.trade_not_pending, status=status) from None
            raise AppError(_REFUSALS[refused.sqlstate]) from None
    if done.outcome == "failed":
        reason = done.failure_reason
        raise AppError(ErrorCode.trade_items_changed, failure_reason=reason)
    if done.outcome == "expired":
        raise AppError(ErrorCode.trade_expired)
    if done.trade is None:
        raise RuntimeError("trade_accept() accepted without returning the trade")
    # The accepter's own view is the event's payload (built for them) plus the per-viewer
    # verdict, which for an accepted trade is always "not pending".
    return Trade.model_validate(
        {
            **done.trade,
            "viewer_can_accept": False,
            "cannot_accept_reason": ErrorCode.trade_not_pending.value,
        }
    )


async def _mark(conn: Connection, trade_id: int, status: str, reason: str | None = None) -> None:
    async with conn.transaction():
        trade = present(await trades.lock(conn, trade_id))
        if trade["status"] != "pending":
            return
        await trades.set_status(conn, trade_id, status, failure_reason=reason)
        await announce(conn, trade_id)


async def decline(pool: asyncpg.Pool, user_id: int, trade_id: int) -> Trade:
    return await _close(pool, user_id, trade_id, "declined", actor="recipient_id")


async def cancel(pool: asyncpg.Pool, user_id: int, trade_id: int) -> Trade:
    return await _close(pool, user_id, trade_id, "cancelled", actor="proposer_id")


async def _close(pool: asyncpg.Pool, user_id: int, trade_id: int, status: str, actor: str) -> Trade:
    async with pool.acquire() as conn:
        expired = False
        async with conn.transaction():
            trade = await trades.lock(conn, trade_id)
            if trade is None or user_id not in (trade["proposer_id"], trade["recipient_id"]):
                raise AppError(ErrorCode.trade_not_found)
            if trade[actor] != user_id:
                verb = "decline" if status == "declined" else "cancel"
                party = actor.removesuffix("_id")
                raise AppError(ErrorCode.trade_wrong_party, party=party, action=verb)
            if trade["status"] != "pending":
                raise AppError(ErrorCode.trade_not_pending, status=trade["status"])
            if trade["expired"]:
                expired = True
            else:
                await trades.set_status(conn, trade_id, status)
                result = await _load(conn, trade_id, user_id)
                parties = _parties(trade["proposer_id"], trade["recipient_id"])
                await publish(conn, "trade.updated", result, parties)
                return result
        if expired:
            await _mark(conn, trade_id, "expired")
    raise AppError(ErrorCode.trade_expired)


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
        row = await trades.view(conn, trade_id)
    if row is None or row["token_hash"] != security.digest(token) or row["proposer_id"] != user_id:
        raise AppError(ErrorCode.trade_not_found)
    return pick(all_links(settings, "trade", token), host)
