"""Art object (photo) shapes."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.schemas.users import UserSummary

TITLE_MAX = 200
DESCRIPTION_MAX = 4000


class PhotoSummary(BaseModel):
    id: int
    title: str
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
    created_at: datetime
    updated_at: datetime


class Photo(PublicPhoto):
    is_favorite: bool = Field(description="the signed-in viewer's favorite")


class PhotoPage(BaseModel):
    items: list[Photo]
    next_cursor: str | None


class PhotoUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=TITLE_MAX)
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX)


class ProvenanceEntry(BaseModel):
    id: int
    reason: Literal["mint", "transfer", "trade", "admin"]
    from_user: UserSummary | None
    to_user: UserSummary
    trade_id: int | None
    transfer_id: int | None
    created_at: datetime


class FavoriteState(BaseModel):
    is_favorite: bool
    favorites_count: int
