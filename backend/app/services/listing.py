"""The gallery's pages: cursors, search, and the first page served from the page cache
(services/page_cache.py) as bytes, without a model per row."""

import base64
from dataclasses import dataclass
from datetime import datetime

import asyncpg
import pydantic_core

from app.core.errors import AppError, ErrorCode
from app.repositories import photos
from app.schemas.photos import Photo, PhotoPage
from app.services import page_cache
from app.services.page_cache import Page, etag_of
from app.services.photos import PHOTO_URLS, PHOTO_USERS, ensure_collection_visible, to_photo
from app.services.shapes import plain_record

MAX_PAGE = 100


def _plain(row: asyncpg.Record) -> dict[str, object]:
    return plain_record(Photo, row, users=PHOTO_USERS, urls=PHOTO_URLS)


def _page_json(rows: list[asyncpg.Record], next_cursor: str | None) -> bytes:
    """A `PhotoPage` as JSON bytes straight from the rows: no pydantic model per row (the
    listing's largest cost), same bytes as `PhotoPage(...).model_dump_json()` (pydantic-core
    serialises both; tests/test_listing_json.py compares them)."""
    items = [_plain(row) for row in rows]
    return pydantic_core.to_json({"items": items, "next_cursor": next_cursor})


def _cached_page(rows: list[asyncpg.Record], next_cursor: str | None) -> Page:
    """`_page_json` item by item, for the page cache (the same bytes once joined)."""
    return Page.build(
        (row["id"] for row in rows),
        (pydantic_core.to_json(_plain(row)) for row in rows),
        next_cursor,
    )


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
            row = await photos.viewer_overlay(conn, viewer_id, list(page.ids))
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
            rows = await photos.list_cards(
                conn, viewer_id, limit + 1, after, owner_id, creator_id, favorites_of
            )
        else:
            rows = await photos.search_cards(
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
# rare), in one statement (repositories/photos.search_query). W grows with the square
# root of the gallery's size, within these bounds.
SEARCH_WINDOW = (100, 2000)
