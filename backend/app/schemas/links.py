"""Where the client runs, and the deep links made for each host."""

from typing import Literal

from pydantic import BaseModel, Field

# Sent by the web app as the `X-Client-Host` header (see api/deps.py).
ClientHost = Literal["max", "telegram", "web"]


class DeepLinks(BaseModel):
    """The same start parameter in every form: the desktop's sign-in QR offers both messengers."""

    max: str | None = Field(description="MAX_MINIAPP_LINK?startapp=…; null when not configured")
    telegram: str | None = Field(
        description="TELEGRAM_MINIAPP_LINK?startapp=…; null when not configured"
    )
    web: str = Field(description="PUBLIC_URL/?startapp=…: the web app routes on it")


class ShareCreate(BaseModel):
    link: str = Field(min_length=1, max_length=512, description="one of this app's own links")
    text: str = Field(min_length=1, max_length=200, description="the card's text, above the link")
    language: Literal["ru", "en"] = Field(default="ru", description="of the card's button")


class PreparedShare(BaseModel):
    """Telegram: hand `id` to `Telegram.WebApp.shareMessage(id)` (Bot API 8.0+)."""

    id: str
