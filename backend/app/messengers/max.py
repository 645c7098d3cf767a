"""MAX Bot API: a small typed httpx client of our own.

Why not the community `maxapi` package (read at love-apples/maxapi, connection/base.py): it is a
bot framework (dispatcher, aiohttp, aiofiles, backoff, puremagic) whose `request()` retries 5xx
by itself with its own backoff — hidden waits inside the notifier's own rate and retry rules —
and its errors carry no Retry-After. We need four calls: send a message, and register the
webhook subscription (`/subscriptions`). What it taught us is kept: the base URL is a setting
(`MAX_BOT_API_URL`, default `https://platform-api.max.ru`), the token goes in the
`Authorization` header as is (no "Bearer", never in the URL), and the platform's certificate
chains to the Russian Trusted Root CA, which is not in certifi: `MAX_BOT_API_CA_FILE` names a
PEM bundle that includes it (empty = the system's default store).
"""

import hashlib
import json
from typing import Any, Literal

import httpx
from pydantic import BaseModel, Field

from app.messengers.base import BotUpdate, Outgoing, Rejected, RetryLater, Transient, Unreachable

DEFAULT_RETRY_AFTER = 1.0


class MaxUser(BaseModel):
    user_id: int
    name: str | None = None
    first_name: str | None = None
    username: str | None = None


class MaxBody(BaseModel):
    mid: str | None = None
    text: str | None = None


class MaxRecipient(BaseModel):
    chat_id: int | None = None
    chat_type: str | None = None
    user_id: int | None = None


class MaxMessage(BaseModel):
    sender: MaxUser | None = None
    recipient: MaxRecipient | None = None
    body: MaxBody | None = None


class MaxUpdate(BaseModel):
    """The webhook update fields the bot uses (other update types are acknowledged, unread)."""

    update_type: str
    timestamp: int
    user: MaxUser | None = None
    chat_id: int | None = None
    payload: str | None = None
    user_locale: str | None = None
    message: MaxMessage | None = None


def open_app_button(text: str, bot_name: str, start_param: str | None) -> dict[str, Any]:
    button: dict[str, Any] = {"type": "open_app", "text": text, "web_app": bot_name}
    if start_param:
        button["payload"] = start_param
    return button


def keyboard(text: str, bot_name: str, start_param: str | None) -> list[dict[str, Any]]:
    buttons = [[open_app_button(text, bot_name, start_param)]]
    return [{"type": "inline_keyboard", "payload": {"buttons": buttons}}]


class _Subscription(BaseModel):
    url: str
    update_types: list[str] = Field(default_factory=list)
    secret: str


class MaxClient:
    messenger: Literal["max"] = "max"

    def __init__(
        self, token: str, api_url: str, bot_name: str, ca_file: str = "", timeout: float = 10.0
    ) -> None:
        self.bot_name = bot_name
        self.http = httpx.AsyncClient(
            base_url=api_url.rstrip("/"),
            headers={"Authorization": token},
            timeout=timeout,
            verify=ca_file or True,
            limits=httpx.Limits(max_connections=16),
        )

    async def send(self, message: Outgoing) -> None:
        body = {
            "text": message.text,
            "attachments": keyboard(message.button, self.bot_name, message.start_param),
        }
        await self._call("POST", "/messages", params={"user_id": message.chat_id}, json=body)

    async def register(
        self, webhook_url: str, secret: str, commands: dict[str, str], menu: str
    ) -> None:
        """MAX has no per-bot command list or menu button over the API: the subscription only
        (the mini-app button is set in the partner platform's bot settings)."""
        subscription = _Subscription(
            url=webhook_url,
            update_types=["bot_started", "bot_stopped", "message_created"],
            secret=secret,
        )
        await self._call("POST", "/subscriptions", json=subscription.model_dump())

    async def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = await self.http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:  # timeouts, refused and cut connections
            raise Transient(f"max: {type(exc).__name__}") from exc
        if response.is_success:
            answer: dict[str, Any] = response.json()
            return answer
        reason = f"max {response.status_code}: {_error_text(response)}"
        if response.status_code == 429:
            raise RetryLater(reason, _retry_after(response))
        if response.status_code >= 500:
            raise Transient(reason)
        if response.status_code == 403:
            raise Unreachable(reason)
        raise Rejected(reason)

    async def close(self) -> None:
        await self.http.aclose()


def _error_text(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.reason_phrase
    if isinstance(data, dict):
        return f"{data.get('code', '')} {data.get('message', '')}".strip()[:200]
    return response.reason_phrase


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(float(response.headers.get("Retry-After", DEFAULT_RETRY_AFTER)), 0.0)
    except ValueError:
        return DEFAULT_RETRY_AFTER


def parse_update(data: dict[str, Any]) -> BotUpdate:
    """A webhook body (MAX's Update) → what the bot does with it. MAX updates carry no id, and
    the platform retries (up to 10 times) with the same body: the key is the body's digest."""
    key = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    update = MaxUpdate.model_validate(data)
    user = update.user
    if update.update_type == "bot_started" and user:
        return BotUpdate(
            "max", key, "start", user.user_id, user.user_id, update.user_locale, update.payload
        )
    if update.update_type == "bot_stopped" and user:
        return BotUpdate("max", key, "stopped", user.user_id, user.user_id)
    message = update.message
    if (
        update.update_type == "message_created"
        and message
        and message.sender
        and message.body
        and message.body.text
        and message.recipient
        and message.recipient.chat_type == "dialog"
    ):
        command, _, rest = message.body.text.partition(" ")
        if command == "/start":
            sender = message.sender.user_id
            return BotUpdate(
                "max", key, "start", sender, sender, update.user_locale, rest.strip() or None
            )
    return BotUpdate("max", key, "ignored")
