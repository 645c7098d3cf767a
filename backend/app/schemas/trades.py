"""Trade shapes: N offered photos for M requested ones, and who may accept."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.schemas.ids import Id
from app.schemas.links import DeepLinks
from app.schemas.photos import PhotoSummary, Story
from app.schemas.users import UserSummary

MAX_TRADE_ITEMS = 20
TradeStatus = Literal["pending", "accepted", "declined", "cancelled", "expired", "failed"]
# Also members of ErrorCode (core/errors.py), so the web app translates them like errors.
CannotAcceptReason = Literal[
    "not_owner_of_requested",
    "own_trade",
    "trade_not_pending",
    "not_authenticated",
    "trade_addressed_to_other",
]


class TradeCreate(BaseModel):
    offered_photo_ids: list[Id] = Field(min_length=1, max_length=MAX_TRADE_ITEMS)
    requested_photo_ids: list[Id] = Field(min_length=1, max_length=MAX_TRADE_ITEMS)
    recipient_id: Id | None = Field(default=None, description="omit for an open trade (QR)")
    message: str = Field(default="", max_length=1000)


class TradeAccept(BaseModel):
    token: str | None = Field(default=None, max_length=128)


class TradeLookup(BaseModel):
    token: str = Field(min_length=8, max_length=128)


class TradeInfo(BaseModel):
    """A trade as its parties share it: the `trade.created`/`trade.updated` event payload."""

    id: int
    proposer: UserSummary
    recipient: UserSummary | None
    status: TradeStatus
    message: str
    offered: list[PhotoSummary]
    requested: list[PhotoSummary]
    token: str | None = Field(default=None, description="open trades: only in the create reply")
    deep_link: str | None = Field(default=None, description="in the form of the client's host")
    deep_links: DeepLinks | None = Field(default=None, description="the same link in every form")
    failure_reason: str | None = None
    accepted_by: UserSummary | None = Field(default=None, description="who accepted it")
    expires_at: datetime
    created_at: datetime
    updated_at: datetime


class Trade(TradeInfo):
    stories: list[Story] = Field(
        default_factory=list,
        description="the story of each offered object (number, author, owners) for its parties",
    )
    viewer_can_accept: bool = Field(
        default=False,
        description="the signed-in viewer may accept it now (owns every requested item)",
    )
    cannot_accept_reason: CannotAcceptReason | None = Field(
        default=None, description="why not, when viewer_can_accept is false"
    )


class TradeList(BaseModel):
    items: list[Trade]
