"""Domain errors, their stable codes, and the one mapping of every error to HTTP.

Every error response has one shape: `{"detail": {"code": "<ErrorCode>", "message": "<English>",
...extra}}`. Clients branch on `code` (stable, snake_case, listed as an enum in the OpenAPI
document); `message` is for people and may change. `ERRORS` is the one table of each code's
status and message; services raise `AppError(ErrorCode.x, **fields)`. `install_error_handlers`
also gives request validation, unknown routes, database errors and anything unexpected the same
shape, never echoing input and never a traceback.
"""

from enum import StrEnum
from typing import Any, NamedTuple

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
    webapp_not_built = "webapp_not_built"
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
    # Trades. Some are also why a viewer can't accept (Trade.cannot_accept_reason), shown before
    # any tap with the same code the refused accept would answer.
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
    not_owner_of_requested = "not_owner_of_requested"
    trade_wrong_party = "trade_wrong_party"
    # Profile requests.
    profile_request_own = "profile_request_own"
    profile_request_not_found = "profile_request_not_found"
    profile_request_not_pending = "profile_request_not_pending"
    # WebSocket messages (`{"type": "error", "detail": {...}}` on /api/ws).
    ws_unknown_message = "ws_unknown_message"
    ws_resume_in_progress = "ws_resume_in_progress"
    # The bot's webhooks (only the messenger platforms call them) and sharing through the bot.
    webhook_secret_invalid = "webhook_secret_invalid"
    share_unavailable = "share_unavailable"
    share_failed = "share_failed"


class ErrorSpec(NamedTuple):
    status: int
    # English for developers and logs (clients show their own text for the code). `{name}`
    # is filled from the error's extra fields, which the body also carries.
    message: str


_E = ErrorCode  # short, for the table below
# The one table: every code's HTTP status and default message. Raise sites name a code (and
# the extra fields its message or the client needs), nothing else.
ERRORS: dict[ErrorCode, ErrorSpec] = {
    _E.bad_request: ErrorSpec(400, "bad request"),
    _E.validation_error: ErrorSpec(422, "invalid input"),
    _E.value_out_of_range: ErrorSpec(422, "a value is out of range"),
    _E.reference_gone: ErrorSpec(409, "a referenced record no longer exists"),
    _E.not_found: ErrorSpec(404, "not found"),
    _E.method_not_allowed: ErrorSpec(405, "method not allowed"),
    _E.payload_too_large: ErrorSpec(413, "the request body is larger than {limit_bytes} bytes"),
    _E.request_timeout: ErrorSpec(408, "the request body stopped arriving"),
    _E.rate_limited: ErrorSpec(429, "too many requests ({limit}); retry in {retry_after} s"),
    _E.service_unavailable: ErrorSpec(503, "temporarily unavailable; try again"),
    _E.password_checks_busy: ErrorSpec(503, "too many password checks at once; retry shortly"),
    _E.storage_full: ErrorSpec(507, "no space left for uploads; try again later"),
    _E.storage_unavailable: ErrorSpec(503, "photo storage is unavailable; try again later"),
    _E.internal_error: ErrorSpec(500, "internal error"),
    _E.webapp_not_built: ErrorSpec(404, "the web app is not built (npm run build)"),
    _E.not_authenticated: ErrorSpec(401, "sign in first"),
    _E.token_invalid: ErrorSpec(401, "invalid access token"),
    _E.token_expired: ErrorSpec(401, "access token expired"),
    _E.user_gone: ErrorSpec(401, "user no longer exists"),
    _E.init_data_invalid: ErrorSpec(401, "initData is not valid: {reason}"),
    _E.init_data_expired: ErrorSpec(401, "initData is too old; reopen the mini-app"),
    _E.messenger_not_configured: ErrorSpec(401, "sign-in from this messenger is not configured"),
    _E.invalid_credentials: ErrorSpec(401, "wrong username or password"),
    _E.refresh_token_invalid: ErrorSpec(401, "refresh token is invalid or expired"),
    _E.refresh_token_reused: ErrorSpec(
        401, "refresh token was already used; all sessions of this sign-in are revoked"
    ),
    _E.refresh_token_missing: ErrorSpec(401, "no refresh token"),
    _E.csrf_header_missing: ErrorSpec(
        403, "a cookie-authenticated request needs the X-Requested-With header"
    ),
    _E.wrong_current_password: ErrorSpec(401, "current password is wrong"),
    _E.reauthentication_required: ErrorSpec(
        403, "sign in with Max or Telegram again (within {minutes} minutes) to set a password"
    ),
    _E.login_throttled: ErrorSpec(
        429, "too many sign-in attempts for this username; retry in {retry_after} s"
    ),
    _E.username_taken: ErrorSpec(409, "username is already taken"),
    _E.username_required: ErrorSpec(422, "choose a username to sign in with on the desktop"),
    _E.password_too_long: ErrorSpec(
        422, "password is longer than {max_bytes} bytes (UTF-8); use a shorter one"
    ),
    _E.qr_login_not_found: ErrorSpec(404, "sign-in request not found"),
    _E.qr_login_expired: ErrorSpec(410, "sign-in request expired; show a new QR code"),
    _E.qr_login_already_approved: ErrorSpec(409, "sign-in request was already approved"),
    _E.qr_login_token_mismatch: ErrorSpec(422, "token does not match the sign-in request"),
    _E.qr_secret_missing: ErrorSpec(422, "send the sign-in secret in X-QR-Secret"),
    _E.admin_only: ErrorSpec(403, "admins only"),
    _E.user_not_found: ErrorSpec(404, "user not found"),
    _E.collection_private: ErrorSpec(403, "this collection is private; ask its owner for access"),
    _E.photo_not_found: ErrorSpec(404, "photo not found"),
    _E.not_owner: ErrorSpec(403, "only the photo's owner can do this"),
    _E.not_creator: ErrorSpec(403, "only its creator, while still owning it, can delete a photo"),
    _E.photo_has_provenance: ErrorSpec(
        409, "this photo has changed hands; its provenance keeps it"
    ),
    _E.title_invalid: ErrorSpec(422, "title must be 1 to 200 characters"),
    _E.description_too_long: ErrorSpec(422, "description must be at most 4000 characters"),
    _E.unsupported_media_type: ErrorSpec(415, "the file is not {accepted}"),
    _E.image_too_large: ErrorSpec(422, "the image has too many pixels: {reason}"),
    _E.image_corrupt: ErrorSpec(422, "the image cannot be read: {reason}"),
    _E.duplicate_image: ErrorSpec(409, "this image is already in the gallery"),
    _E.invalid_cursor: ErrorSpec(422, "cursor is not valid; start again without it"),
    _E.favorites_need_sign_in: ErrorSpec(422, "favorites=true needs a signed-in user"),
    _E.foreign_link: ErrorSpec(422, "only this app's own links can be encoded or shared"),
    _E.qr_data_too_long: ErrorSpec(422, "QR data is longer than {max_chars} characters"),
    _E.transfer_not_found: ErrorSpec(404, "transfer not found"),
    _E.transfer_not_pending: ErrorSpec(409, "transfer is already {status}"),
    _E.transfer_to_self: ErrorSpec(422, "you already own it: choose another recipient"),
    _E.gift_refused: ErrorSpec(403, "the recipient does not accept gifts from you"),
    _E.gift_not_returnable: ErrorSpec(
        409, "only a direct gift you still own can be sent back, and only once"
    ),
    _E.gift_return_window_over: ErrorSpec(
        409, "a gift can be sent back only in the days after it arrived"
    ),
    _E.block_self: ErrorSpec(422, "you can't block yourself"),
    _E.recipient_not_found: ErrorSpec(422, "recipient does not exist"),
    _E.claim_not_found: ErrorSpec(404, "claim code not found"),
    _E.claim_used: ErrorSpec(409, "this claim code was already used"),
    _E.claim_cancelled: ErrorSpec(409, "this claim code was cancelled"),
    _E.claim_expired: ErrorSpec(410, "this claim code has expired; ask for a new one"),
    _E.claim_code_pending: ErrorSpec(
        409, "this photo already has a live claim code: show it again or replace it"
    ),
    _E.own_claim: ErrorSpec(422, "this is your own claim code; show it to the recipient"),
    _E.note_too_long: ErrorSpec(422, "a note is at most {max_chars} characters"),
    _E.showcase_full: ErrorSpec(422, "a showcase holds at most {max_items} photos"),
    _E.showcase_duplicate: ErrorSpec(422, "a photo can be pinned only once"),
    _E.showcase_not_yours: ErrorSpec(
        422, "only your own photos shown on your profile can be pinned"
    ),
    _E.trade_not_found: ErrorSpec(404, "trade not found"),
    _E.trade_not_pending: ErrorSpec(409, "trade is already {status}"),
    _E.trade_expired: ErrorSpec(410, "this trade has expired"),
    _E.trade_items_changed: ErrorSpec(409, "trade failed: {failure_reason}"),
    _E.trade_duplicate_item: ErrorSpec(422, "a photo is listed twice"),
    _E.trade_item_on_both_sides: ErrorSpec(422, "a photo can't be on both sides of a trade"),
    _E.trade_with_self: ErrorSpec(422, "you can't trade with yourself"),
    _E.trade_mixed_owners: ErrorSpec(422, "all requested photos must belong to one person"),
    _E.trade_already_owned: ErrorSpec(422, "you already own the requested photos"),
    _E.trade_recipient_mismatch: ErrorSpec(422, "the recipient doesn't own every requested photo"),
    _E.trade_addressed_to_other: ErrorSpec(403, "this trade is addressed to someone else"),
    _E.own_trade: ErrorSpec(422, "you can't accept your own trade"),
    _E.not_owner_of_requested: ErrorSpec(403, "you don't own the requested photos"),
    _E.trade_wrong_party: ErrorSpec(403, "only the {party} can {action} this trade"),
    _E.profile_request_own: ErrorSpec(422, "you can always see your own collection"),
    _E.profile_request_not_found: ErrorSpec(404, "profile request not found"),
    _E.profile_request_not_pending: ErrorSpec(409, "request is already {status}"),
    _E.ws_unknown_message: ErrorSpec(400, "unknown message type"),
    _E.ws_resume_in_progress: ErrorSpec(400, "a resume is already running"),
    _E.webhook_secret_invalid: ErrorSpec(403, "wrong or missing webhook secret"),
    _E.share_unavailable: ErrorSpec(409, "sharing through the bot is for Telegram users"),
    _E.share_failed: ErrorSpec(503, "Telegram did not prepare the message; try again"),
}


class _Fields(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"  # a field the raise site did not give stays visible as such


def message_of(code: ErrorCode, extra: dict[str, Any]) -> str:
    """The table's message, filled from the extra fields (a missing one stays as `{name}`)."""
    return ERRORS[code].message.format_map(_Fields(extra))


def error_body(code: ErrorCode, message: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"detail": {"code": code.value, "message": message or message_of(code, extra), **extra}}


class AppError(Exception):
    """A refusal the client is told about: its code (status and message from ERRORS) and the
    extra fields the message or the client needs."""

    def __init__(self, code: ErrorCode, *, headers: dict[str, str] | None = None, **extra: Any):
        self.code = code
        self.status_code = ERRORS[code].status
        self.message = message_of(code, extra)
        super().__init__(self.message)
        if self.status_code == 401:
            headers = {"WWW-Authenticate": "Bearer", **(headers or {})}
        self.headers = headers
        self.extra = extra

    @property
    def detail(self) -> dict[str, Any]:
        detail: dict[str, Any] = error_body(self.code, self.message, **self.extra)["detail"]
        return detail


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
        body = error_body(ErrorCode.value_out_of_range)
        return JSONResponse(body, status_code=422)

    @app.exception_handler(asyncpg.exceptions.ForeignKeyViolationError)
    async def _gone_reference(_: Request, exc: Exception) -> JSONResponse:
        # E.g. a valid token of a user deleted meanwhile: the referenced row no longer exists.
        body = error_body(ErrorCode.reference_gone)
        return JSONResponse(body, status_code=409)

    for exc_type in _DB_UNAVAILABLE:

        @app.exception_handler(exc_type)
        async def _db_down(_: Request, exc: Exception) -> JSONResponse:
            body = error_body(ErrorCode.service_unavailable)
            return JSONResponse(body, status_code=503, headers={"Retry-After": "1"})

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        # Starlette logs the traceback after this response; the client only learns the code.
        return JSONResponse(error_body(ErrorCode.internal_error), status_code=500)
