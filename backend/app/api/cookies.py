"""The desktop's refresh token in an HttpOnly cookie, so a reload keeps the session without any
long-lived token that page scripts (or an injected one) can read.

- Asked for with `X-Client-Host: web` on password register/login and on the QR poll that hands
  out tokens; the reply then carries `refresh_token: null` and sets the cookie. Messenger
  sign-ins never use it: their clients keep tokens as before.
- `HttpOnly; SameSite=Strict; Path=/api/auth` (`Secure` when PUBLIC_URL is https): sent only to
  the sign-in routes, never on a cross-site request, invisible to scripts.
- CSRF: refresh and logout authenticated by the cookie also need an `X-Requested-With` header;
  a logout without a token in its body needs it even when no cookie came (it clears the cookie).
  SameSite=Strict already keeps the cookie off cross-site requests; the header is the second
  lock for what SameSite does not cover (older browsers, a sibling subdomain, which counts as
  same-site): an HTML form cannot send a custom header, and a cross-origin script cannot without
  a CORS preflight that CORS_ORIGINS does not grant. A JSON content type alone would not do:
  `text/plain` form posts reach JSON endpoints in some parsers.
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
