"""Request dependencies: settings, pool, the signed-in user."""

from typing import Annotated

import asyncpg
from fastapi import Depends, Header, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.core.config import Settings
from app.core.errors import AppError, ErrorCode
from app.core.security import AccessClaims, TokenError, decode_access_claims
from app.schemas.links import ClientHost
from app.services.login_guard import LoginGuard

_bearer = HTTPBearer(auto_error=False, description="Access token from /api/auth/*")

# All dependencies here are `async def` on purpose: they do no I/O, and FastAPI runs a plain
# `def` dependency in the shared thread pool — a thread hop per request, and a queue that
# anything else using that pool can starve.


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


async def optional_user_id(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> int | None:
    if credentials is None:
        return None
    try:
        claims = decode_access_claims(
            credentials.credentials, request.app.state.settings.jwt_secret
        )
    except TokenError as exc:
        raise AppError(exc.code, reason=str(exc)) from exc
    request.state.user_id = claims.user_id  # the rate limiter keys per user by this
    request.state.access_claims = claims
    return claims.user_id


async def current_user_id(user_id: Annotated[int | None, Depends(optional_user_id)]) -> int:
    if user_id is None:
        raise AppError(ErrorCode.not_authenticated)
    return user_id


async def current_claims(
    request: Request, user_id: Annotated[int, Depends(current_user_id)]
) -> AccessClaims:
    """The signed-in user's whole access token (its session, when and how it signed in)."""
    claims: AccessClaims = request.state.access_claims
    return claims


async def client_host(
    x_client_host: Annotated[
        ClientHost | None,
        Header(
            description="Where the client runs: deep links in the reply take that host's form "
            "(Max, Telegram, or the web app's own URL). Absent: the Max form when configured. "
            "`web` also asks sign-in replies to keep the refresh token in an HttpOnly cookie."
        ),
    ] = None,
) -> ClientHost | None:
    return x_client_host


async def image_client_host(
    header: Annotated[ClientHost | None, Depends(client_host)],
    host: Annotated[
        ClientHost | None,
        Query(description="as the X-Client-Host header, for <img src> (which sends no headers)"),
    ] = None,
) -> ClientHost | None:
    return host or header


def get_login_guard(request: Request) -> LoginGuard:
    guard: LoginGuard = request.app.state.login_guard
    return guard


async def qr_secret(
    x_qr_secret: Annotated[
        str | None,
        Header(min_length=1, max_length=128, description="The desktop sign-in request's secret"),
    ] = None,
) -> str:
    """A QR sign-in request's secret: only from the `X-QR-Secret` header. A URL lands in
    access logs (uvicorn's, nginx's), so the old `?secret=` form is gone (issue 19)."""
    if x_qr_secret is None:
        raise AppError(ErrorCode.qr_secret_missing)
    return x_qr_secret


async def link_token(
    x_link_token: Annotated[
        str,
        Header(
            min_length=8,
            max_length=128,
            description="The item's secret token (claim code, open-trade token)",
        ),
    ],
) -> str:
    """The secret token of a claim code or an open trade, for its QR image: only from the
    `X-Link-Token` header, never the URL (the old `?token=` form is gone, issue 19)."""
    return x_link_token


SettingsDep = Annotated[Settings, Depends(get_settings)]
PoolDep = Annotated[asyncpg.Pool, Depends(get_pool)]
UserId = Annotated[int, Depends(current_user_id)]
OptionalUserId = Annotated[int | None, Depends(optional_user_id)]
Claims = Annotated[AccessClaims, Depends(current_claims)]
ClientHostDep = Annotated[ClientHost | None, Depends(client_host)]
ImageClientHostDep = Annotated[ClientHost | None, Depends(image_client_host)]
LoginGuardDep = Annotated[LoginGuard, Depends(get_login_guard)]
QrSecret = Annotated[str, Depends(qr_secret)]
LinkToken = Annotated[str, Depends(link_token)]
