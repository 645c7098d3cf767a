"""Sessions: a sign-in starts a refresh-token family; refresh rotates its token (a retry within
the grace window gets the same successor, a reuse after it revokes the family); logout ends it.
Every sign-in kind (auth_messenger, auth_password, auth_qr) ends in `start_session`."""

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from uuid import UUID

import asyncpg

from app.core import security
from app.core.config import Settings
from app.core.db import Connection
from app.core.errors import AppError, ErrorCode
from app.repositories import refresh_tokens, users
from app.schemas.auth import TokenPair
from app.services.users import to_me


def now() -> datetime:
    return datetime.now(UTC)


AuthMethod = Literal["password", "messenger", "qr"]


@dataclass(frozen=True)
class _Session:
    """One sign-in (a refresh-token family): what every access token issued in it carries."""

    family_id: UUID
    auth_method: str
    auth_time: datetime

    @classmethod
    def of(cls, row: asyncpg.Record) -> "_Session":
        """From a refresh_tokens.lock_token row (a token joined with its family)."""
        return cls(row["family_id"], row["auth_method"], row["auth_time"])


async def existing_user(conn: Connection, user_id: int) -> asyncpg.Record:
    user = await users.get_by_id(conn, user_id)
    if user is None:
        raise AppError(ErrorCode.user_gone)
    return user


def _pair(
    settings: Settings,
    user: asyncpg.Record,
    session: _Session,
    refresh_token: str,
    issued_at: datetime,
) -> TokenPair:
    """The pair for one refresh token. Everything in the access token comes from stored rows
    (the token's creation time, the session's sign-in), so handing out the same successor again
    within the grace window gives the same pair."""
    access = security.create_access_token(
        user["id"],
        settings.jwt_secret,
        settings.access_token_ttl,
        now=issued_at.timestamp(),
        session_id=str(session.family_id),
        auth_time=int(session.auth_time.timestamp()),
        amr=(session.auth_method,),
    )
    return TokenPair(
        access_token=access,
        refresh_token=refresh_token,
        expires_in=settings.access_token_ttl,
        user=to_me(user),
    )


async def _issue_tokens(
    conn: Connection, settings: Settings, user: asyncpg.Record, session: _Session
) -> tuple[TokenPair, str, int]:
    """A new refresh token in `session`: the pair, the refresh token and its row id."""
    refresh = security.new_refresh_token()
    expires_at = now() + timedelta(seconds=settings.refresh_token_ttl)
    row = await refresh_tokens.insert_token(
        conn, session.family_id, security.digest(refresh), expires_at
    )
    return _pair(settings, user, session, refresh, row["created_at"]), refresh, row["id"]


async def start_session(
    conn: Connection,
    settings: Settings,
    user: asyncpg.Record,
    method: AuthMethod,
    proven_at: datetime | None = None,
) -> TokenPair:
    family = await refresh_tokens.create_family(conn, user["id"], method, proven_at)
    session = _Session(family["id"], family["auth_method"], family["auth_time"])
    pair, _, _ = await _issue_tokens(conn, settings, user, session)
    return pair


async def refresh(pool: asyncpg.Pool, settings: Settings, refresh_token: str) -> TokenPair:
    """Rotate a refresh token. A retry within the grace window gets the same successor again;
    reusing a spent one after it revokes its whole family (a stolen token)."""
    async with pool.acquire() as conn, conn.transaction():
        row = await refresh_tokens.lock_token(
            conn, security.digest(refresh_token), settings.refresh_grace_seconds
        )
        if row is None or row["revoked_at"] is not None or row["expires_at"] < now():
            raise AppError(ErrorCode.refresh_token_invalid)
        user = await existing_user(conn, row["user_id"])
        if row["used_at"] is None:
            pair, successor, successor_id = await _issue_tokens(
                conn, settings, user, _Session.of(row)
            )
            sealed = security.seal_successor(refresh_token, successor)
            await refresh_tokens.mark_used(conn, row["id"], successor_id, sealed)
            return pair
        again = await _successor_again(conn, settings, user, row, refresh_token)
        if again is not None:
            return again
        # Reuse detected: the revocation must commit, so the error is raised outside.
        await refresh_tokens.revoke_family(conn, row["family_id"])
    raise AppError(ErrorCode.refresh_token_reused)


async def _successor_again(
    conn: Connection,
    settings: Settings,
    user: asyncpg.Record,
    row: asyncpg.Record,
    presented: str,
) -> TokenPair | None:
    """Within the grace window, and while the successor is unspent, a retry of a rotated token
    (parallel refreshes, a response lost on a flaky network) gets the same successor pair."""
    if not row["in_grace"] or row["successor_id"] is None or row["successor_sealed"] is None:
        return None
    successor = await refresh_tokens.get_token(conn, row["successor_id"])
    if successor is None or successor["used_at"] is not None:
        return None
    token = security.open_successor(presented, row["successor_sealed"])
    # Not covered: the successor opens to another token only if its row was altered.
    if not hmac.compare_digest(security.digest(token), successor["token_hash"]):  # pragma: no cover
        return None
    return _pair(settings, user, _Session.of(row), token, successor["created_at"])


async def logout(pool: asyncpg.Pool, refresh_token: str) -> None:
    async with pool.acquire() as conn, conn.transaction():
        row = await refresh_tokens.lock_token(conn, security.digest(refresh_token), 0)
        if row is not None:
            await refresh_tokens.revoke_family(conn, row["family_id"])
