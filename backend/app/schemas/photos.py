"""Art object (photo) shapes."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from app.schemas.ids import Id
from app.schemas.users import UserSummary

TITLE_MAX = 200
DESCRIPTION_MAX = 4000


MintNumber = Annotated[
    int, Field(description="permanent number of the original, from 1, never reused: No. 1,234")
]


class PhotoSummary(BaseModel):
    id: int
    title: str
    mint_number: MintNumber
    thumb_url: str = Field(description="320 px WebP (fits 320x320)")
    thumb_2x_url: str = Field(description="640 px WebP for 2x screens (srcset)")
    placeholder: str
    dominant_color: str
    owner_id: int
    owner: UserSummary | None = Field(
        default=None, description="the current owner (in trades, so both sides show who holds what)"
    )


class PublicPhoto(BaseModel):
    """A photo as everyone sees it: the `photo.created`/`photo.updated` event payload."""

    id: int
    title: str
    mint_number: MintNumber
    description: str
    width: int
    height: int
    mime: str
    placeholder: str = Field(description="blurhash of the image, paint it before the image loads")
    dominant_color: str
    thumb_url: str = Field(description="320 px WebP (fits 320x320)")
    thumb_2x_url: str = Field(description="640 px WebP for 2x screens (srcset)")
    preview_url: str
    owner: UserSummary
    creator: UserSummary
    favorites_count: int
    profile_hidden: bool = Field(
        description="its owner hid it from their profile (others' by-owner view omits it)"
    )
    created_at: datetime = Field(description="when it was minted")
    updated_at: datetime


class Photo(PublicPhoto):
    is_favorite: bool = Field(description="the signed-in viewer's favorite")


class PhotoPage(BaseModel):
    items: list[Photo]
    next_cursor: str | None


class PhotoUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=TITLE_MAX)
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX)


# Why a photo changed owner (table ownership_history, column reason; the event
# `ownership.changed` carries it too).
ProvenanceReason = Literal["mint", "transfer", "trade", "admin"]


class ProvenanceEntry(BaseModel):
    """One change of owner. A party whose collection the viewer may not see (a private owner
    who has not accepted them) is shown as `null` with `*_private` true: "a private collector",
    nothing more (services/photos.get_provenance)."""

    id: int
    reason: ProvenanceReason
    from_user: UserSummary | None = Field(description="null: a mint, or a private collector")
    from_private: bool = Field(default=False, description="from_user is a private collector")
    to_user: UserSummary | None = Field(description="null only for a private collector")
    to_private: bool = Field(default=False, description="to_user is a private collector")
    trade_id: int | None
    transfer_id: int | None
    note: str | None = Field(
        default=None, description="the giver's note of a gift (absent or hidden: null)"
    )
    note_hidden: bool = Field(
        default=False, description="the recipient hid the note (told only to giver and recipient)"
    )
    created_at: datetime


class Story(BaseModel):
    """An object's story where it is met (claim preview, incoming trade, detail): its number,
    author, mint time and the chain of owners — exactly its provenance as this viewer sees it."""

    photo_id: int
    mint_number: MintNumber
    creator: UserSummary
    minted_at: datetime
    provenance: list[ProvenanceEntry]


NOTE_MAX = 280


class ProfileHiddenUpdate(BaseModel):
    hidden: bool


SHOWCASE_MAX = 6


class ShowcaseUpdate(BaseModel):
    photo_ids: list[Id] = Field(
        description=f"the pinned objects in order, at most {SHOWCASE_MAX}, all the caller's own"
    )


class Showcase(BaseModel):
    user_id: int
    items: list[Photo]


class FavoriteState(BaseModel):
    is_favorite: bool
    favorites_count: int
