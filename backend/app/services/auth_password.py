"""Password accounts: register, sign in (behind the per-username back-off), set or change the
password (fresh proof required; other sessions signed out)."""

from uuid import UUID

import asyncpg

from app.core import security
from app.core.config import Settings
from app.core.errors import AppError, ErrorCode
from app.repositories import refresh_tokens, users
from app.schemas.auth import PasswordChanged, TokenPair
from app.services.auth_sessions import now, start_session
from app.services.login_guard import LoginGuard


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
        return await start_session(conn, settings, user, "password")


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
        return await start_session(conn, settings, user, "password")


def _fresh_messenger_proof(settings: Settings, claims: security.AccessClaims) -> bool:
    if "messenger" not in claims.amr or claims.auth_time is None:
        return False
    return now().timestamp() - claims.auth_time <= settings.reauth_max_age


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
