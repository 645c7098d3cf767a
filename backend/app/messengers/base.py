"""What every messenger adapter offers, and the errors its callers branch on."""

from dataclasses import dataclass
from typing import Literal, Protocol

Messenger = Literal["max", "telegram"]


@dataclass(frozen=True)
class Outgoing:
    """One bot message: text and one button that opens the mini-app at `start_param`."""

    chat_id: int
    text: str
    button: str
    start_param: str | None = None


class DeliveryError(Exception):
    """The platform did not take the message; `reason` is logged (never the message text)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RetryLater(DeliveryError):
    """429: the platform names when to try again (`retry_after` seconds)."""

    def __init__(self, reason: str, retry_after: float) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Transient(DeliveryError):
    """5xx, timeouts, refused connections: try again with backoff."""


class Unreachable(DeliveryError):
    """403: the user stopped or blocked the bot. Nothing more is sent until /start."""


class Rejected(DeliveryError):
    """400 and other answers a retry would not change: given up with the reason logged."""


class BotClient(Protocol):
    @property
    def messenger(self) -> Messenger: ...

    async def send(self, message: Outgoing) -> None: ...

    async def register(
        self, webhook_url: str, secret: str, commands: dict[str, str], menu: str
    ) -> None:
        """Webhook, the /start command's description per language ({"ru": …, "en": …}) and
        the menu button's label (python -m app.cli bot set-webhook)."""
        ...

    async def close(self) -> None: ...


@dataclass(frozen=True)
class BotUpdate:
    """What the bot does with a webhook update, platform aside: `start` (/start, bot_started:
    reachable again, greet) or `stopped` (the user stopped or blocked the bot)."""

    messenger: Messenger
    key: str  # the same for every redelivery of one update
    action: Literal["start", "stopped", "ignored"]
    external_id: int = 0
    chat_id: int = 0
    language_code: str | None = None
    start_param: str | None = None
