"""Verification of messenger mini-app initData (Max and Telegram use the same scheme).

secret = HMAC-SHA256(key="WebAppData", msg=bot_token)
hash   = hex(HMAC-SHA256(key=secret, msg=data_check_string))
data_check_string = every field but `hash`, as `key=value` (value URL-decoded once), sorted by
key, joined by "\n". Telegram's newer `signature` field stays inside the check string.

Nothing of the payload is trusted before the signature matches.
"""

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, unquote_plus

from app.core.errors import ErrorCode

# auth_date above this is milliseconds (Max) rather than seconds (Telegram): 1e11 seconds is
# the year 5138, 1e11 milliseconds is 1973.
_MILLISECONDS_THRESHOLD = 100_000_000_000
# Clocks of phones and servers drift; more than this into the future is a forgery or a bug.
FUTURE_SKEW_SECONDS = 300


class InitDataError(ValueError):
    """initData is malformed, forged or stale. The message is safe to show to the client."""

    def __init__(self, message: str, code: ErrorCode = ErrorCode.init_data_invalid) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class MessengerUser:
    external_id: int
    first_name: str
    last_name: str
    username: str | None
    photo_url: str | None

    @property
    def display_name(self) -> str:
        full = f"{self.first_name} {self.last_name}".strip()
        return (full or self.username or f"user {self.external_id}")[:128]


@dataclass(frozen=True)
class VerifiedInitData:
    user: MessengerUser
    auth_date: float
    fields: dict[str, str]


def parse_init_data(raw: str) -> dict[str, str]:
    """Split on '&', decode each key and value once; duplicate keys are refused."""
    if "&" not in raw and "%26" in raw and "%3D" in raw.upper():
        # Max's documentation publishes the whole query string encoded one extra time; a client
        # that forwards it that way is unwrapped once, then parsed as usual.
        raw = unquote(raw)
    fields: dict[str, str] = {}
    for pair in raw.split("&"):
        if not pair:
            continue
        key, sep, value = pair.partition("=")
        if not sep:
            raise InitDataError(f"malformed initData field {key[:32]!r}")
        key, value = unquote_plus(key), unquote_plus(value)
        if key in fields:
            raise InitDataError(f"duplicate initData field {key[:32]!r}")
        fields[key] = value
    return fields


def secret_key(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def sign(fields: dict[str, str], bot_token: str) -> str:
    check_string = "\n".join(f"{k}={fields[k]}" for k in sorted(fields) if k != "hash")
    return hmac.new(secret_key(bot_token), check_string.encode(), hashlib.sha256).hexdigest()


def verify_init_data(
    raw: str, bot_token: str, max_age: int, now: float | None = None
) -> VerifiedInitData:
    if not bot_token:
        raise InitDataError(
            "sign-in from this messenger is not configured", ErrorCode.messenger_not_configured
        )
    if len(raw) > 8192:
        raise InitDataError("initData too long")
    fields = parse_init_data(raw)
    received = fields.get("hash")
    if not received:
        raise InitDataError("initData has no hash")
    if not hmac.compare_digest(sign(fields, bot_token), received.lower()):
        raise InitDataError("initData signature is invalid")
    auth_date = _auth_date_seconds(fields.get("auth_date"))
    now = time.time() if now is None else now
    if auth_date > now + FUTURE_SKEW_SECONDS:
        raise InitDataError("initData auth_date is in the future")
    if now - auth_date > max_age:
        raise InitDataError("initData is too old, reopen the mini-app", ErrorCode.init_data_expired)
    return VerifiedInitData(
        user=_messenger_user(fields.get("user")), auth_date=auth_date, fields=fields
    )


def _auth_date_seconds(value: str | None) -> float:
    # ASCII digits only: str.isdigit() is also true for "²³⁴", which int() then refuses.
    if not value or not (value.isascii() and value.isdigit()):
        raise InitDataError("initData has no valid auth_date")
    stamp = int(value)
    return stamp / 1000 if stamp > _MILLISECONDS_THRESHOLD else float(stamp)


def _messenger_user(value: str | None) -> MessengerUser:
    if not value:
        raise InitDataError("initData has no user")
    try:
        data: Any = json.loads(value)
    except ValueError as exc:
        raise InitDataError("initData user is not JSON") from exc
    if not isinstance(data, dict):
        raise InitDataError("initData user is not an object")
    user_id = data.get("id")
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not 0 < user_id < 2**63:
        raise InitDataError("initData user has no valid id")
    return MessengerUser(
        external_id=user_id,
        first_name=_text(data.get("first_name")),
        last_name=_text(data.get("last_name")),
        username=_text(data.get("username")) or None,
        photo_url=_https_url(data.get("photo_url")),
    )


def _text(value: Any) -> str:
    return value.strip()[:64] if isinstance(value, str) else ""


def _https_url(value: Any) -> str | None:
    # Avatars are rendered by browsers: only https URLs, never javascript: or data:.
    if isinstance(value, str) and value.startswith("https://") and len(value) <= 1024:
        return value
    return None
