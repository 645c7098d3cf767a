"""The anonymous first page of the gallery (and of each recent search), kept in this process
between changes: it is the hottest request and changes only when an event says so. A page is
never older than any event this process has received. How: docs/internals.md, "Page cache".
"""

import asyncio
import hashlib
import itertools
from array import array
from collections.abc import Awaitable, Callable, Collection, Iterable
from dataclasses import dataclass, field

import asyncpg
import pydantic_core

# Events that cannot change what the anonymous listing shows; every other type (including one
# added later) empties the cache, so forgetting to list a new type costs speed, not freshness.
UNRELATED_EVENTS = frozenset(
    {"trade.created", "trade.updated", "transfer.updated", "profile_request.updated",
     "auth.qr_approved", "showcase.updated"}
)  # fmt: skip
# Events that can change what a signed-in viewer sees beyond the anonymous page: an accepted
# (or withdrawn) profile request opens (or closes) a private collection to its requester.
VIEWER_EVENTS = frozenset({"profile_request.updated"})
# The one event whose only effect on a card is a number: patched in place, never emptying.
FAVORITES_EVENT = "photo.favorites_changed"
# Viewers whose overlay is kept; past this the overlays start again (each is one small query).
MAX_OVERLAYS = 10_000
# Bytes the overlays may take in all (an overlay: its key, the search text, up to 100 ids).
MAX_OVERLAY_BYTES = 8 * 1024 * 1024
# Pages kept (page sizes x search texts): anyone can send new search texts, so their number is
# bounded; past this the oldest go.
MAX_PAGES = 512
# ...and so are their bytes: a page of 100 objects with 4,000-character descriptions is ~1.5 MB
# (body + items), so 512 such pages were 780 MB. Past this the oldest pages go; a page larger
# than the whole budget is served but not kept.
MAX_PAGE_BYTES = 16 * 1024 * 1024
_OVERLAY_OVERHEAD = 400  # dict entry, key tuple, Overlay object, array header (measured ~350)
_PAGE_OVERHEAD = 200  # per item: the bytes object and tuple slots around its JSON
# A page's key: the page size and the search text ("" for the plain gallery).
PageKey = tuple[int, str]
_NOT_FAVORITE = b'"is_favorite":false}'
_FAVORITE = b'"is_favorite":true}'
_COUNT = b'"favorites_count":'
_SERIALS = itertools.count(1)


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


@dataclass(frozen=True)
class Page:
    """One first page as an anonymous viewer gets it, with its items kept apart so a signed-in
    viewer's favourites can be set without serialising anything again."""

    ids: tuple[int, ...]
    items: tuple[bytes, ...]  # each item's JSON, ending in `"is_favorite":false}`
    tail: bytes  # `],"next_cursor":...}`
    body: bytes
    etag: str
    # Which page this is (an overlay names the page it was read against by this number).
    serial: int
    size: int  # bytes it keeps alive, counted against MAX_PAGE_BYTES

    @classmethod
    def build(cls, ids: Iterable[int], items: Iterable[bytes], next_cursor: str | None) -> "Page":
        items = tuple(items)
        tail = b'],"next_cursor":' + pydantic_core.to_json(next_cursor) + b"}"
        body = b'{"items":[' + b",".join(items) + tail
        size = len(body) + sum(len(item) + _PAGE_OVERHEAD for item in items)
        return cls(tuple(ids), items, tail, body, etag_of(body), next(_SERIALS), size)

    def with_count(self, art_object_id: int, count: int) -> "Page | None":
        """This page with one item's `favorites_count` set (None when it does not hold that
        object). `"favorites_count":` can only be the field itself: a quote inside a string
        is escaped, and the fields after it (dates, is_favorite) hold no such text."""
        if art_object_id not in self.ids:
            return None
        items = list(self.items)
        at = self.ids.index(art_object_id)
        item = items[at]
        start = item.rindex(_COUNT) + len(_COUNT)
        end = item.index(b",", start)
        items[at] = item[:start] + str(count).encode() + item[end:]
        body = b'{"items":[' + b",".join(items) + self.tail
        size = len(body) + sum(len(i) + _PAGE_OVERHEAD for i in items)
        # Same serial: which objects it holds, so every overlay read against it, is unchanged.
        return Page(self.ids, tuple(items), self.tail, body, etag_of(body), self.serial, size)

    def with_favorites(self, favorite_ids: Collection[int]) -> bytes:
        """The page as a viewer with these favourites sees it (`is_favorite` is the last field
        of every item: tests/test_page_cache.py checks the bytes against the uncached path)."""
        favorite_ids = set(favorite_ids).intersection(self.ids)
        if not favorite_ids:
            return self.body
        items = [
            item[: -len(_NOT_FAVORITE)] + _FAVORITE if ident in favorite_ids else item
            for ident, item in zip(self.ids, self.items, strict=True)
        ]
        return b'{"items":[' + b",".join(items) + self.tail


@dataclass(frozen=True)
class Overlay:
    """What a signed-in viewer adds to one cached page (repositories/photos.viewer_overlay):
    whether a private collection is open to them, and their favourites among the page's items."""

    page_serial: int  # the page it was read against (not the page: that would keep it alive)
    sees_private: bool
    favorite_ids: "array[int]"  # int64: 8 bytes an id, where a frozenset costs ~80

    @classmethod
    def of(cls, page: Page, sees_private: bool, favorite_ids: Iterable[int]) -> "Overlay":
        return cls(page.serial, sees_private, array("q", sorted(favorite_ids)))

    def size(self, key: PageKey) -> int:
        return _OVERLAY_OVERHEAD + len(key[1].encode()) + 8 * len(self.favorite_ids)


@dataclass(eq=False)
class PageCache:
    enabled: bool = False
    generation: int = 0
    pages: dict[PageKey, Page] = field(default_factory=dict)  # oldest first
    page_bytes: int = 0
    # One database read per page size at a time; a reader that arrives later joins it only if
    # no invalidation came in between (else it would get a page older than that event).
    _reading: dict[PageKey, tuple[int, asyncio.Future[Page]]] = field(default_factory=dict)
    hits: int = 0
    misses: int = 0
    # Per (viewer, page size), valid for the very page it was read against; emptied with the
    # pages, and also by events that change only who sees what (VIEWER_EVENTS).
    overlays: dict[tuple[int, PageKey], Overlay] = field(default_factory=dict)
    overlay_bytes: int = 0
    viewer_generation: int = 0
    overlay_hits: int = 0
    # The newest favourites event patched in, per object: the writing process patches right
    # after its commit, and its listener may already have patched a newer count by then.
    _count_event: dict[int, int] = field(default_factory=dict)

    def invalidate(self) -> None:
        self.generation += 1
        self.pages.clear()
        self.page_bytes = 0
        self._count_event.clear()
        self.viewers_changed()

    def viewers_changed(self) -> None:
        self.viewer_generation += 1
        self.overlays.clear()
        self.overlay_bytes = 0

    def favorites_changed(self, event_id: int, art_object_id: int, count: int) -> None:
        """An object's favourite count is now `count` (as of event `event_id`): the cached
        items that show it get the number; nothing is emptied but the overlays (someone's own
        `is_favorite` changed, and the event does not say whose)."""
        # A read running now may have read the old count: it must not be kept.
        self.generation += 1
        self.viewers_changed()
        if self._count_event.get(art_object_id, 0) >= event_id:
            return  # a newer count is in already
        if len(self._count_event) >= MAX_OVERLAYS:
            self._count_event.clear()
        self._count_event[art_object_id] = event_id
        for key, page in list(self.pages.items()):
            patched = page.with_count(art_object_id, count)
            if patched is not None:
                self.page_bytes += patched.size - page.size
                self.pages[key] = patched

    def enable(self) -> None:
        """The listener listens (again): from now on every commit reaches it."""
        self.invalidate()
        self.enabled = True

    def disable(self) -> None:
        """The listener lost its connection (or stopped): events may be missed, so bypass."""
        self.invalidate()
        self.enabled = False

    def get(self, key: PageKey) -> Page | None:
        page = self.pages.get(key) if self.enabled else None
        if page is not None:
            self.hits += 1
        return page

    async def page(self, key: PageKey, read: Callable[[], Awaitable[Page]]) -> Page:
        """The cached page, or `read()` once for every request that arrives while it runs."""
        page = self.get(key)
        if page is not None:
            return page
        if not self.enabled:
            return await read()
        self.misses += 1
        generation = self.generation
        running = self._reading.get(key)
        if running is None or running[0] != generation:
            # A task of its own: a request that goes away (client closed) does not cancel the
            # read the others wait for.
            task = asyncio.ensure_future(read())
            running = self._reading[key] = (generation, task)
            task.add_done_callback(lambda done: self._read_done(key, generation, done))
        return await asyncio.shield(running[1])

    async def overlay(
        self, viewer_id: int, key: PageKey, page: Page, read: Callable[[], Awaitable[Overlay]]
    ) -> Overlay:
        """This viewer's overlay of `page`: kept from an earlier request while no event came in
        since it was read (the same generation rule as the pages), else `read()`."""
        found = self.overlays.get((viewer_id, key)) if self.enabled else None
        if found is not None and found.page_serial == page.serial:
            self.overlay_hits += 1
            return found
        generation = self.viewer_generation
        overlay = await read()
        kept = generation == self.viewer_generation and overlay.page_serial == page.serial
        if self.enabled and kept:
            size = overlay.size(key)
            old = self.overlays.pop((viewer_id, key), None)
            if old is not None:
                self.overlay_bytes -= old.size(key)
            if len(self.overlays) >= MAX_OVERLAYS or self.overlay_bytes + size > MAX_OVERLAY_BYTES:
                self.viewers_changed()
            self.overlays[(viewer_id, key)] = overlay
            self.overlay_bytes += size
        return overlay

    def _read_done(self, key: PageKey, generation: int, done: "asyncio.Future[Page]") -> None:
        if self._reading.get(key, (None, None))[1] is done:
            del self._reading[key]
        if done.cancelled() or done.exception() is not None:
            return  # the requests that waited got the error; nothing is stored
        if self.enabled and generation == self.generation:
            self._keep(key, done.result())

    def _keep(self, key: PageKey, page: Page) -> None:
        """Store a page within MAX_PAGES and MAX_PAGE_BYTES, dropping the oldest first."""
        if page.size > MAX_PAGE_BYTES:
            return
        old = self.pages.pop(key, None)
        if old is not None:
            self.page_bytes -= old.size
        while self.pages and (
            len(self.pages) >= MAX_PAGES or self.page_bytes + page.size > MAX_PAGE_BYTES
        ):
            oldest = next(iter(self.pages))
            self.page_bytes -= self.pages.pop(oldest).size
        self.pages[key] = page
        self.page_bytes += page.size


# By id() of the pool (asyncpg's Pool takes no weak reference). An id is reused only after its
# pool is gone, whose listener disabled and emptied the cache when it stopped; a new listener
# empties it again before enabling it.
_CACHES: dict[int, PageCache] = {}


def cache_of(pool: asyncpg.Pool) -> PageCache:
    """The cache of the app that owns this pool (one per app; tests make several apps in one
    process). A pool no listener serves has a cache that stays disabled."""
    cache = _CACHES.get(id(pool))
    if cache is None:
        cache = _CACHES[id(pool)] = PageCache()
    return cache


def changed(pool: asyncpg.Pool) -> None:
    """Called by a service right after it committed a change the listing shows: this process's
    next read sees it even before the event reaches the listener."""
    cache = _CACHES.get(id(pool))
    if cache is not None:
        cache.invalidate()


def viewers_changed(pool: asyncpg.Pool) -> None:
    """Called by a service right after it committed a change of who may see a private
    collection (a profile request answered or withdrawn)."""
    cache = _CACHES.get(id(pool))
    if cache is not None:
        cache.viewers_changed()


def favorites_changed(pool: asyncpg.Pool, event_id: int, art_object_id: int, count: int) -> None:
    """Called by the favouriting service right after its commit (PageCache.favorites_changed)."""
    cache = _CACHES.get(id(pool))
    if cache is not None:
        cache.favorites_changed(event_id, art_object_id, count)


def affects_listing(event_type: str) -> bool:
    """Empties the pages (a favourites event only patches them: PageCache.favorites_changed)."""
    return event_type not in UNRELATED_EVENTS and event_type != FAVORITES_EVENT


def affects_viewers(event_type: str) -> bool:
    return event_type in VIEWER_EVENTS
