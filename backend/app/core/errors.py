"""Domain errors, their stable codes, and the one mapping of every error to HTTP.

Every error response has one shape: `{"detail": {"code": "<ErrorCode>", "message": "<English>",
...extra}}`. Clients branch on `code` (stable, snake_case, listed as an enum in the OpenAPI
document); `message` is for people and may change. Services raise `AppError` subclasses;
`install_error_handlers` also gives request validation, unknown routes, database errors and
anything unexpected the same shape, never echoing input and never a traceback.
"""

from enum import StrEnum
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


class ErrorCode(StrEnum):
    # Generic: request shape, routing, infrastructure.
    bad_request = "bad_request"
    validation_error = "validation_error"
    value_out_of_range = "value_out_of_range"
    reference_gone = "reference_gone"
    not_found = "not_found"
    method_not_allowed = "method_not_allowed"
    payload_too_large = "payload_too_large"
    request_timeout = "request_timeout"
    rate_limited = "rate_limited"
    service_unavailable = "service_unavailable"
    password_checks_busy = "password_checks_busy"
    storage_full = "storage_full"
    storage_unavailable = "storage_unavailable"
    internal_error = "internal_error"
    # Sign-in and accounts.
    not_authenticated = "not_authenticated"
    token_invalid = "token_invalid"
    token_expired = "token_expired"
    user_gone = "user_gone"
    init_data_invalid = "init_data_invalid"
    init_data_expired = "init_data_expired"
    messenger_not_configured = "messenger_not_configured"
    invalid_credentials = "invalid_credentials"
    refresh_token_invalid = "refresh_token_invalid"
    refresh_token_reused = "refresh_token_reused"
    refresh_token_missing = "refresh_token_missing"
    csrf_header_missing = "csrf_header_missing"
    wrong_current_password = "wrong_current_password"
    reauthentication_required = "reauthentication_required"
    login_throttled = "login_throttled"
    username_taken = "username_taken"
    username_required = "username_required"
    password_too_long = "password_too_long"
    qr_login_not_found = "qr_login_not_found"
    qr_login_expired = "qr_login_expired"
    qr_login_already_approved = "qr_login_already_approved"
    qr_login_token_mismatch = "qr_login_token_mismatch"
    qr_secret_missing = "qr_secret_missing"
    admin_only = "admin_only"
    # Users and collections.
    user_not_found = "user_not_found"
    collection_private = "collection_private"
    # Photos (art objects) and their images.
    photo_not_found = "photo_not_found"
    not_owner = "not_owner"
    not_creator = "not_creator"
    photo_has_provenance = "photo_has_provenance"
    title_invalid = "title_invalid"
    description_too_long = "description_too_long"
    unsupported_media_type = "unsupported_media_type"
    image_too_large = "image_too_large"
    image_corrupt = "image_corrupt"
    duplicate_image = "duplicate_image"
    invalid_cursor = "invalid_cursor"
    favorites_need_sign_in = "favorites_need_sign_in"
    foreign_link = "foreign_link"
    qr_data_too_long = "qr_data_too_long"
    # Transfers and claims.
    transfer_not_found = "transfer_not_found"
    transfer_not_pending = "transfer_not_pending"
    transfer_to_self = "transfer_to_self"
    gift_refused = "gift_refused"
    gift_not_returnable = "gift_not_returnable"
    gift_return_window_over = "gift_return_window_over"
    block_self = "block_self"
    recipient_not_found = "recipient_not_found"
    claim_not_found = "claim_not_found"
    claim_used = "claim_used"
    claim_cancelled = "claim_cancelled"
    claim_expired = "claim_expired"
    claim_code_pending = "claim_code_pending"
    own_claim = "own_claim"
    note_too_long = "note_too_long"
    # The showcase (pinned objects on a profile).
    showcase_full = "showcase_full"
    showcase_duplicate = "showcase_duplicate"
    showcase_not_yours = "showcase_not_yours"
    # Trades.
    trade_not_found = "trade_not_found"
    trade_not_pending = "trade_not_pending"
    trade_expired = "trade_expired"
    trade_items_changed = "trade_items_changed"
    trade_duplicate_item = "trade_duplicate_item"
    trade_item_on_both_sides = "trade_item_on_both_sides"
    trade_with_self = "trade_with_self"
    trade_mixed_owners = "trade_mixed_owners"
    trade_already_owned = "trade_already_owned"
    trade_recipient_mismatch = "trade_recipient_mismatch"
    trade_addressed_to_other = "trade_addressed_to_other"
    own_trade = "own_trade"
    # Why a viewer can't accept a trade (Trade.cannot_accept_reason), shown before any tap.
    not_owner_of_requested = "not_owner_of_requested"
    not_pending = "not_pending"
    not_signed_in = "not_signed_in"
    addressed_to_someone_else = "addressed_to_someone_else"
    trade_wrong_party = "trade_wrong_party"
    # Profile requests.
    profile_request_own = "profile_request_own"
    profile_request_not_found = "profile_request_not_found"
    profile_request_not_pending = "profile_request_not_pending"
    # WebSocket messages (`{"type": "error", "detail": {...}}` on /api/ws).
    ws_unknown_message = "ws_unknown_message"
    ws_resume_in_progress = "ws_resume_in_progress"
    # The bot's webhooks (only the messenger platforms call them).
    webhook_secret_invalid = "webhook_secret_invalid"
    share_unavailable = "share_unavailable"


def error_body(code: ErrorCode, message: str, **extra: Any) -> dict[str, Any]:
    return {"detail": {"code": code.value, "message": message, **extra}}


class AppError(Exception):
    status_code = 400
    default_code = ErrorCode.bad_request

    def __init__(
        self,
        message: str,
        *,
        code: ErrorCode | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.headers = headers
        self.extra = extra

    @property
    def detail(self) -> dict[str, Any]:
        detail: dict[str, Any] = error_body(self.code, self.message, **self.extra)["detail"]
        return detail


class BadRequest(AppError):
    status_code = 400


class Unauthorized(AppError):
    status_code = 401
    default_code = ErrorCode.not_authenticated

    def __init__(self, message: str, *, code: ErrorCode | None = None, **extra: Any) -> None:
        super().__init__(message, code=code, headers={"WWW-Authenticate": "Bearer"}, **extra)


class Forbidden(AppError):
    status_code = 403


class NotFound(AppError):
    status_code = 404
    default_code = ErrorCode.not_found


class Conflict(AppError):
    status_code = 409


class Gone(AppError):
    status_code = 410


class PayloadTooLarge(AppError):
    status_code = 413
    default_code = ErrorCode.payload_too_large


class UnsupportedMediaType(AppError):
    status_code = 415
    default_code = ErrorCode.unsupported_media_type


class Unprocessable(AppError):
    status_code = 422
    default_code = ErrorCode.validation_error


class TooManyRequests(AppError):
    status_code = 429
    default_code = ErrorCode.rate_limited


class ServiceUnavailable(AppError):
    status_code = 503
    default_code = ErrorCode.service_unavailable


class InsufficientStorage(AppError):
    status_code = 507
    default_code = ErrorCode.storage_full


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

# Starlette raises HTTPException for unknown routes and methods; anything else that uses it
# (a library's 429, the SPA's 404) gets the code of its status.
_HTTP_CODES = {
    400: ErrorCode.bad_request,
    401: ErrorCode.not_authenticated,
    404: ErrorCode.not_found,
    405: ErrorCode.method_not_allowed,
    413: ErrorCode.payload_too_large,
    415: ErrorCode.unsupported_media_type,
    422: ErrorCode.validation_error,
    429: ErrorCode.rate_limited,
    503: ErrorCode.service_unavailable,
    507: ErrorCode.storage_full,
}
# A 422 lists at most this many fields, each loc element cut to this length: the answer to a
# hostile body stays small, and loc never carries more than a field name or index.
MAX_FIELDS = 10
MAX_LOC_PART = 64


def validation_detail(errors: list[Any]) -> dict[str, Any]:
    """The 422 body for invalid input: where and what kind, never the submitted value."""
    fields = [
        {
            "loc": [p if isinstance(p, int) else str(p)[:MAX_LOC_PART] for p in e.get("loc", ())],
            "type": str(e.get("type", "invalid"))[:MAX_LOC_PART],
        }
        for e in errors[:MAX_FIELDS]
    ]
    where = ", ".join(".".join(str(p) for p in f["loc"]) for f in fields[:3])
    message = f"invalid input: {where}" if where else "invalid input"
    return error_body(ErrorCode.validation_error, message, fields=fields)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(
            {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(validation_detail(list(exc.errors())), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc.detail, dict) and "code" in exc.detail:
            body = {"detail": exc.detail}
        else:
            fallback = ErrorCode.bad_request if exc.status_code < 500 else ErrorCode.internal_error
            code = _HTTP_CODES.get(exc.status_code, fallback)
            body = error_body(code, str(exc.detail))
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(asyncpg.exceptions.DataError)
    async def _bad_value(_: Request, exc: asyncpg.exceptions.DataError) -> JSONResponse:
        # A value the schema let through but PostgreSQL can't hold (e.g. an id past int64).
        body = error_body(ErrorCode.value_out_of_range, "a value is out of range")
        return JSONResponse(body, status_code=422)

    @app.exception_handler(asyncpg.exceptions.ForeignKeyViolationError)
    async def _gone_reference(_: Request, exc: Exception) -> JSONResponse:
        # E.g. a valid token of a user deleted meanwhile: the referenced row no longer exists.
        body = error_body(ErrorCode.reference_gone, "a referenced record no longer exists")
        return JSONResponse(body, status_code=409)

    for exc_type in _DB_UNAVAILABLE:

        @app.exception_handler(exc_type)
        async def _db_down(_: Request, exc: Exception) -> JSONResponse:
            body = error_body(ErrorCode.service_unavailable, "database unavailable, try again")
            return JSONResponse(body, status_code=503, headers={"Retry-After": "1"})

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        # Starlette logs the traceback after this response; the client only learns the code.
        return JSONResponse(error_body(ErrorCode.internal_error, "internal error"), status_code=500)
