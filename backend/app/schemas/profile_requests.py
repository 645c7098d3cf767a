"""Profile request shapes: asking a private profile's owner to see their collection."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.schemas.ids import Id
from app.schemas.users import UserSummary


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
