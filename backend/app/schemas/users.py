"""User shapes."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

USERNAME_PATTERN = r"^[A-Za-z0-9_.-]{3,32}$"


class UserSummary(BaseModel):
    id: int
    display_name: str
    avatar_url: str | None = None


class UserList(BaseModel):
    items: list[UserSummary]


class Me(UserSummary):
    is_private: bool
    role: Literal["user", "admin"]
    messenger: Literal["max", "telegram"] | None
    username: str | None
    has_password: bool
    created_at: datetime


class PublicUser(UserSummary):
    is_private: bool
    can_view_collection: bool
    profile_request_status: Literal["pending", "accepted", "declined"] | None = None


class MeUpdate(BaseModel):
    display_name: str | None = Field(default=None, min_length=1, max_length=128)
    is_private: bool | None = None


class PasswordChange(BaseModel):
    password: str = Field(min_length=8, max_length=128)
    current_password: str | None = Field(default=None, max_length=128)
    # Messenger users who have no username yet pick one with their first password.
    username: str | None = Field(default=None, pattern=USERNAME_PATTERN)
