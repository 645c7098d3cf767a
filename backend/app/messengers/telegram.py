"""Telegram through python-telegram-bot: its typed objects, keyboards and error classes.

Why not aiogram 3 (the issue's first suggestion): its newest release pins pydantic<2.14 and the
app pins 2.14. python-telegram-bot needs only httpx, sets its base URL (`TELEGRAM_BOT_API_URL`:
a self-hosted Bot API server, or the tests' fake one) and maps every answer to a typed error.
The bot writes only in private chats, where the chat id is the user's id.
"""

import uuid
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal
from urllib.parse import quote

from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    MenuButtonWebApp,
    Update,
    WebAppInfo,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from app.messengers.base import (
    BotUpdate,
    Outgoing,
    Rejected,
    RetryLater,
    Transient,
    Unreachable,
)

# Parallel requests one process makes (the notifier's per-bot limit is far below this).
POOL_SIZE = 16


def app_url(public_url: str, start_param: str | None) -> str:
    """The web_app button's URL: the app's own origin routes on ?startapp= (services/deep_links)."""
    base = public_url.rstrip("/") + "/"
    return f"{base}?startapp={quote(start_param)}" if start_param else base


class TelegramClient:
    messenger: Literal["telegram"] = "telegram"

    def __init__(self, token: str, api_url: str, public_url: str, timeout: float = 10.0) -> None:
        request = HTTPXRequest(
            connection_pool_size=POOL_SIZE,
            read_timeout=timeout,
            write_timeout=timeout,
            connect_timeout=timeout,
            pool_timeout=timeout,
        )
        self.bot = Bot(
            token,
            base_url=f"{api_url.rstrip('/')}/bot",
            base_file_url=f"{api_url.rstrip('/')}/file/bot",
            request=request,
        )
        self.public_url = public_url

    def keyboard(self, button: str, start_param: str | None) -> InlineKeyboardMarkup:
        web_app = WebAppInfo(url=app_url(self.public_url, start_param))
        return InlineKeyboardMarkup([[InlineKeyboardButton(button, web_app=web_app)]])

    async def send(self, message: Outgoing) -> None:
        async with _platform_errors():
            await self.bot.send_message(
                chat_id=message.chat_id,
                text=message.text,
                reply_markup=self.keyboard(message.button, message.start_param),
            )

    async def prepare_share(self, user_id: int, link: str, text: str, button: str) -> str:
        """savePreparedInlineMessage: a card (text, link, a button opening the link) the web app
        hands to `Telegram.WebApp.shareMessage(id)`; returns the prepared message's id."""
        result = InlineQueryResultArticle(
            id=uuid.uuid4().hex,
            title=text[:64],
            input_message_content=InputTextMessageContent(f"{text}\n{link}"),
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(button, url=link)]]),
        )
        async with _platform_errors():
            prepared = await self.bot.save_prepared_inline_message(
                user_id=user_id,
                result=result,
                allow_user_chats=True,
                allow_group_chats=True,
                allow_channel_chats=True,
            )
        return str(prepared.id)

    async def register(
        self, webhook_url: str, secret: str, commands: dict[str, str], menu: str
    ) -> None:
        await self.bot.set_webhook(
            url=webhook_url,
            secret_token=secret,
            allowed_updates=["message", "my_chat_member"],
        )
        for language, description in commands.items():
            await self.bot.set_my_commands(
                [BotCommand("start", description)], language_code=language
            )
        # Without a language: what clients in any other language see (Russian first).
        await self.bot.set_my_commands([BotCommand("start", commands["ru"])])
        web_app = WebAppInfo(url=app_url(self.public_url, None))
        await self.bot.set_chat_menu_button(menu_button=MenuButtonWebApp(menu, web_app))

    async def close(self) -> None:
        await self.bot.shutdown()


@asynccontextmanager
async def _platform_errors() -> AsyncIterator[None]:
    """Every Telegram answer that is not a success → the adapters' errors (messengers/base)."""
    try:
        yield
    except RetryAfter as exc:
        with warnings.catch_warnings():  # int today, a timedelta in a later major version
            warnings.simplefilter("ignore")
            retry = exc.retry_after
        seconds = retry if isinstance(retry, int | float) else retry.total_seconds()
        raise RetryLater(f"telegram 429: {exc.message}", float(seconds)) from exc
    except Forbidden as exc:
        raise Unreachable(f"telegram 403: {exc.message}") from exc
    except BadRequest as exc:
        raise Rejected(f"telegram 400: {exc.message}") from exc
    except NetworkError as exc:  # 5xx, timeouts, refused connections
        raise Transient(f"telegram: {exc.message}") from exc
    except TelegramError as exc:  # anything else it knows (401 token, 409 …)
        raise Rejected(f"telegram: {exc.message}") from exc


def parse_update(data: dict[str, Any]) -> BotUpdate:
    """A webhook body (Telegram's Update) → what the bot does with it."""
    update = Update.de_json(data, None)
    key = str(update.update_id)
    message = update.message
    if message and message.text and message.from_user and message.chat.type == "private":
        command, _, rest = message.text.partition(" ")
        if command.split("@")[0] == "/start":
            return BotUpdate(
                "telegram",
                key,
                "start",
                message.from_user.id,
                message.chat.id,
                message.from_user.language_code,
                rest.strip() or None,
            )
    member = update.my_chat_member
    if member and member.chat.type == "private" and member.new_chat_member.status == "kicked":
        return BotUpdate("telegram", key, "stopped", member.from_user.id, member.chat.id)
    return BotUpdate("telegram", key, "ignored")
