"""Request dependencies: settings, pool, the signed-in user."""

from typing import Annotated

import asyncpg
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.core.config import Settings
from app.core.errors import ErrorCode, Unauthorized
from app.core.security import AccessClaims, TokenError, decode_access_claims

_bearer = HTTPBearer(auto_error=False, description="Access token from /api/auth/*")

# All dependencies here are `async def` on purpose: they do no I/O, and FastAPI runs a plain
# `def` dependency in the shared thread pool — a thread hop per request, and a queue that
# anything else using that pool can starve.


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_pool(request: Request) -> asyncpg.Pool:
    return request.app.state.pool


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
        raise Unauthorized(str(exc), code=exc.code) from exc
    request.state.user_id = claims.user_id  # the rate limiter keys per user by this
    request.state.access_claims = claims
    return claims.user_id


async def current_user_id(user_id: Annotated[int | None, Depends(optional_user_id)]) -> int:
    if user_id is None:
        raise Unauthorized("sign in first", code=ErrorCode.not_authenticated)
    return user_id


def current_claims(
    request: Request, user_id: Annotated[int, Depends(current_user_id)]
) -> AccessClaims:
    """The signed-in user's whole access token (its session, when and how it signed in)."""
    return request.state.access_claims


SettingsDep = Annotated[Settings, Depends(get_settings)]
PoolDep = Annotated[asyncpg.Pool, Depends(get_pool)]
UserId = Annotated[int, Depends(current_user_id)]
OptionalUserId = Annotated[int | None, Depends(optional_user_id)]
Claims = Annotated[AccessClaims, Depends(current_claims)]
