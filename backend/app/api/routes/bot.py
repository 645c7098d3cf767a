"""Webhooks of the bot: `POST /api/bot/telegram` and `POST /api/bot/max`.

Each checks its platform's secret header in constant time (a wrong or missing one is refused
with 401 and logged without the body), answers 200 at once and handles the update after
(services/bot.py: once per update, whatever the redeliveries). Not in the OpenAPI document: the
callers are the platforms, not the web app.
"""

import asyncio
import hmac
import json
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.core.errors import AppError, ErrorCode
from app.messengers.base import Messenger
from app.services import bot as bot_service

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
SECRET_HEADERS: dict[Messenger, str] = {
    "telegram": "X-Telegram-Bot-Api-Secret-Token",
    "max": "X-Max-Bot-Api-Secret",
}
MAX_UPDATE_BYTES = 256 * 1024
OK = JSONResponse({"ok": True})


@router.post("/api/bot/telegram")
async def telegram_webhook(request: Request) -> JSONResponse:
    return await _webhook(request, "telegram")


@router.post("/api/bot/max")
async def max_webhook(request: Request) -> JSONResponse:
    return await _webhook(request, "max")


async def _webhook(request: Request, messenger: Messenger) -> JSONResponse:
    settings = request.app.state.settings
    expected = (
        settings.telegram_webhook_secret if messenger == "telegram" else settings.max_webhook_secret
    )
    given = request.headers.get(SECRET_HEADERS[messenger], "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        client = request.client.host if request.client else "?"
        log.warning("bot webhook %s refused: wrong or missing secret (from %s)", messenger, client)
        raise AppError(ErrorCode.webhook_secret_invalid)
    body = await request.body()
    try:
        if len(body) > MAX_UPDATE_BYTES:
            raise ValueError("too large")
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("not an object")
        update = bot_service.parse(messenger, data)
    except ValueError as exc:  # includes pydantic's ValidationError and JSON errors
        log.warning("bot webhook %s: unreadable update (%s)", messenger, type(exc).__name__)
        raise AppError(ErrorCode.bad_request) from exc
    bot = request.app.state.bot
    task = asyncio.create_task(
        bot_service.handle(request.app.state.pool, bot.clients.get(messenger), update)
    )
    bot.tasks.add(task)
    task.add_done_callback(bot.done)
    return OK
