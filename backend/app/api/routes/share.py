"""Sharing through the bot: a rich card instead of a bare link where the host supports it."""

from fastapi import APIRouter, Depends, Request

from app.api.deps import PoolDep, SettingsDep, UserId
from app.api.rate_limits import limit
from app.api.responses import errors
from app.schemas.links import PreparedShare, ShareCreate
from app.services import bot

router = APIRouter(prefix="/api/share", tags=["share"])


@router.post(
    "/prepared",
    responses=errors(401, 409, 422, 429, 503),
    dependencies=[Depends(limit("share_prepare", per="user"))],
)
async def prepare_share(
    body: ShareCreate, request: Request, pool: PoolDep, settings: SettingsDep, user_id: UserId
) -> PreparedShare:
    """Telegram (Bot API 8.0+): the bot saves a prepared inline message (text, the link, a
    button opening it) for `Telegram.WebApp.shareMessage(id)`. Only this app's own links
    (422 `foreign_link`); 409 `share_unavailable` for a user not from Telegram or without a
    Telegram bot, 503 `share_failed` when Telegram refused: share the plain link then."""
    return await bot.prepare_share(pool, request.app.state.bot, settings, user_id, body)
