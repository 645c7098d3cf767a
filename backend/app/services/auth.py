"""Sign-in rules: messenger initData, passwords, refresh rotation, desktop QR sign-in."""

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from uuid import UUID

import asyncpg

from app.core import security
from app.core.config import Settings
from app.core.db import Connection
from app.core.errors import (
    AppError,
    ErrorCode,
)
from app.messengers.initdata import InitDataError, verify_init_data
from app.repositories import auth_qr, refresh_tokens, users
from app.schemas.auth import (
    PasswordChanged,
    QrLoginCreated,
    QrLoginDetails,
    QrLoginStatus,
    TokenPair,
)
from app.schemas.events import QrApproved
from app.schemas.links import ClientHost
from app.schemas.users import UserSummary
from app.services import page_cache
from app.services.deep_links import all_links, pick
from app.services.login_guard import LoginGuard
from app.services.publish import publish
from app.services.shapes import from_record
from app.services.user_agent import describe
from app.services.users import to_me

Messenger = Literal["max", "telegram"]


def _now() -> datetime:
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


async def _existing_user(conn: Connection, user_id: int) -> asyncpg.Record:
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
    expires_at = _now() + timedelta(seconds=settings.refresh_token_ttl)
    row = await refresh_tokens.insert_token(
        conn, session.family_id, security.digest(refresh), expires_at
    )
    return _pair(settings, user, session, refresh, row["created_at"]), refresh, row["id"]


async def _start_session(
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


async def sign_in_with_messenger(
    pool: asyncpg.Pool, settings: Settings, messenger: Messenger, raw_init_data: str
) -> TokenPair:
    bot_token = settings.max_bot_token if messenger == "max" else settings.telegram_bot_token
    try:
        verified = verify_init_data(raw_init_data, bot_token, settings.init_data_max_age)
    except InitDataError as exc:
        raise AppError(exc.code, reason=str(exc)) from exc
    person = verified.user
    async with pool.acquire() as conn, conn.transaction():
        user = await users.upsert_messenger_user(
            conn, messenger, person.external_id, person.display_name, person.photo_url
        )
        if user["profile_changed"]:
            # The messenger renamed them (or gave a new picture): their cards show it.
            await publish(conn, "user.updated", from_record(UserSummary, user))
        # The proof is as fresh as the messenger made it (initData's auth_date, which may be up
        # to INIT_DATA_MAX_AGE old), not the moment it reached us: a sensitive change asking for
        # a recent messenger sign-in then means a recently opened mini-app.
        proven_at = datetime.fromtimestamp(verified.auth_date, UTC)
        pair = await _start_session(conn, settings, user, "messenger", proven_at)
    if user["profile_changed"]:
        page_cache.changed(pool)
    return pair


def _check_password_length(password: str) -> None:
    if not security.password_fits_bcrypt(password):
        raise AppError(ErrorCode.password_too_long, max_bytes=security.BCRYPT_MAX_BYTES)


async def register(
    pool: asyncpg.Pool, settings: Settings, username: str, password: str
) -> TokenPair:
    _check_password_length(password)
    password_hash = await security.hash_password_async(password, settings.bcrypt_rounds)
    async with pool.acquire() as conn, conn.transaction():
        user = await users.insert_password_user(conn, username, password_hash)
        if user is None:
            raise AppError(ErrorCode.username_taken)
        return await _start_session(conn, settings, user, "password")


# A real hash to compare against when the user does not exist, so a login for an unknown name
# costs the same time as a wrong password and does not reveal which usernames exist. It must
# have the SAME cost factor as real hashes (bcrypt time doubles per round), so it is made per
# configured cost, once, on first use.
_DUMMY_HASHES: dict[int, str] = {}


async def _dummy_hash(rounds: int) -> str:
    if rounds not in _DUMMY_HASHES:
        _DUMMY_HASHES[rounds] = await security.hash_password_async(security.new_secret(16), rounds)
    return _DUMMY_HASHES[rounds]


async def login(
    pool: asyncpg.Pool, settings: Settings, guard: LoginGuard, username: str, password: str
) -> TokenPair:
    await guard.attempt(username)  # per-username back-off, before any bcrypt
    async with pool.acquire() as conn:
        user = await users.get_by_username(conn, username)
    if user and user["password_hash"]:
        stored = user["password_hash"]
    else:
        stored = await _dummy_hash(settings.bcrypt_rounds)
    ok = await security.verify_password_async(password, stored)
    if not ok or user is None or not user["password_hash"]:
        raise AppError(ErrorCode.invalid_credentials)
    await guard.succeeded(username)
    async with pool.acquire() as conn, conn.transaction():
        return await _start_session(conn, settings, user, "password")


async def refresh(pool: asyncpg.Pool, settings: Settings, refresh_token: str) -> TokenPair:
    """Rotate a refresh token. A retry within the grace window gets the same successor again;
    reusing a spent one after it revokes its whole family (a stolen token)."""
    async with pool.acquire() as conn, conn.transaction():
        row = await refresh_tokens.lock_token(
            conn, security.digest(refresh_token), settings.refresh_grace_seconds
        )
        if row is None or row["revoked_at"] is not None or row["expires_at"] < _now():
            raise AppError(ErrorCode.refresh_token_invalid)
        user = await _existing_user(conn, row["user_id"])
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
    if not hmac.compare_digest(security.digest(token), successor["token_hash"]):
        return None
    return _pair(settings, user, _Session.of(row), token, successor["created_at"])


async def logout(pool: asyncpg.Pool, refresh_token: str) -> None:
    async with pool.acquire() as conn, conn.transaction():
        row = await refresh_tokens.lock_token(conn, security.digest(refresh_token), 0)
        if row is not None:
            await refresh_tokens.revoke_family(conn, row["family_id"])


def _fresh_messenger_proof(settings: Settings, claims: security.AccessClaims) -> bool:
    if "messenger" not in claims.amr or claims.auth_time is None:
        return False
    return _now().timestamp() - claims.auth_time <= settings.reauth_max_age


def _session_uuid(claims: security.AccessClaims) -> UUID | None:
    try:
        return UUID(claims.session_id) if claims.session_id else None
    except ValueError:
        return None


async def change_password(
    pool: asyncpg.Pool,
    settings: Settings,
    claims: security.AccessClaims,
    password: str,
    current_password: str | None,
    username: str | None,
) -> PasswordChanged:
    """Set or change the password. Needs fresh proof — the current password, or for an account
    without one a messenger sign-in within `reauth_max_age` — so a stolen access token can't
    become a permanent login. Every other session of the account is signed out."""
    _check_password_length(password)
    async with pool.acquire() as conn:
        user = await users.get_by_id(conn, claims.user_id)
    if user is None:
        raise AppError(ErrorCode.user_gone)
    if user["password_hash"]:
        ok = current_password is not None and await security.verify_password_async(
            current_password, user["password_hash"]
        )
        if not ok:
            raise AppError(ErrorCode.wrong_current_password)
    elif not _fresh_messenger_proof(settings, claims):
        minutes = settings.reauth_max_age // 60
        raise AppError(ErrorCode.reauthentication_required, minutes=minutes)
    new_username = user["username"] or username
    if new_username is None:
        raise AppError(ErrorCode.username_required)
    password_hash = await security.hash_password_async(password, settings.bcrypt_rounds)
    async with pool.acquire() as conn, conn.transaction():
        if not await users.set_credentials(conn, claims.user_id, new_username, password_hash):
            raise AppError(ErrorCode.username_taken)
        revoked = await refresh_tokens.revoke_other_families(
            conn, claims.user_id, _session_uuid(claims)
        )
    return PasswordChanged(revoked_sessions=revoked)


# --- desktop sign-in by QR -------------------------------------------------------------------


async def create_qr_login(
    pool: asyncpg.Pool,
    settings: Settings,
    host: ClientHost | None = None,
    client_ip: str | None = None,
    user_agent: str = "",
) -> QrLoginCreated:
    # The request id goes into the QR (the phone approves by it); the secret stays on the
    # desktop and is the only way to collect the tokens. Address and User-Agent are kept to
    # show the approver what is signing in.
    request_id = security.new_secret(16)
    secret = security.new_secret(24)
    expires_at = _now() + timedelta(seconds=settings.qr_login_ttl)
    async with pool.acquire() as conn:
        await auth_qr.insert_request(
            conn, request_id, security.digest(secret), expires_at, client_ip, user_agent[:512]
        )
    links = all_links(settings, "login", request_id)
    return QrLoginCreated(
        request_id=request_id,
        secret=secret,
        qr_payload=pick(links, host),
        deep_links=links,
        expires_at=expires_at,
    )


async def qr_login_link(
    pool: asyncpg.Pool, settings: Settings, request_id: str, secret: str, host: ClientHost | None
) -> str:
    """The sign-in link for the desktop's QR image, once the secret proves it is that desktop."""
    await poll_qr_login(pool, settings, request_id, secret, peek=True)
    return pick(all_links(settings, "login", request_id), host)


async def qr_login_details(pool: asyncpg.Pool, request_id: str) -> QrLoginDetails:
    """What the phone shows before its user confirms: browser and OS, address, times. Answers
    only while the request can still be approved (same errors as approving)."""
    async with pool.acquire() as conn:
        row = _approvable(await auth_qr.get_request(conn, request_id))
    browser, system = describe(row["user_agent"])
    return QrLoginDetails(
        request_id=row["id"],
        status="pending",
        browser=browser,
        os=system,
        ip=row["client_ip"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
    )


def _approvable(row: asyncpg.Record | None) -> asyncpg.Record:
    """The request row, if a phone may still approve it."""
    if row is None:
        raise AppError(ErrorCode.qr_login_not_found)
    if row["expired"]:
        raise AppError(ErrorCode.qr_login_expired)
    if row["status"] != "pending":
        raise AppError(ErrorCode.qr_login_already_approved)
    return row


async def approve_qr_login(
    pool: asyncpg.Pool, request_id: str, user_id: int, token: str | None = None
) -> None:
    """A signed-in phone approves a desktop's request. The token in the deep link is the request
    id itself; a token sent along (the body's) must be that same id."""
    if token is not None and token != request_id:
        raise AppError(ErrorCode.qr_login_token_mismatch)
    async with pool.acquire() as conn, conn.transaction():
        await _existing_user(conn, user_id)
        _approvable(await auth_qr.lock_request(conn, request_id))
        await auth_qr.approve(conn, request_id, user_id)
        # Empty audience: no user socket gets it; the hub routes it to the desktop socket that
        # proved it holds this request's secret (realtime/hub.py).
        await publish(conn, "auth.qr_approved", QrApproved(request_id=request_id), [])


async def poll_qr_login(
    pool: asyncpg.Pool, settings: Settings, request_id: str, secret: str, peek: bool = False
) -> QrLoginStatus:
    """The desktop's poll. `peek` only checks the request (for its QR image), never consumes."""
    async with pool.acquire() as conn, conn.transaction():
        row = await auth_qr.lock_request(conn, request_id)
        if row is None or not hmac.compare_digest(row["secret_hash"], security.digest(secret)):
            raise AppError(ErrorCode.qr_login_not_found)
        if row["status"] == "consumed":
            return QrLoginStatus(status="consumed")
        if row["expired"]:
            raise AppError(ErrorCode.qr_login_expired)
        if row["status"] == "pending" or peek:
            return QrLoginStatus(status=row["status"], expires_at=row["expires_at"])
        # Approved: hand out tokens exactly once, in the same transaction that consumes it.
        await auth_qr.consume(conn, request_id)
        user = await _existing_user(conn, row["user_id"])
        pair = await _start_session(conn, settings, user, "qr")
        return QrLoginStatus(status="approved", **pair.model_dump())
