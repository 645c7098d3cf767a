"""Trades: propose, list, look up by QR token, accept / decline / cancel."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Response

from app.api.deps import (
    ClientHostDep,
    OptionalUserId,
    PoolDep,
    SettingsDep,
    UserId,
)
from app.api.rate_limits import limit
from app.api.responses import errors
from app.api.routes.qr import add_link_qr_route
from app.schemas.ids import PathId
from app.schemas.trades import Trade, TradeAccept, TradeCreate, TradeList, TradeLookup, TradeStatus
from app.services import trades

router = APIRouter(prefix="/api/trades", tags=["trades"])
Token = Annotated[str, Path(min_length=8, max_length=128)]


@router.post(
    "",
    status_code=201,
    responses=errors(401, 403, 404, 422, 429),
    dependencies=[Depends(limit("trade_create", per="user"))],
)
async def propose_trade(
    body: TradeCreate,
    pool: PoolDep,
    settings: SettingsDep,
    user_id: UserId,
    host: ClientHostDep,
) -> Trade:
    return await trades.propose(pool, settings, user_id, body, host)


@router.get("", responses=errors(401, 422))
async def list_trades(
    pool: PoolDep,
    user_id: UserId,
    role: Literal["incoming", "outgoing"] = "incoming",
    status: TradeStatus | None = None,
) -> TradeList:
    return TradeList(items=await trades.list_trades(pool, user_id, role, status))


@router.post("/by-token", responses=errors(401, 404, 422))
async def trade_by_token_in_body(
    body: TradeLookup, pool: PoolDep, viewer_id: OptionalUserId, response: Response
) -> Trade:
    """The trade behind a link, for this viewer (`viewer_can_accept`, `cannot_accept_reason`);
    signed out too. The token goes in the body: a URL lands in access logs (issue 19, N8), so
    there is no GET form."""
    response.headers["Cache-Control"] = "no-store"
    return await trades.get_by_token(pool, viewer_id, body.token)


@router.get("/{trade_id}", responses=errors(401, 404, 422))
async def get_trade(trade_id: PathId, pool: PoolDep, user_id: UserId) -> Trade:
    return await trades.get(pool, user_id, trade_id)


@router.post(
    "/{trade_id}/accept",
    responses=errors(401, 403, 404, 409, 410, 422),
    dependencies=[Depends(limit("event_write", per="user"))],
)
async def accept_trade(
    trade_id: PathId, pool: PoolDep, user_id: UserId, body: TradeAccept | None = None
) -> Trade:
    return await trades.accept(pool, user_id, trade_id, body.token if body else None)


@router.post(
    "/{trade_id}/decline",
    responses=errors(401, 403, 404, 409, 410, 422),
    dependencies=[Depends(limit("event_write", per="user"))],
)
async def decline_trade(trade_id: PathId, pool: PoolDep, user_id: UserId) -> Trade:
    return await trades.decline(pool, user_id, trade_id)


@router.post(
    "/{trade_id}/cancel",
    responses=errors(401, 403, 404, 409, 410, 422),
    dependencies=[Depends(limit("event_write", per="user"))],
)
async def cancel_trade(trade_id: PathId, pool: PoolDep, user_id: UserId) -> Trade:
    return await trades.cancel(pool, user_id, trade_id)


add_link_qr_route(router, "trade_id", trades.trade_link_for, "trade_qr")
