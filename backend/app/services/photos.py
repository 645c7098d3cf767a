"""A photo read, edited, deleted and favourited; its card shape and text rules, which the
upload (services/uploads.py) and the listing (services/listing.py) share."""

import asyncio

import asyncpg

from app.core.db import Connection, present
from app.core.errors import AppError, ErrorCode
from app.media.storage import Storage, delete_files
from app.repositories import favorites, photos, users
from app.schemas.events import FavoritesChanged, PhotoDeleted
from app.schemas.photos import FavoriteState, Photo, ProvenanceEntry, Story
from app.services import page_cache, stories
from app.services import trades as trade_rules
from app.services.publish import claim_codes_cancelled, publish
from app.services.shapes import Urls, Users, from_record

PHOTO_USERS: Users = {"owner": ("owner_id", "owner"), "creator": ("creator_id", "creator")}
PHOTO_URLS: Urls = {
    "thumb_url": "thumb_key",
    "thumb_2x_url": "thumb_2x_key",
    "preview_url": "preview_key",
}


def to_photo(row: asyncpg.Record) -> Photo:
    return from_record(Photo, row, users=PHOTO_USERS, urls=PHOTO_URLS)


def clean_title(title: str) -> str:
    title = title.strip()
    if not 1 <= len(title) <= 200:
        raise AppError(ErrorCode.title_invalid)
    return title


def clean_description(description: str | None) -> str:
    description = (description or "").strip()
    if len(description) > 4000:
        # Not covered: both routes' schemas refuse it first (max_length).
        raise AppError(ErrorCode.description_too_long)  # pragma: no cover
    return description


async def ensure_collection_visible(conn: Connection, viewer_id: int | None, owner_id: int) -> None:
    owner = await users.get_for_viewer(conn, viewer_id, owner_id)
    if owner is None:
        raise AppError(ErrorCode.user_not_found)
    if not owner["can_view_collection"]:
        raise AppError(ErrorCode.collection_private)


async def get_photo(pool: asyncpg.Pool, viewer_id: int | None, art_object_id: int) -> Photo:
    async with pool.acquire() as conn:
        row = await photos.get_card(conn, viewer_id, art_object_id)
    if row is None:
        raise AppError(ErrorCode.photo_not_found)
    return to_photo(row)


async def get_provenance(
    pool: asyncpg.Pool, viewer_id: int | None, art_object_id: int
) -> list[ProvenanceEntry]:
    async with pool.acquire() as conn:
        if await photos.get_card(conn, viewer_id, art_object_id) is None:
            raise AppError(ErrorCode.photo_not_found)
        return await stories.provenance_of(conn, viewer_id, art_object_id)


async def get_story(pool: asyncpg.Pool, viewer_id: int | None, art_object_id: int) -> Story:
    async with pool.acquire() as conn:
        if await photos.get_card(conn, viewer_id, art_object_id) is None:
            raise AppError(ErrorCode.photo_not_found)
        story = await stories.story(conn, viewer_id, art_object_id)
    # Not covered: a deletion between the two reads, a race not provoked.
    if story is None:  # deleted between the two reads  # pragma: no cover
        raise AppError(ErrorCode.photo_not_found)
    return story


async def lock_visible(conn: Connection, user_id: int, art_object_id: int) -> asyncpg.Record:
    """Lock an object for a change; one the user may not see is "not found" like a missing one
    (a 403 would confirm that a private collection holds that id)."""
    current = await photos.lock_visible(conn, user_id, art_object_id)
    if current is None:
        raise AppError(ErrorCode.photo_not_found)
    return current


async def update_photo(
    pool: asyncpg.Pool, user_id: int, art_object_id: int, title: str | None, description: str | None
) -> Photo:
    if title is not None:
        title = clean_title(title)
    if description is not None:
        description = clean_description(description)
    async with pool.acquire() as conn, conn.transaction():
        current = await lock_visible(conn, user_id, art_object_id)
        if current["owner_id"] != user_id:
            raise AppError(ErrorCode.not_owner)
        await photos.update_text(conn, art_object_id, title, description)
        photo = to_photo(present(await photos.get_card(conn, user_id, art_object_id)))
        await publish(conn, "photo.updated", photo, subjects=[user_id])
    page_cache.changed(pool)
    return photo


async def delete_photo(
    pool: asyncpg.Pool, storage: Storage, user_id: int, art_object_id: int
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        current = await lock_visible(conn, user_id, art_object_id)
        if current["creator_id"] != user_id or current["owner_id"] != user_id:
            raise AppError(ErrorCode.not_creator)
        if await photos.changed_hands(conn, art_object_id):
            raise AppError(ErrorCode.photo_has_provenance)
        # Only a completed change of hands blocks deletion: otherwise anyone could pin any object
        # by proposing a trade for it. Pending deals that involve it end here instead.
        await trade_rules.fail_pending_with_object(conn, art_object_id)
        await claim_codes_cancelled(conn, art_object_id)
        keys = await photos.delete_image(conn, current["image_id"])
        await publish(conn, "photo.deleted", PhotoDeleted(id=art_object_id), subjects=[user_id])
    page_cache.changed(pool)
    # Files go only after the commit: a rollback must never leave a row without its files.
    await asyncio.to_thread(delete_files, storage, [key for key in keys if key is not None])


async def set_favorite(
    pool: asyncpg.Pool, user_id: int, art_object_id: int, favorite: bool
) -> FavoriteState:
    async with pool.acquire() as conn, conn.transaction():
        # The row lock orders concurrent (un)favourites of one object, so the counts their
        # events carry are exact and in event order.
        current = await lock_visible(conn, user_id, art_object_id)
        if favorite:
            changed = await favorites.add(conn, user_id, art_object_id)
        else:
            changed = await favorites.remove(conn, user_id, art_object_id)
        row = await favorites.state(conn, user_id, art_object_id)
        event_id = 0
        if changed:
            # The count is on every card: the event tells open galleries (and every process's
            # page cache, which patches the number in) that it changed. Who favourited is not
            # in it.
            count = FavoritesChanged(photo_id=art_object_id, favorites_count=row["favorites_count"])
            event_id = await publish(
                conn, "photo.favorites_changed", count, subjects=[current["owner_id"]]
            )
    if changed:
        page_cache.favorites_changed(pool, event_id, art_object_id, row["favorites_count"])
    return FavoriteState(is_favorite=row["is_favorite"], favorites_count=row["favorites_count"])
