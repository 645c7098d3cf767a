"""Domain errors and their one mapping to HTTP.

Services raise these; `install_error_handlers` turns them into `{"detail": ...}` responses.
Anything unexpected that reaches the handler for asyncpg connection loss becomes a 503, never a
500 with a traceback.
"""

from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


class AppError(Exception):
    status_code = 400

    def __init__(self, detail: Any = "bad request", headers: dict[str, str] | None = None) -> None:
        super().__init__(detail if isinstance(detail, str) else repr(detail))
        self.detail = detail
        self.headers = headers


class BadRequest(AppError):
    status_code = 400


class Unauthorized(AppError):
    status_code = 401

    def __init__(self, detail: Any = "not authenticated") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(AppError):
    status_code = 403


class NotFound(AppError):
    status_code = 404


class Conflict(AppError):
    status_code = 409


class Gone(AppError):
    status_code = 410


class PayloadTooLarge(AppError):
    status_code = 413


class UnsupportedMediaType(AppError):
    status_code = 415


class Unprocessable(AppError):
    status_code = 422


class ServiceUnavailable(AppError):
    status_code = 503


_DB_UNAVAILABLE = (
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.InterfaceError,
    # Raised by the pool when a connection dies mid-reset during a database restart.
    asyncpg.exceptions.InternalClientError,
    ConnectionError,
    OSError,
    TimeoutError,
)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(
            {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(asyncpg.exceptions.DataError)
    async def _bad_value(_: Request, exc: asyncpg.exceptions.DataError) -> JSONResponse:
        # A value the schema let through but PostgreSQL can't hold (e.g. an id past int64).
        return JSONResponse({"detail": "a value is out of range"}, status_code=422)

    @app.exception_handler(asyncpg.exceptions.ForeignKeyViolationError)
    async def _gone_reference(_: Request, exc: Exception) -> JSONResponse:
        # E.g. a valid token of a user deleted meanwhile: the referenced row no longer exists.
        return JSONResponse({"detail": "a referenced record no longer exists"}, status_code=409)

    for exc_type in _DB_UNAVAILABLE:

        @app.exception_handler(exc_type)
        async def _db_down(_: Request, exc: Exception) -> JSONResponse:
            return JSONResponse(
                {"detail": "database unavailable, try again"},
                status_code=503,
                headers={"Retry-After": "1"},
            )
