"""Sign-in shapes."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.schemas.links import DeepLinks
from app.schemas.users import USERNAME_PATTERN, Me


class MessengerSignIn(BaseModel):
    init_data: str = Field(min_length=1, max_length=8192)


class PasswordSignIn(BaseModel):
    username: str = Field(pattern=USERNAME_PATTERN)
    # Length in bytes (bcrypt's 72-byte cap) is checked by the service, with a clear message.
    password: str = Field(min_length=8, max_length=128)


class SessionRefresh(BaseModel):
    refresh_token: str | None = Field(
        default=None,
        min_length=1,
        max_length=256,
        description="omit to use the desktop's HttpOnly cookie (then send X-Requested-With)",
    )


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str | None = Field(
        description="null when it was set as the HttpOnly cookie instead (X-Client-Host: web)"
    )
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    user: Me


class PasswordChanged(BaseModel):
    # How many other signed-in sessions (refresh-token families) were signed out by the change.
    revoked_sessions: int


class QrLoginCreated(BaseModel):
    request_id: str
    secret: str
    qr_payload: str = Field(description="the sign-in link in the form of the client's host")
    deep_links: DeepLinks = Field(description="the same link for each messenger and the web")
    expires_at: datetime


class QrLoginDetails(BaseModel):
    """What is asking to sign in, for the phone's approval screen."""

    request_id: str
    status: Literal["pending"]
    browser: str = Field(description="from the desktop's User-Agent (a heuristic: a hint)")
    os: str
    ip: str | None = Field(description="the desktop's address as this server saw it")
    created_at: datetime
    expires_at: datetime


class QrLoginApprove(BaseModel):
    token: str | None = Field(default=None, max_length=128)


class QrLoginStatus(BaseModel):
    status: Literal["pending", "approved", "consumed"]
    expires_at: datetime | None = None
    access_token: str | None = None
    refresh_token: str | None = None
    token_type: Literal["bearer"] | None = None
    expires_in: int | None = None
    user: Me | None = None
