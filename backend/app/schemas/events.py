"""WebSocket messages (`/api/ws`): one model per type, one payload shape per event type.

Events are stored (table `events`) and sent as `{"id", "type", "data", "ts"}`; `EVENT_DATA`
names the one payload model of each type, and services/publish.py refuses any other. The
OpenAPI document publishes `ServerMessage` (everything the server sends) and `ClientMessage`
(everything it accepts) as discriminated unions, so the web app's types are generated from
these models (api/openapi.py).
"""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from app.schemas.errors import ErrorDetail
from app.schemas.photos import ProvenanceReason, PublicPhoto
from app.schemas.profile_requests import ProfileRequest
from app.schemas.trades import TradeInfo
from app.schemas.transfers import Transfer
from app.schemas.users import UserSummary

# --- payloads that are not a REST shape ------------------------------------------------------


class PhotoDeleted(BaseModel):
    id: int


class OwnershipChanged(BaseModel):
    photo_id: int
    from_user_id: int | None
    to_user_id: int
    reason: ProvenanceReason
    trade_id: int | None
    transfer_id: int | None


class FavoritesChanged(BaseModel):
    """Someone favourited or unfavourited a photo (never who): its new count."""

    photo_id: int
    favorites_count: int


class QrApproved(BaseModel):
    request_id: str


class ShowcaseUpdated(BaseModel):
    """A profile's pinned objects changed (pinned, unpinned, reordered, or one left its owner
    by being hidden): viewers of that profile read its showcase again."""

    user_id: int
    photo_ids: list[int] = Field(description="the pinned objects in the owner's order")


EVENT_DATA: dict[str, type[BaseModel]] = {
    "photo.created": PublicPhoto,
    "photo.updated": PublicPhoto,
    "photo.deleted": PhotoDeleted,
    "ownership.changed": OwnershipChanged,
    "photo.favorites_changed": FavoritesChanged,
    "user.updated": UserSummary,
    "trade.created": TradeInfo,
    "trade.updated": TradeInfo,
    "transfer.updated": Transfer,
    "profile_request.updated": ProfileRequest,
    "auth.qr_approved": QrApproved,
    "showcase.updated": ShowcaseUpdated,
}
EventType = Literal[
    "photo.created",
    "photo.updated",
    "photo.deleted",
    "ownership.changed",
    "photo.favorites_changed",
    "user.updated",
    "trade.created",
    "trade.updated",
    "transfer.updated",
    "profile_request.updated",
    "auth.qr_approved",
    "showcase.updated",
]

# --- server → client ----------------------------------------------------------------------


class _Event(BaseModel):
    id: int = Field(description="event id: resume after the last one seen")
    ts: datetime


class PhotoCreatedEvent(_Event):
    type: Literal["photo.created"]
    data: PublicPhoto


class PhotoUpdatedEvent(_Event):
    type: Literal["photo.updated"]
    data: PublicPhoto


class PhotoDeletedEvent(_Event):
    type: Literal["photo.deleted"]
    data: PhotoDeleted


class OwnershipChangedEvent(_Event):
    type: Literal["ownership.changed"]
    data: OwnershipChanged


class FavoritesChangedEvent(_Event):
    type: Literal["photo.favorites_changed"]
    data: FavoritesChanged


class UserUpdatedEvent(_Event):
    """A person's name, picture or privacy changed (the payload is what everyone sees)."""

    type: Literal["user.updated"]
    data: UserSummary


class TradeCreatedEvent(_Event):
    type: Literal["trade.created"]
    data: TradeInfo


class TradeUpdatedEvent(_Event):
    type: Literal["trade.updated"]
    data: TradeInfo


class TransferUpdatedEvent(_Event):
    type: Literal["transfer.updated"]
    data: Transfer


class ProfileRequestUpdatedEvent(_Event):
    type: Literal["profile_request.updated"]
    data: ProfileRequest


class QrApprovedEvent(_Event):
    type: Literal["auth.qr_approved"]
    data: QrApproved


class ShowcaseUpdatedEvent(_Event):
    type: Literal["showcase.updated"]
    data: ShowcaseUpdated


class PingFrame(BaseModel):
    type: Literal["ping"]


class AuthenticatedFrame(BaseModel):
    type: Literal["authenticated"]
    user_id: int | None = Field(description="null: the socket is anonymous")
    expires_at: datetime | None = Field(description="when the token ends: send a fresh `auth`")


class ResumedFrame(BaseModel):
    type: Literal["resumed"]
    last_id: int = Field(description="every event up to this id has been sent")


class ErrorFrame(BaseModel):
    type: Literal["error"]
    detail: ErrorDetail


ServerEvent = Annotated[
    PhotoCreatedEvent
    | PhotoUpdatedEvent
    | PhotoDeletedEvent
    | OwnershipChangedEvent
    | FavoritesChangedEvent
    | UserUpdatedEvent
    | TradeCreatedEvent
    | TradeUpdatedEvent
    | TransferUpdatedEvent
    | ProfileRequestUpdatedEvent
    | QrApprovedEvent
    | ShowcaseUpdatedEvent,
    Field(discriminator="type"),
]
ServerMessage = Annotated[
    PhotoCreatedEvent
    | PhotoUpdatedEvent
    | PhotoDeletedEvent
    | OwnershipChangedEvent
    | FavoritesChangedEvent
    | UserUpdatedEvent
    | TradeCreatedEvent
    | TradeUpdatedEvent
    | TransferUpdatedEvent
    | ProfileRequestUpdatedEvent
    | QrApprovedEvent
    | ShowcaseUpdatedEvent
    | PingFrame
    | AuthenticatedFrame
    | ResumedFrame
    | ErrorFrame,
    Field(discriminator="type"),
]

# --- client → server ----------------------------------------------------------------------


class AuthMessage(BaseModel):
    type: Literal["auth"]
    token: str | None = Field(description="access token; only as the first message")


class ResumeMessage(BaseModel):
    type: Literal["resume"]
    after: int = Field(ge=0, description="the last event id this client has seen")


class PongMessage(BaseModel):
    type: Literal["pong"]


class AuthQrMessage(BaseModel):
    type: Literal["auth_qr"]
    request_id: str
    secret: str


ClientMessage = Annotated[
    AuthMessage | ResumeMessage | PongMessage | AuthQrMessage, Field(discriminator="type")
]
