"""Request dependencies: settings, pool, the signed-in user."""

from typing import Annotated

import asyncpg
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.core.config import Settings
from app.core.errors import ErrorCode, Unauthorized
from app.core.security import TokenError, decode_access_token

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
        user_id = decode_access_token(
            credentials.credentials, request.app.state.settings.jwt_secret
        )
    except TokenError as exc:
        raise Unauthorized(str(exc), code=exc.code) from exc
    request.state.user_id = user_id  # the rate limiter keys per user by this
    return user_id


async def current_user_id(user_id: Annotated[int | None, Depends(optional_user_id)]) -> int:
    if user_id is None:
        raise Unauthorized("sign in first", code=ErrorCode.not_authenticated)
    return user_id


SettingsDep = Annotated[Settings, Depends(get_settings)]
PoolDep = Annotated[asyncpg.Pool, Depends(get_pool)]
UserId = Annotated[int, Depends(current_user_id)]
OptionalUserId = Annotated[int | None, Depends(optional_user_id)]
