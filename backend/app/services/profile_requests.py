"""Requests to see a private profile's collection."""

import asyncpg

from app.core.config import Settings
from app.core.db import Connection, present
from app.core.errors import AppError, ErrorCode
from app.repositories import profile_requests, users
from app.schemas.profile_requests import ProfileRequest
from app.services import page_cache
from app.services.publish import publish
from app.services.shapes import Users, from_record

_PARTIES: Users = {"requester": ("requester_id", "requester"), "target": ("target_id", "target")}


def _to_request(row: asyncpg.Record) -> ProfileRequest:
    return from_record(ProfileRequest, row, users=_PARTIES)


async def _load(conn: Connection, request_id: int) -> ProfileRequest:
    """A request this transaction just wrote or locked, so its view row exists."""
    return _to_request(present(await profile_requests.view(conn, request_id)))


async def _announce(conn: Connection, request_id: int, tell_target: bool = True) -> ProfileRequest:
    request = await _load(conn, request_id)
    audience = [request.requester.id, request.target.id] if tell_target else [request.requester.id]
    await publish(conn, "profile_request.updated", request, audience)
    return request


async def create(
    pool: asyncpg.Pool, settings: Settings, user_id: int, target_id: int, message: str
) -> tuple[ProfileRequest, bool]:
    """Ask to see a private collection. One request per pair (asking again returns it), and the
    target hears of a pair's request at most once per PROFILE_REQUEST_COOLDOWN: asking,
    withdrawing and asking again in a loop notifies once (the route is rate limited too)."""
    if target_id == user_id:
        raise AppError(ErrorCode.profile_request_own)
    async with pool.acquire() as conn, conn.transaction():
        if await users.get_by_id(conn, user_id) is None:
            raise AppError(ErrorCode.user_gone)
        if await users.get_by_id(conn, target_id) is None:
            raise AppError(ErrorCode.user_not_found)
        before = await profile_requests.status_for_pair(conn, user_id, target_id)
        request_id, created = await profile_requests.upsert(
            conn, user_id, target_id, message.strip()
        )
        if created or before == "declined":  # new, or asked again after a decline
            tell = await profile_requests.claim_notice(
                conn, user_id, target_id, settings.profile_request_cooldown
            )
            return await _announce(conn, request_id, tell_target=tell), True
        return await _load(conn, request_id), False


async def respond(pool: asyncpg.Pool, user_id: int, request_id: int, status: str) -> ProfileRequest:
    async with pool.acquire() as conn, conn.transaction():
        row = await profile_requests.lock(conn, request_id)
        if row is None or row["target_id"] != user_id:
            raise AppError(ErrorCode.profile_request_not_found)
        if row["status"] == status:
            return await _load(conn, request_id)
        if row["status"] != "pending" and status == "accepted":
            raise AppError(ErrorCode.profile_request_not_pending, status=row["status"])
        await profile_requests.set_status(conn, request_id, status)
        answered = await _announce(conn, request_id)
    # Who may see a private collection changed: this process's next gallery read knows it.
    page_cache.viewers_changed(pool)
    return answered


async def withdraw(pool: asyncpg.Pool, user_id: int, request_id: int) -> None:
    """The requester withdraws, or the profile's owner revokes access; either may delete."""
    async with pool.acquire() as conn, conn.transaction():
        row = await profile_requests.lock(conn, request_id)
        if row is None or user_id not in (row["requester_id"], row["target_id"]):
            raise AppError(ErrorCode.profile_request_not_found)
        # The event carries the whole request one last time, as `withdrawn`. A pending request
        # the target was never told of (asked again within the cooldown) is withdrawn silently
        # for them: otherwise asking and withdrawing in a loop notifies the target every round.
        gone = await _load(conn, request_id)
        await profile_requests.delete(conn, request_id)
        withdrawn = gone.model_copy(update={"status": "withdrawn"})
        told = row["status"] != "pending" or await profile_requests.target_notified_since(
            conn, row["requester_id"], row["target_id"], row["created_at"]
        )
        audience = [gone.requester.id, gone.target.id] if told else [gone.requester.id]
        await publish(conn, "profile_request.updated", withdrawn, audience)
    page_cache.viewers_changed(pool)


async def list_requests(pool: asyncpg.Pool, user_id: int, role: str) -> list[ProfileRequest]:
    async with pool.acquire() as conn:
        rows = await profile_requests.list_for(conn, user_id, role)
    return [_to_request(r) for r in rows]
