"""Art objects: minting from uploads, the gallery listing, provenance, edits, favorites."""

import asyncio
import base64
import hashlib
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

import asyncpg
import pydantic_core

from app.core.config import Settings
from app.core.db import Connection, present
from app.core.errors import AppError, ErrorCode
from app.media import imaging
from app.media.storage import ORIGINALS_PREFIX, PUBLIC_PREFIX, Storage, StorageFault, new_key
from app.repositories import art_objects, favorites, image_hashes, provenance, users
from app.schemas.events import FavoritesChanged, PhotoDeleted
from app.schemas.photos import FavoriteState, Photo, PhotoPage, ProvenanceEntry, Story
from app.services import near_duplicates, page_cache, stories
from app.services import trades as trade_rules
from app.services.page_cache import Page, etag_of
from app.services.publish import claim_codes_cancelled, publish
from app.services.shapes import Urls, Users, from_record, plain_record
from app.services.trades import DELETED_REASON

log = logging.getLogger(__name__)
MAX_PAGE = 100
_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
    "image/heif": "heif",
    "image/avif": "avif",
}
# Image work is CPU-bound: a small dedicated pool keeps it off the event loop and bounds memory
# (at most this many images decoded at once, whatever the number of concurrent uploads).
_IMAGE_POOL = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="imaging")
# File writes wait on the disk (fsync) or the network (S3), not the CPU: their own pool, so an
# upload's four writes overlap each other and its image work. Its jobs never wait for another
# pool's, so an image-pool job waiting for them cannot deadlock.
_STORE_POOL = ThreadPoolExecutor(max_workers=16, thread_name_prefix="storage")
# One decoded-bytes budget per process, shared by every image-pool thread (issue 19, N3), by
# its size (tests run apps with other settings in one process).
_DECODE_BUDGETS: dict[int, imaging.DecodeBudget] = {}


def decode_budget(settings: Settings) -> imaging.DecodeBudget:
    budget = _DECODE_BUDGETS.get(settings.max_decode_bytes)
    if budget is None:
        budget = _DECODE_BUDGETS[settings.max_decode_bytes] = imaging.DecodeBudget(
            settings.max_decode_bytes
        )
    return budget


# --- shapes -------------------------------------------------------------------------------


_PHOTO_USERS: Users = {"owner": ("owner_id", "owner"), "creator": ("creator_id", "creator")}
_PHOTO_URLS: Urls = {
    "thumb_url": "thumb_key",
    "thumb_2x_url": "thumb_2x_key",
    "preview_url": "preview_key",
}


def to_photo(row: asyncpg.Record) -> Photo:
    return from_record(Photo, row, users=_PHOTO_USERS, urls=_PHOTO_URLS)


def _page_json(rows: list[asyncpg.Record], next_cursor: str | None) -> bytes:
    """A `PhotoPage` as JSON bytes straight from the rows: no pydantic model per row (the
    listing's largest cost), same bytes as `PhotoPage(...).model_dump_json()` (pydantic-core
    serialises both; tests/test_listing_json.py compares them)."""
    items = [plain_record(Photo, row, users=_PHOTO_USERS, urls=_PHOTO_URLS) for row in rows]
    return pydantic_core.to_json({"items": items, "next_cursor": next_cursor})


def _cached_page(rows: list[asyncpg.Record], next_cursor: str | None) -> Page:
    """`_page_json` item by item, for the page cache (the same bytes once joined)."""
    return Page.build(
        (row["id"] for row in rows),
        (
            pydantic_core.to_json(plain_record(Photo, row, users=_PHOTO_USERS, urls=_PHOTO_URLS))
            for row in rows
        ),
        next_cursor,
    )


# --- upload -------------------------------------------------------------------------------


def _clean_title(title: str) -> str:
    title = title.strip()
    if not 1 <= len(title) <= 200:
        raise AppError(ErrorCode.title_invalid)
    return title


def _clean_description(description: str | None) -> str:
    description = (description or "").strip()
    if len(description) > 4000:
        raise AppError(ErrorCode.description_too_long)
    return description


HASH_CHUNK = 1024 * 1024


def _measure(source: bytes | BinaryIO) -> tuple[int, bytes, bytes]:
    """Size, first bytes and sha256 of the upload, read in chunks (a spooled upload is never
    read whole into memory: memory stays bounded by the image pool, not by the uploads)."""
    if isinstance(source, bytes):
        return len(source), source[: imaging.SNIFF_BYTES], hashlib.sha256(source).digest()
    source.seek(0)
    digest = hashlib.sha256()
    size, head = 0, b""
    while chunk := source.read(HASH_CHUNK):
        if not head:
            head = chunk[: imaging.SNIFF_BYTES]
        digest.update(chunk)
        size += len(chunk)
    return size, head, digest.digest()


async def upload(
    pool: asyncpg.Pool,
    settings: Settings,
    storage: Storage,
    user_id: int,
    source: bytes | BinaryIO,
    title: str,
    description: str | None,
) -> Photo:
    """Mint an art object from an upload: bytes, or the open file the upload was spooled to."""
    title, description = _clean_title(title), _clean_description(description)
    loop = asyncio.get_running_loop()
    # Reading and hashing 10 MB takes ~20 ms: off the event loop, like the image work.
    size, head, content_hash = await loop.run_in_executor(_IMAGE_POOL, _measure, source)
    if size > settings.max_upload_bytes:
        raise AppError(ErrorCode.payload_too_large, limit_bytes=settings.max_upload_bytes)
    mime = imaging.sniff_mime(head)
    if mime is None:
        raise AppError(ErrorCode.unsupported_media_type, accepted=imaging.ACCEPTED)
    async with pool.acquire() as conn:
        existing = await art_objects.object_id_by_hash(conn, content_hash)
    if existing is not None:
        raise _duplicate(existing)
    try:
        processed, keys = await loop.run_in_executor(
            _IMAGE_POOL,
            _process_and_store,
            storage,
            source,
            _EXTENSIONS[mime],
            settings.max_image_pixels,
            decode_budget(settings),
        )
    except imaging.ImageRejected as exc:
        raise AppError(exc.code, **exc.fields) from exc
    except StorageFault as exc:
        raise _storage_error(exc) from exc
    try:
        photo = await _mint(
            pool, storage, user_id, content_hash, size, processed, keys, title, description
        )
        page_cache.changed(pool)
    except BaseException:
        # No file without a row: whatever failed (duplicate race, database down, cancel), the
        # files written above go. A crash before this line is handled by the start-up sweep.
        await loop.run_in_executor(_IMAGE_POOL, _delete_files, storage, list(keys.values()))
        raise
    return photo


def _storage_error(fault: StorageFault) -> AppError:
    """A storage fault as its own answer and a warning line an operator can grep (N9)."""
    if fault.full:
        log.warning("storage full: upload refused (%s)", fault.reason)
        return AppError(ErrorCode.storage_full)
    log.warning("storage unavailable: upload refused (%s)", fault.reason)
    return AppError(ErrorCode.storage_unavailable)


def _duplicate(art_object_id: int) -> AppError:
    return AppError(ErrorCode.duplicate_image, photo_id=art_object_id)


def _process_and_store(
    storage: Storage,
    source: bytes | BinaryIO,
    extension: str,
    max_pixels: int,
    budget: imaging.DecodeBudget,
) -> tuple[imaging.ProcessedImage, dict[str, str]]:
    """Renditions of the upload, and all its files durably stored; one image-pool job.

    The original is written (and fsynced) on a storage thread while this one decodes and
    encodes, and the three renditions are written side by side: an upload waits for the
    slowest write, not the sum of eight fsyncs. The upload is read into memory here, inside
    the pool, so at most the pool's size of them are held at once (like their decoded pixels);
    the writer and the decoder then never share a file position.
    """
    data = source if isinstance(source, bytes) else _read_all(source)
    keys = {"original": new_key(ORIGINALS_PREFIX, extension)}
    writes = {"original": _STORE_POOL.submit(storage.put, keys["original"], data)}
    complete = False
    try:
        processed = imaging.process_image(data, max_pixels=max_pixels, budget=budget)
        for rendition in processed.renditions:
            keys[rendition.name] = new_key(PUBLIC_PREFIX, "webp")
            writes[rendition.name] = _STORE_POOL.submit(
                storage.put, keys[rendition.name], rendition.data
            )
        complete = True
    finally:
        # Every write has ended (done or failed) before anything is decided or deleted.
        failed = [name for name, write in writes.items() if write.exception() is not None]
        if failed or not complete:  # a write failed, or the image was refused
            _delete_files(storage, [keys[name] for name in writes if name not in failed])
    if failed:
        writes[failed[0]].result()  # raises that write's error
    return processed, keys


def _read_all(source: BinaryIO) -> bytes:
    source.seek(0)
    return source.read()


def _delete_files(storage: Storage, keys: list[str]) -> None:
    for key in keys:
        try:
            storage.delete(key)
        except OSError:
            log.exception("could not delete %s; the start-up sweep will retry", key)


async def _mint(
    pool: asyncpg.Pool,
    storage: Storage,
    user_id: int,
    content_hash: bytes,
    size: int,
    processed: imaging.ProcessedImage,
    keys: dict[str, str],
    title: str,
    description: str,
) -> Photo:
    async with pool.acquire() as conn, conn.transaction():
        # Near copies are found by similarity, which no unique index can hold: mints take turns
        # from here to their commit, so two near copies uploaded at once can't both pass. The
        # lock is held for a few statements (and a thumbnail comparison when a hash is near).
        await art_objects.lock_minting(conn)
        original = await near_duplicates.find_original(conn, storage, processed, _IMAGE_POOL)
        if original is not None:
            raise _duplicate(original)
        image_id = await art_objects.insert_image(
            conn,
            content_hash,
            processed.mime,
            processed.width,
            processed.height,
            size,
            keys,
            processed.placeholder,
            processed.dominant_color,
        )
        if image_id is None:  # lost a race with an identical upload
            raise _duplicate(await art_objects.object_id_by_hash(conn, content_hash) or 0)
        await image_hashes.insert(conn, image_id, processed.hashes)
        object_id = await art_objects.insert_art_object(conn, image_id, title, description, user_id)
        await provenance.append(conn, object_id, None, user_id, "mint")
        # The new object, read back by its owner (who always sees their own).
        photo = to_photo(present(await art_objects.get_card(conn, user_id, object_id)))
        await publish(conn, "photo.created", photo, subjects=[user_id])
    return photo


# --- reading ------------------------------------------------------------------------------


def encode_cursor(created_at: datetime, art_object_id: int) -> str:
    raw = f"{created_at.isoformat()}|{art_object_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _, ident = raw.partition("|")
        created_at = datetime.fromisoformat(stamp)
        if created_at.tzinfo is None:
            raise ValueError("naive time")
        return created_at, int(ident)
    except (ValueError, UnicodeDecodeError) as exc:
        raise AppError(ErrorCode.invalid_cursor) from exc


@dataclass(frozen=True)
class Listing:
    """Which page of the gallery a request asks for: one value from the route to the SQL."""

    cursor: str | None = None
    limit: int = 30
    owner_id: int | None = None
    creator_id: int | None = None
    favorites_only: bool = False
    query: str | None = None

    def cache_key(self) -> page_cache.PageKey | None:
        """The page cache's key when this is the first page of the whole gallery (as everyone
        opening the app asks for it) or of a search in it; None for any other page."""
        if self.cursor or self.owner_id or self.creator_id or self.favorites_only:
            return None
        return max(1, min(self.limit, MAX_PAGE)), (self.query or "").strip()


async def list_photos(
    pool: asyncpg.Pool, viewer_id: int | None, listing: Listing = Listing()
) -> PhotoPage:
    """One page as models: the reference the hot path's bytes are tested against
    (tests/test_listing_json.py) and the shape of the smaller listings (a user's collection)."""
    rows, next_cursor = await _page_rows(pool, viewer_id, listing)
    return PhotoPage(items=[to_photo(row) for row in rows], next_cursor=next_cursor)


async def list_photos_body(
    pool: asyncpg.Pool, viewer_id: int | None, listing: Listing
) -> tuple[bytes, str | None]:
    """Response bytes and, for an anonymous viewer, their ETag (the gallery's hot path: no model
    per row). The first page of the whole gallery comes from the page cache
    (services/page_cache.py); anything else is read."""
    key = listing.cache_key()
    if key is not None:
        page = await page_cache.cache_of(pool).page(key, lambda: _read_first_page(pool, key))
        if viewer_id is None:
            return page.body, page.etag
        body = await _for_viewer(pool, viewer_id, key, page)
        if body is not None:
            return body, None
    rows, next_cursor = await _page_rows(pool, viewer_id, listing)
    body = _page_json(rows, next_cursor)
    return body, etag_of(body) if viewer_id is None else None


async def _read_first_page(pool: asyncpg.Pool, key: page_cache.PageKey) -> Page:
    limit, query = key
    rows, next_cursor = await _page_rows(pool, None, Listing(limit=limit, query=query or None))
    return _cached_page(rows, next_cursor)


async def _for_viewer(
    pool: asyncpg.Pool, viewer_id: int, key: page_cache.PageKey, page: Page
) -> bytes | None:
    """The anonymous page with this viewer's favourites, when the viewer sees exactly what an
    anonymous viewer sees (no private collection open to them); None otherwise (then their
    own page is read: private objects may belong in it)."""

    async def read() -> page_cache.Overlay:
        async with pool.acquire() as conn:
            row = await art_objects.viewer_overlay(conn, viewer_id, list(page.ids))
        return page_cache.Overlay.of(page, row["sees_private"], row["favorite_ids"])

    overlay = await page_cache.cache_of(pool).overlay(viewer_id, key, page, read)
    if overlay.sees_private:
        return None
    return page.with_favorites(overlay.favorite_ids)


async def _page_rows(
    pool: asyncpg.Pool, viewer_id: int | None, listing: Listing
) -> tuple[list[asyncpg.Record], str | None]:
    """One page of card rows and the cursor of the next page (None on the last)."""
    after = decode_cursor(listing.cursor) if listing.cursor else None
    owner_id, creator_id = listing.owner_id, listing.creator_id
    if listing.favorites_only and viewer_id is None:
        raise AppError(ErrorCode.favorites_need_sign_in)
    query = (listing.query or "").strip() or None
    limit = max(1, min(listing.limit, MAX_PAGE))
    async with pool.acquire() as conn:
        if owner_id is not None:
            await ensure_collection_visible(conn, viewer_id, owner_id)
        favorites_of = viewer_id if listing.favorites_only else None
        if query is None:
            rows = await art_objects.list_cards(
                conn, viewer_id, limit + 1, after, owner_id, creator_id, favorites_of
            )
        else:
            rows = await art_objects.search_cards(
                conn,
                viewer_id,
                limit + 1,
                query,
                SEARCH_WINDOW,
                after,
                owner_id,
                creator_id,
                favorites_of,
            )
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor(last["created_at"], last["id"])
    return rows[:limit], next_cursor


# A search walks the newest W objects in keyset order first (cheap when matches are common) and
# looks through the GIN index only when they hold less than a page (cheap then: the matches are
# rare), in one statement (repositories/art_objects.search_query). W grows with the square
# root of the gallery's size, within these bounds.
SEARCH_WINDOW = (100, 2000)


async def ensure_collection_visible(conn: Connection, viewer_id: int | None, owner_id: int) -> None:
    owner = await users.get_for_viewer(conn, viewer_id, owner_id)
    if owner is None:
        raise AppError(ErrorCode.user_not_found)
    if not owner["can_view_collection"]:
        raise AppError(ErrorCode.collection_private)


async def get_photo(pool: asyncpg.Pool, viewer_id: int | None, art_object_id: int) -> Photo:
    async with pool.acquire() as conn:
        row = await art_objects.get_card(conn, viewer_id, art_object_id)
    if row is None:
        raise AppError(ErrorCode.photo_not_found)
    return to_photo(row)


async def get_provenance(
    pool: asyncpg.Pool, viewer_id: int | None, art_object_id: int
) -> list[ProvenanceEntry]:
    async with pool.acquire() as conn:
        if await art_objects.get_card(conn, viewer_id, art_object_id) is None:
            raise AppError(ErrorCode.photo_not_found)
        return await stories.provenance_of(conn, viewer_id, art_object_id)


async def get_story(pool: asyncpg.Pool, viewer_id: int | None, art_object_id: int) -> Story:
    async with pool.acquire() as conn:
        if await art_objects.get_card(conn, viewer_id, art_object_id) is None:
            raise AppError(ErrorCode.photo_not_found)
        story = await stories.story(conn, viewer_id, art_object_id)
    if story is None:  # deleted between the two reads
        raise AppError(ErrorCode.photo_not_found)
    return story


# --- changing -----------------------------------------------------------------------------


async def lock_visible(conn: Connection, user_id: int, art_object_id: int) -> asyncpg.Record:
    """Lock an object for a change; one the user may not see is "not found" like a missing one
    (a 403 would confirm that a private collection holds that id)."""
    current = await art_objects.lock_visible(conn, user_id, art_object_id)
    if current is None:
        raise AppError(ErrorCode.photo_not_found)
    return current


async def update_photo(
    pool: asyncpg.Pool, user_id: int, art_object_id: int, title: str | None, description: str | None
) -> Photo:
    if title is not None:
        title = _clean_title(title)
    if description is not None:
        description = _clean_description(description)
    async with pool.acquire() as conn, conn.transaction():
        current = await lock_visible(conn, user_id, art_object_id)
        if current["owner_id"] != user_id:
            raise AppError(ErrorCode.not_owner)
        await art_objects.update_text(conn, art_object_id, title, description)
        photo = to_photo(present(await art_objects.get_card(conn, user_id, art_object_id)))
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
        if await art_objects.changed_hands(conn, art_object_id):
            raise AppError(ErrorCode.photo_has_provenance)
        # Only a completed change of hands blocks deletion: otherwise anyone could pin any object
        # by proposing a trade for it. Pending deals that involve it end here instead.
        await trade_rules.fail_pending_with_object(conn, art_object_id, DELETED_REASON)
        await claim_codes_cancelled(conn, art_object_id)
        keys = await art_objects.delete_image(conn, current["image_id"])
        await publish(conn, "photo.deleted", PhotoDeleted(id=art_object_id), subjects=[user_id])
    page_cache.changed(pool)
    # Files go only after the commit: a rollback must never leave a row without its files.
    await asyncio.get_running_loop().run_in_executor(
        _IMAGE_POOL, _delete_files, storage, [key for key in keys if key is not None]
    )


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
