"""Desktop sign-in by QR: the desktop shows a request, a signed-in phone approves it, the
desktop collects its tokens once with the secret only it holds."""

import hmac
from datetime import timedelta

import asyncpg

from app.core import security
from app.core.config import Settings
from app.core.errors import AppError, ErrorCode
from app.repositories import auth_qr
from app.schemas.auth import QrLoginCreated, QrLoginDetails, QrLoginStatus
from app.schemas.events import QrApproved
from app.schemas.links import ClientHost
from app.services.auth_sessions import existing_user, now, start_session
from app.services.deep_links import all_links, pick
from app.services.publish import publish
from app.services.user_agent import describe


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
    expires_at = now() + timedelta(seconds=settings.qr_login_ttl)
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
        await existing_user(conn, user_id)
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
        user = await existing_user(conn, row["user_id"])
        pair = await start_session(conn, settings, user, "qr")
        return QrLoginStatus(status="approved", **pair.model_dump())
