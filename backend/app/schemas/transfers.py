"""Transfer shapes: a direct gift or a claim code, and what a claim code shows before use."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.schemas.ids import Id
from app.schemas.links import DeepLinks
from app.schemas.photos import PhotoSummary, Story
from app.schemas.users import UserSummary

TransferStatus = Literal["pending", "completed", "cancelled", "expired"]


class TransferCreate(BaseModel):
    photo_id: Id
    to_user_id: Id | None = Field(default=None, description="omit for a claim code (QR / link)")
    note: str = Field(
        default="",
        description="the giver's note, at most 280 characters (422 `note_too_long`)",
    )


class TransferClaim(BaseModel):
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


class TransferNoteUpdate(BaseModel):
    hidden: bool
