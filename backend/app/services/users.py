"""User profile rules."""

import re

import asyncpg

from app.core.errors import AppError, ErrorCode
from app.repositories import users
from app.schemas.users import Me, PublicUser, UserList, UserSummary
from app.services import page_cache
from app.services.publish import publish
from app.services.shapes import from_record


def to_me(user: asyncpg.Record) -> Me:
    return from_record(Me, user, has_password=user["password_hash"] is not None)


async def set_blocked(pool: asyncpg.Pool, user_id: int, other_id: int, blocked: bool) -> None:
    """Refuse (or accept again) direct gifts from `other_id`."""
    if other_id == user_id:
        raise AppError(ErrorCode.block_self)
    async with pool.acquire() as conn:
        if await users.get_by_id(conn, other_id) is None:
            raise AppError(ErrorCode.user_not_found)
        if blocked:
            await users.block(conn, user_id, other_id)
        else:
            await users.unblock(conn, user_id, other_id)


async def get_me(pool: asyncpg.Pool, user_id: int) -> Me:
    async with pool.acquire() as conn:
        user = await users.get_by_id(conn, user_id)
    if user is None:
        raise AppError(ErrorCode.user_gone)
    return to_me(user)


async def update_me(
    pool: asyncpg.Pool, user_id: int, display_name: str | None, is_private: bool | None
) -> Me:
    async with pool.acquire() as conn, conn.transaction():
        user = await users.update_profile(conn, user_id, display_name, is_private)
        if user is None:
            raise AppError(ErrorCode.user_not_found)
        me = to_me(user)
        if display_name is not None or is_private is not None:
            # Names are on every card and privacy decides which cards everyone sees: open
            # galleries and every process's page cache hear of it (only the public summary).
            await publish(conn, "user.updated", me)
    if display_name is not None or is_private is not None:
        page_cache.changed(pool)
    return me


async def get_public_user(pool: asyncpg.Pool, viewer_id: int | None, user_id: int) -> PublicUser:
    async with pool.acquire() as conn:
        user = await users.get_for_viewer(conn, viewer_id, user_id)
    if user is None:
        raise AppError(ErrorCode.user_not_found)
    return from_record(PublicUser, user)


# Characters a query word keeps: letters, digits, _ . - @ (what names and usernames are made of).
# Everything else separates words, so nothing of tsquery's syntax (' & | ! ( ) : * \\) gets in.
_QUERY_WORD = re.compile(r"[\w.@-]+")
MAX_QUERY_WORDS = 5


def _normalise(text: str) -> str:
    # The same folding as SQL user_search_vector(): lower case, U+0451 → U+0435.
    return text.lower().replace("\u0451", "\u0435")


def prefix_tsquery(text: str) -> str | None:
    """'Anna pe' → "'anna':* & 'pe':*"; None when the text holds no word."""
    words = _QUERY_WORD.findall(_normalise(text))[:MAX_QUERY_WORDS]
    return " & ".join(f"'{word}':*" for word in words) or None


async def search_people(pool: asyncpg.Pool, viewer_id: int, q: str, limit: int) -> UserList:
    """People to pick as a recipient. Name and avatar only: finding a private person shows
    nothing of their collection (that stays behind GET /api/users/{id}/photos). An empty query
    lists the viewer's recent counterparts; the viewer is never in the list."""
    terms = prefix_tsquery(q)
    async with pool.acquire() as conn:
        if terms is None:
            rows = await users.recent_counterparts(conn, viewer_id, limit)
        elif (tsquery := await users.parse_name_query(conn, terms)) is None:
            rows = []
        else:
            rows = await users.search(conn, viewer_id, tsquery, _normalise(q.strip()), limit)
    return UserList(
        items=[
            UserSummary(id=r["id"], display_name=r["display_name"], avatar_url=r["avatar_url"])
            for r in rows
        ]
    )
