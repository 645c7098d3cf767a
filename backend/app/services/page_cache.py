"""The anonymous first page of the gallery (and of each recent search), kept in this process
between changes.

`GET /api/photos` without a cursor or a filter is the hottest request of a gallery: everyone
opening the app asks for it, and it changes only when an event says so; the first page of a
search likewise (and popular searches repeat). So each process keeps those pages (one per page
size and search text) as ready JSON, item by item, and drops them all whenever the event
listener (realtime/listener.py) hands out an event that can change what the listing shows —
and, in the process that made a change, right after its commit, so its own next read sees it
before the event even arrives.

Freshness rule: a page is never older than any event this process has received. A page is
stored only if no invalidation happened while it was being read (`generation` unchanged): an
event received after the read began may not be in it. A page read after an invalidation began
after that event's commit (the listener sees an event only once it is committed), so it holds
it. Across processes each one invalidates from its own listener, like its sockets get events.

The cache works only while the listener is connected (`enable`/`disable`): during a lost
connection events may be missed, so every read goes to the database until it is back; the
listener re-enables the cache after it has listened again (every later commit will notify it).

Signed-in viewers get the same cached items with their own `is_favorite` set, when they may
see exactly what an anonymous viewer sees (no private collection is open to them): one small
query instead of the listing query (services/photos.py), and its answer (the viewer's
"overlay") is kept under the same rule, also emptied when a profile request changes.
"""

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Iterable
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
# Viewers whose overlay is kept; past this the overlays start again (each is one small query).
MAX_OVERLAYS = 10_000
# Pages kept (page sizes x search texts): anyone can send new search texts, so the memory they
# take is bounded (~20 KB a page); past this the pages start again.
MAX_PAGES = 512
# A page's key: the page size and the search text ("" for the plain gallery).
PageKey = tuple[int, str]
_NOT_FAVORITE = b'"is_favorite":false}'
_FAVORITE = b'"is_favorite":true}'


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

    @classmethod
    def build(cls, ids: Iterable[int], items: Iterable[bytes], next_cursor: str | None) -> "Page":
        items = tuple(items)
        tail = b'],"next_cursor":' + pydantic_core.to_json(next_cursor) + b"}"
        body = b'{"items":[' + b",".join(items) + tail
        return cls(tuple(ids), items, tail, body, etag_of(body))

    def with_favorites(self, favorite_ids: frozenset[int] | set[int]) -> bytes:
        """The page as a viewer with these favourites sees it (`is_favorite` is the last field
        of every item: tests/test_page_cache.py checks the bytes against the uncached path)."""
        if not favorite_ids.intersection(self.ids):
            return self.body
        items = [
            item[: -len(_NOT_FAVORITE)] + _FAVORITE if ident in favorite_ids else item
            for ident, item in zip(self.ids, self.items, strict=True)
        ]
        return b'{"items":[' + b",".join(items) + self.tail


@dataclass(frozen=True)
class Overlay:
    """What a signed-in viewer adds to one cached page (repositories/art_objects.viewer_overlay):
    whether a private collection is open to them, and their favourites among the page's items."""

    page: Page
    sees_private: bool
    favorite_ids: frozenset[int]


@dataclass(eq=False)
class PageCache:
    enabled: bool = False
    generation: int = 0
    pages: dict[PageKey, Page] = field(default_factory=dict)
    # One database read per page size at a time; a reader that arrives later joins it only if
    # no invalidation came in between (else it would get a page older than that event).
    _reading: dict[PageKey, tuple[int, asyncio.Future[Page]]] = field(default_factory=dict)
    hits: int = 0
    misses: int = 0
    # Per (viewer, page size), valid for the very page it was read against; emptied with the
    # pages, and also by events that change only who sees what (VIEWER_EVENTS).
    overlays: dict[tuple[int, PageKey], Overlay] = field(default_factory=dict)
    viewer_generation: int = 0
    overlay_hits: int = 0

    def invalidate(self) -> None:
        self.generation += 1
        self.pages.clear()
        self.viewers_changed()

    def viewers_changed(self) -> None:
        self.viewer_generation += 1
        self.overlays.clear()

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
        if found is not None and found.page is page:
            self.overlay_hits += 1
            return found
        generation = self.viewer_generation
        overlay = await read()
        if self.enabled and generation == self.viewer_generation and overlay.page is page:
            if len(self.overlays) >= MAX_OVERLAYS:
                self.overlays.clear()
            self.overlays[(viewer_id, key)] = overlay
        return overlay

    def _read_done(self, key: PageKey, generation: int, done: "asyncio.Future[Page]") -> None:
        if self._reading.get(key, (None, None))[1] is done:
            del self._reading[key]
        if done.cancelled() or done.exception() is not None:
            return  # the requests that waited got the error; nothing is stored
        if self.enabled and generation == self.generation:
            if len(self.pages) >= MAX_PAGES:
                self.pages.clear()
            self.pages[key] = done.result()


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


def affects_listing(event_type: str) -> bool:
    return event_type not in UNRELATED_EVENTS


def affects_viewers(event_type: str) -> bool:
    return event_type in VIEWER_EVENTS
