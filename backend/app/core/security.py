"""Tokens and passwords.

Access tokens are HS256 JWTs (python-jose) with the algorithm pinned on decode. Refresh tokens,
claim codes, trade tokens and QR secrets are opaque random strings; only their sha256 digests
are stored, so a database leak does not hand out live secrets.
"""

import asyncio
import base64
import hashlib
import hmac
import os
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import bcrypt
from jose import JWTError, jwt
from jose.exceptions import ExpiredSignatureError, JOSEError

from app.core.errors import AppError, ErrorCode

ALGORITHM = "HS256"
# bcrypt reads at most 72 bytes; longer passwords are refused rather than silently truncated
# (two passwords sharing the first 72 bytes would otherwise be the same password).
BCRYPT_MAX_BYTES = 72


class TokenError(ValueError):
    def __init__(self, message: str, code: ErrorCode = ErrorCode.token_invalid) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    # The sign-in session (refresh-token family) the token belongs to, when it has one.
    session_id: str | None = None
    # When and how that session signed in (RFC 9068 / OIDC `auth_time` and `amr`): how fresh
    # the proof behind this token is, whatever the number of refreshes since.
    auth_time: int | None = None
    amr: tuple[str, ...] = ()
    expires_at: float | None = None  # `exp`: a WebSocket stops speaking for the user then


def create_access_token(
    user_id: int,
    secret: str,
    ttl: int,
    now: float | None = None,
    *,
    session_id: str | None = None,
    auth_time: int | None = None,
    amr: tuple[str, ...] = (),
) -> str:
    issued = int(time.time() if now is None else now)
    claims: dict[str, Any] = {"sub": str(user_id), "type": "access", "iat": issued}
    claims["exp"] = issued + ttl
    if session_id is not None:
        claims["sid"] = session_id
    if auth_time is not None:
        claims["auth_time"] = auth_time
    if amr:
        claims["amr"] = list(amr)
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_access_claims(token: str, secret: str) -> AccessClaims:
    """The claims of a valid access token; TokenError otherwise."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"require_exp": True, "require_sub": True},
        )
    except ExpiredSignatureError as exc:
        raise TokenError("access token expired", ErrorCode.token_expired) from exc
    except (JWTError, JOSEError, ValueError, TypeError) as exc:
        raise TokenError("invalid token") from exc
    if claims.get("type") != "access":
        raise TokenError("not an access token")
    try:
        user_id = int(claims["sub"])
    except (KeyError, ValueError, TypeError) as exc:
        raise TokenError("invalid token subject") from exc
    sid, auth_time, amr = claims.get("sid"), claims.get("auth_time"), claims.get("amr")
    return AccessClaims(
        user_id=user_id,
        session_id=sid if isinstance(sid, str) else None,
        auth_time=auth_time if type(auth_time) is int else None,
        amr=tuple(m for m in amr if isinstance(m, str)) if isinstance(amr, list) else (),
        expires_at=float(claims["exp"]),
    )


def decode_access_token(token: str, secret: str) -> int:
    """Return the user id of a valid access token; TokenError otherwise."""
    return decode_access_claims(token, secret).user_id


def new_secret(nbytes: int = 24) -> str:
    """A URL- and start-parameter-safe secret (base64url: A-Z a-z 0-9 _ -)."""
    return secrets.token_urlsafe(nbytes)


def digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def password_fits_bcrypt(password: str) -> bool:
    return len(password.encode()) <= BCRYPT_MAX_BYTES


def hash_password(password: str, rounds: int) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=rounds)).decode()


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode(), password_hash.encode())
    except ValueError:
        return False


# --- bcrypt off the event loop, in its own pool ---------------------------------------------
# bcrypt is CPU work by design (~250 ms at cost 12). It runs in a pool of its own, not in the
# default thread pool that file I/O and framework code share: a flood of password calls then
# queues here and slows only other password calls. One core is left to the event loop. The
# queue is bounded too: past BCRYPT_MAX_WAITING calls waiting, more are refused (503) at once
# rather than piling up work nobody will wait for.
BCRYPT_WORKERS = max(1, (os.cpu_count() or 2) - 1)
BCRYPT_MAX_WAITING = 64
BCRYPT_POOL = ThreadPoolExecutor(max_workers=BCRYPT_WORKERS, thread_name_prefix="bcrypt")


class _BcryptQueue:
    def __init__(self) -> None:
        self.in_flight = 0  # running or waiting for a worker
        self.completed = 0
        self._lock = threading.Lock()

    async def run(self, function: Any, *args: Any) -> Any:
        with self._lock:
            if self.in_flight >= BCRYPT_WORKERS + BCRYPT_MAX_WAITING:
                raise AppError(ErrorCode.password_checks_busy, headers={"Retry-After": "1"})
            self.in_flight += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(BCRYPT_POOL, function, *args)
        finally:
            with self._lock:
                self.in_flight -= 1
                self.completed += 1


BCRYPT_QUEUE = _BcryptQueue()


async def hash_password_async(password: str, rounds: int) -> str:
    return str(await BCRYPT_QUEUE.run(hash_password, password, rounds))


async def verify_password_async(password: str, password_hash: str) -> bool:
    return bool(await BCRYPT_QUEUE.run(verify_password, password, password_hash))


# --- refresh-token successors ------------------------------------------------------------------
# A rotated refresh token must be able to hand out its successor again for a few seconds (parallel
# retries on flaky networks). The successor is stored sealed under a pad derived from the
# PRESENTED token, which the database holds only as a digest: a database leak alone opens no
# successor, and only a holder of the old token can. Each pad seals exactly one value (a token
# rotates once), so XOR with it is a one-time pad.
REFRESH_TOKEN_BYTES = 32


def new_refresh_token() -> str:
    return secrets.token_urlsafe(REFRESH_TOKEN_BYTES)


def _successor_pad(presented: str, length: int) -> bytes:
    pad = hmac.new(presented.encode(), b"refresh-successor", hashlib.sha512).digest()
    if length > len(pad):
        raise ValueError("successor is longer than the pad")
    return pad[:length]


def seal_successor(presented: str, successor: str) -> bytes:
    raw = base64.urlsafe_b64decode(successor + "=" * (-len(successor) % 4))
    return bytes(a ^ b for a, b in zip(raw, _successor_pad(presented, len(raw)), strict=True))


def open_successor(presented: str, sealed: bytes) -> str:
    raw = bytes(a ^ b for a, b in zip(sealed, _successor_pad(presented, len(sealed)), strict=True))
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
