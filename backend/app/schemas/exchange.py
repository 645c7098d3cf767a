"""Transfer, trade and profile-request shapes."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.schemas.ids import Id
from app.schemas.links import DeepLinks
from app.schemas.photos import PhotoSummary, Story
from app.schemas.users import UserSummary

MAX_TRADE_ITEMS = 20
TradeStatus = Literal["pending", "accepted", "declined", "cancelled", "expired", "failed"]
TransferStatus = Literal["pending", "completed", "cancelled", "expired"]
# Also members of ErrorCode (core/errors.py), so the web app translates them like errors.
CannotAcceptReason = Literal[
    "not_owner_of_requested",
    "own_trade",
    "trade_not_pending",
    "not_authenticated",
    "trade_addressed_to_other",
]


class TransferCreate(BaseModel):
    photo_id: Id
    to_user_id: Id | None = Field(default=None, description="omit for a claim code (QR / link)")
    note: str = Field(
        default="",
        description="the giver's note, at most 280 characters (422 `note_too_long`)",
    )


class ClaimIn(BaseModel):
    token: str = Field(min_length=8, max_length=128)


CancelReason = Literal["replaced", "changed_hands", "withdrawn"]


class ClaimPreview(BaseModel):
    """What a claim code gives, before claiming: enough to show the photo, the giver and the
    state, so a used, expired or cancelled code or one's own is shown as such."""

    transfer_id: int
    status: TransferStatus
    photo: PhotoSummary | None = Field(
        description="only while the code is pending (a used code shows nothing of the object)"
    )
    giver: UserSummary
    expires_at: datetime | None
    is_giver: bool = Field(description="the viewer made this code (show it, don't claim it)")
    claimed_by: UserSummary | None = Field(
        description="who took it, once completed: shown to the giver and the claimer only"
    )
    note: str = Field(default="", description="the giver's note to whoever claims it")
    story: Story | None = Field(default=None, description="number, author, owners so far")
    cancel_reason: CancelReason | None = Field(
        default=None,
        description="for a cancelled code: a newer code replaced it, the object changed hands, "
        "or the giver withdrew it",
    )


class Transfer(BaseModel):
    id: int
    photo: PhotoSummary | None = Field(
        description="the object as it is now; null when its current owner's collection is "
        "private to the viewer (it changed hands since)"
    )
    from_user: UserSummary
    to_user: UserSummary | None
    status: TransferStatus
    claim_token: str | None = Field(default=None, description="only in the sender's create reply")
    deep_link: str | None = Field(default=None, description="in the form of the client's host")
    deep_links: DeepLinks | None = Field(default=None, description="the same link in every form")
    expires_at: datetime | None
    created_at: datetime
    completed_at: datetime | None
    returned_at: datetime | None = Field(
        default=None, description="a direct gift its recipient sent back (POST .../return)"
    )
    note: str = Field(default="", description="the giver's note (only its two parties see this)")
    note_hidden: bool = Field(default=False, description="the recipient hid the note from others")


class TransferList(BaseModel):
    items: list[Transfer]


class TradeCreate(BaseModel):
    offered_photo_ids: list[Id] = Field(min_length=1, max_length=MAX_TRADE_ITEMS)
    requested_photo_ids: list[Id] = Field(min_length=1, max_length=MAX_TRADE_ITEMS)
    recipient_id: Id | None = Field(default=None, description="omit for an open trade (QR)")
    message: str = Field(default="", max_length=1000)


class TradeAccept(BaseModel):
    token: str | None = Field(default=None, max_length=128)


class TradeTokenIn(BaseModel):
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


class ProfileRequestCreate(BaseModel):
    user_id: Id
    message: str = Field(default="", max_length=500)


class ProfileRequest(BaseModel):
    id: int
    requester: UserSummary
    target: UserSummary
    status: Literal["pending", "accepted", "declined", "withdrawn"] = Field(
        description="withdrawn: only in the event of a deleted request"
    )
    message: str
    created_at: datetime
    updated_at: datetime


class ProfileRequestList(BaseModel):
    items: list[ProfileRequest]
