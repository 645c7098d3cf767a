"""Bot notification settings (GET/PUT /api/me/notifications)."""

from typing import Literal, get_args

from pydantic import BaseModel, Field

NotificationKind = Literal[
    "gift_received",
    "claim_claimed",
    "trade_offered",
    "trade_accepted",
    "trade_declined",
    "trade_failed",
    "profile_request",
    "profile_request_approved",
]
NOTIFICATION_KINDS: tuple[NotificationKind, ...] = get_args(NotificationKind)


class NotificationSettingsUpdate(BaseModel):
    disabled: list[NotificationKind] = Field(
        max_length=len(NOTIFICATION_KINDS), description="kinds switched off; the rest are on"
    )


class NotificationSettings(NotificationSettingsUpdate):
    kinds: list[NotificationKind] = Field(description="every kind, in the order to show them")
    bot_reachable: bool = Field(
        description="the bot can write to you (you started it in your messenger and did not "
        "block it); false: nothing is sent until you open the bot"
    )
