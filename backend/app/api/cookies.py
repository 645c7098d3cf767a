"""The desktop's refresh token in an HttpOnly cookie, so a reload keeps the session without any
long-lived token that page scripts (or an injected one) can read. When it is used and how
CSRF is kept out: docs/internals.md, "Refresh cookie".
"""

from typing import TypeVar

from fastapi import Request, Response

from app.core.config import Settings
from app.core.errors import AppError, ErrorCode
from app.schemas.auth import QrLoginStatus, TokenPair
from app.schemas.links import ClientHost

REFRESH_COOKIE = "gallery_refresh"
COOKIE_PATH = "/api/auth"
CSRF_HEADER = "X-Requested-With"
Tokens = TypeVar("Tokens", TokenPair, QrLoginStatus)


def _secure(settings: Settings) -> bool:
    return settings.public_url.startswith("https://")


def deliver(
    tokens: Tokens, response: Response, settings: Settings, host: ClientHost | None
) -> Tokens:
    """Tokens as the client asked for them: web → the refresh token in the cookie, not the body."""
    if host != "web" or tokens.refresh_token is None:
        return tokens
    set_refresh_cookie(response, settings, tokens.refresh_token)
    return tokens.model_copy(update={"refresh_token": None})


def set_refresh_cookie(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(
        REFRESH_COOKIE,
        token,
        max_age=settings.refresh_token_ttl,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=_secure(settings),
    )


def clear_refresh_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        REFRESH_COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict", secure=_secure(settings)
    )


def require_csrf_header(request: Request) -> None:
    """403 `csrf_header_missing` unless the request carries `X-Requested-With`."""
    if not request.headers.get(CSRF_HEADER):
        raise AppError(ErrorCode.csrf_header_missing)


def cookie_refresh_token(request: Request) -> str | None:
    """The cookie's refresh token, after the CSRF header check; None when there is no cookie."""
    token = request.cookies.get(REFRESH_COOKIE)
    if not token:
        return None
    require_csrf_header(request)
    return token
