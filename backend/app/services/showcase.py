"""The showcase: up to SHOWCASE_MAX of a person's own objects pinned at the top of their
profile, in their order; and hiding an object from the profile (it stays theirs and in the
gallery and every provenance; others' "by owner" view leaves it out).

A pin lives only while its object stays with the person who pinned it: art_object_move()
(post-apply.functions.sql) drops it, and clears `profile_hidden`, when the object changes hands."""

import asyncpg

from app.core.db import Connection, present
from app.core.errors import AppError, ErrorCode
from app.repositories import photos
from app.repositories import showcase as pins
from app.schemas.events import ShowcaseUpdated
from app.schemas.photos import SHOWCASE_MAX, Photo, Showcase
from app.services import page_cache
from app.services.photos import ensure_collection_visible, lock_visible, to_photo
from app.services.publish import publish


async def get_showcase(pool: asyncpg.Pool, viewer_id: int | None, user_id: int) -> Showcase:
    async with pool.acquire() as conn:
        await ensure_collection_visible(conn, viewer_id, user_id)
        rows = await pins.cards(conn, viewer_id, user_id)
    return Showcase(user_id=user_id, items=[to_photo(row) for row in rows])


def _check(art_object_ids: list[int]) -> None:
    if len(art_object_ids) > SHOWCASE_MAX:
        raise AppError(ErrorCode.showcase_full, max_items=SHOWCASE_MAX)
    if len(set(art_object_ids)) != len(art_object_ids):
        raise AppError(ErrorCode.showcase_duplicate)


async def set_showcase(pool: asyncpg.Pool, user_id: int, art_object_ids: list[int]) -> Showcase:
    """Replace the caller's pins with `art_object_ids`, in that order (pin, unpin and reorder
    are all this one call). Every object must be theirs and not hidden from their profile."""
    _check(art_object_ids)
    async with pool.acquire() as conn, conn.transaction():
        locked = {row["id"]: row for row in await pins.lock_objects(conn, art_object_ids)}
        for art_object_id in art_object_ids:
            row = locked.get(art_object_id)
            if row is None or row["owner_id"] != user_id or row["profile_hidden"]:
                raise AppError(ErrorCode.showcase_not_yours)
        await pins.replace(conn, user_id, art_object_ids)
        await announce(conn, user_id)
        rows = await pins.cards(conn, user_id, user_id)
    return Showcase(user_id=user_id, items=[to_photo(row) for row in rows])


async def announce(conn: Connection, user_id: int) -> None:
    """`showcase.updated` to whoever may see this person's collection (their privacy applies)."""
    ids = await pins.pinned_ids(conn, user_id)
    await publish(
        conn,
        "showcase.updated",
        ShowcaseUpdated(user_id=user_id, photo_ids=ids),
        subjects=[user_id],
    )


async def set_profile_hidden(
    pool: asyncpg.Pool, user_id: int, art_object_id: int, hidden: bool
) -> Photo:
    """Hide an object from its owner's profile (and the "by owner" filter for everyone else),
    or show it again. Hiding unpins it. Viewers of the profile hear it live (`photo.updated`;
    `showcase.updated` when a pin went)."""
    async with pool.acquire() as conn, conn.transaction():
        current = await lock_visible(conn, user_id, art_object_id)
        if current["owner_id"] != user_id:
            raise AppError(ErrorCode.not_owner)
        await photos.set_profile_hidden(conn, art_object_id, hidden)
        if hidden and await pins.unpin(conn, user_id, art_object_id):
            await announce(conn, user_id)
        photo = to_photo(present(await photos.get_card(conn, user_id, art_object_id)))
        await publish(conn, "photo.updated", photo, subjects=[user_id])
    page_cache.changed(pool)
    return photo
