"""The bot's front door: webhook updates, greetings, reachability, and which clients exist.

Each update is handled once: its key goes into `bot_updates` (ON CONFLICT DO NOTHING) in the
same transaction as what it changes, so a redelivery (MAX retries up to 10 times, Telegram
until it gets a 200) finds the key taken and does nothing. The greeting is sent after that
commit; a greeting that fails is logged, not retried (the user can send /start again).
"""

import asyncio
import logging
import re

import asyncpg

from app.core.config import Settings
from app.core.errors import AppError, ErrorCode
from app.messengers import max as max_api
from app.messengers import telegram as telegram_api
from app.messengers.base import BotClient, BotUpdate, DeliveryError, Messenger, Outgoing
from app.repositories import bot as bot_sql
from app.repositories import users
from app.schemas.links import PreparedShare, ShareCreate
from app.services.deep_links import own_link_prefixes
from app.services.notifications import LANGUAGES, language_of, text

log = logging.getLogger(__name__)
# The start parameter's alphabet on both platforms (services/deep_links.py).
START_PARAM = re.compile(r"^[A-Za-z0-9_-]{1,512}$")


def make_clients(settings: Settings) -> list[BotClient]:
    """A client per messenger whose bot token is set."""
    clients: list[BotClient] = []
    if settings.telegram_bot_token:
        clients.append(
            telegram_api.TelegramClient(
                settings.telegram_bot_token, settings.telegram_bot_api_url, settings.public_url
            )
        )
    if settings.max_bot_token:
        clients.append(
            max_api.MaxClient(
                settings.max_bot_token,
                settings.max_bot_api_url,
                max_bot_name(settings),
                settings.max_bot_api_ca_file,
            )
        )
    return clients


def max_bot_name(settings: Settings) -> str:
    """The open_app button names the bot whose mini-app it opens: MAX_MINIAPP_LINK's last part
    (https://max.ru/<bot>)."""
    return settings.max_miniapp_link.rstrip("/").rpartition("/")[2]


def parse(messenger: Messenger, data: dict[str, object]) -> BotUpdate:
    parser = telegram_api.parse_update if messenger == "telegram" else max_api.parse_update
    return parser(data)


async def handle(pool: asyncpg.Pool, client: BotClient | None, update: BotUpdate) -> None:
    """Apply one update (once, whatever the redeliveries), then greet on a start."""
    if update.action == "ignored":
        return
    language = language_of(update.language_code)
    async with pool.acquire() as conn, conn.transaction():
        if not await bot_sql.claim_update(conn, update.messenger, update.key):
            log.info("bot update %s/%s seen before", update.messenger, update.key[:16])
            return
        if update.action == "start":
            await bot_sql.chat_started(
                conn, update.messenger, update.external_id, update.chat_id, language
            )
        else:
            await bot_sql.set_unreachable(conn, update.messenger, update.external_id)
    if update.action == "start" and client is not None:
        await greet(client, update, language)


async def greet(client: BotClient, update: BotUpdate, language: str) -> None:
    start = (
        update.start_param if update.start_param and START_PARAM.match(update.start_param) else None
    )
    message = Outgoing(update.chat_id, text(language, "greeting"), text(language, "open"), start)
    try:
        await client.send(message)
    # Not covered: a greeting the platform refuses is logged (the notifier's retries are tested).
    except DeliveryError as exc:  # pragma: no cover
        log.warning("greeting to %s failed: %s", update.messenger, exc.reason)


async def register_webhooks(settings: Settings) -> list[str]:
    """python -m app.cli bot set-webhook: each configured bot gets its webhook URL (under
    PUBLIC_URL), secret, commands and menu button. Returns the URLs registered."""
    done = []
    for client in make_clients(settings):
        secret = (
            settings.telegram_webhook_secret
            if client.messenger == "telegram"
            else settings.max_webhook_secret
        )
        if not secret:
            raise RuntimeError(f"{client.messenger.upper()}_WEBHOOK_SECRET is not set")
        url = f"{settings.public_url.rstrip('/')}/api/bot/{client.messenger}"
        try:
            commands = {lang: text(lang, "command") for lang in LANGUAGES}
            await client.register(url, secret, commands, text("ru", "menu"))
        finally:
            await client.close()
        done.append(url)
    return done


class BotRuntime:
    """One process's bot: its clients and the webhook work still running after its 200."""

    def __init__(self, clients: list[BotClient]) -> None:
        self.clients: dict[str, BotClient] = {c.messenger: c for c in clients}
        self.tasks: set[asyncio.Task[None]] = set()

    def done(self, task: "asyncio.Task[None]") -> None:
        self.tasks.discard(task)
        # Not covered: a handler that raises is a bug: logged, not lost.
        if not task.cancelled() and task.exception() is not None:  # pragma: no cover
            log.error("bot update failed", exc_info=task.exception())

    async def close(self) -> None:
        # Not covered: updates still running at shutdown: none in tests, which wait for each update.
        for task in list(self.tasks):  # pragma: no cover
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        for client in self.clients.values():
            await client.close()


async def prepare_share(
    pool: asyncpg.Pool,
    runtime: BotRuntime,
    settings: Settings,
    user_id: int,
    share: ShareCreate,
) -> PreparedShare:
    """A rich card for Telegram's shareMessage: only this app's own links, only for a Telegram
    user (the prepared message belongs to them), only when the Telegram bot is configured."""
    if not share.link.startswith(own_link_prefixes(settings)):
        raise AppError(ErrorCode.foreign_link)
    async with pool.acquire() as conn:
        user = await users.get_by_id(conn, user_id)
    client = runtime.clients.get("telegram")
    if (
        user is None
        or user["messenger"] != "telegram"
        or not isinstance(client, telegram_api.TelegramClient)
    ):
        raise AppError(ErrorCode.share_unavailable)
    button = text(share.language, "open")
    try:
        prepared = await client.prepare_share(user["external_id"], share.link, share.text, button)
    except DeliveryError as exc:
        log.warning("prepared share failed: %s", exc.reason)
        raise AppError(ErrorCode.share_failed) from exc
    return PreparedShare(id=prepared)
