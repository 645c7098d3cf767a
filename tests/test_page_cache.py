"""The gallery's first page served from the in-process page cache (services/page_cache.py):
the same bytes as the uncached path, for anonymous and signed-in viewers; emptied by every event
that changes the listing, in every process, before anyone can see that event; bypassed while
the event listener is disconnected; ETag / 304 on anonymous pages."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from app.core.config import Settings
from app.main import create_app
from app.services import listing, page_cache
from app.services.page_cache import Page, PageCache
from tests.server_support import free_port, running_server
from tests.support import bearer, make_init_data, mint_objects, sign_in, until
from tests.test_realtime import Socket, latest_event_id, server_env

LIMIT = 24  # what the web app asks for (webapp/src/api/index.ts)


@pytest.fixture
async def app_client(
    settings: Settings, pool: asyncpg.Pool
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield app, http


async def settled(app: FastAPI, pool: asyncpg.Pool) -> None:
    """Every event written so far has been handed out by this app's listener (so none of them
    can empty the cache later in the test)."""
    wanted = await latest_event_id(pool)
    await until(
        lambda: (app.state.listener.last_id or 0) >= wanted, f"event {wanted} never arrived"
    )


async def listed(http: httpx.AsyncClient, headers: dict[str, str] | None = None) -> httpx.Response:
    response = await http.get("/api/photos", params={"limit": LIMIT}, headers=headers)
    assert response.status_code == 200, response.text
    return response


async def model_bytes(pool: asyncpg.Pool, viewer_id: int | None) -> bytes:
    """The reference: the pydantic models' own serialisation of the uncached read."""
    return (
        (await listing.list_photos(pool, viewer_id, listing.Listing(limit=LIMIT)))
        .model_dump_json()
        .encode()
    )


async def test_cached_pages_are_the_uncached_bytes_for_every_viewer(
    app_client: tuple[FastAPI, httpx.AsyncClient], pool: asyncpg.Pool
) -> None:
    app, http = app_client
    cache = page_cache.cache_of(app.state.pool)
    await until(lambda: cache.enabled, "the listener never listened")
    anna = await sign_in(http, 3201, "Anna")
    boris = await sign_in(http, 3202, 'Борис "q" \\ </script>')
    anna_id, boris_id = anna["user"]["id"], boris["user"]["id"]
    ids = await mint_objects(pool, anna_id, 20) + await mint_objects(pool, boris_id, 10, start=50)
    for who, photo_id in ((anna, ids[-1]), (anna, ids[3]), (boris, ids[-1])):
        assert (
            await http.put(f"/api/photos/{photo_id}/favorite", headers=bearer(who))
        ).status_code == 200

    await settled(app, pool)
    first = await listed(http)
    hits = cache.hits
    again = await listed(http)
    assert cache.hits == hits + 1, "the second anonymous read was not served from the cache"
    assert first.content == again.content == await model_bytes(pool, None)
    assert b'"next_cursor":"' in first.content and b'"is_favorite":true' not in first.content

    # Signed in: the cached items with the viewer's own favourites, byte for byte.
    for who, viewer_id in ((anna, anna_id), (boris, boris_id)):
        hits = cache.hits
        mine = await listed(http, bearer(who))
        assert cache.hits == hits + 1, "the signed-in page was not composed from the cache"
        assert mine.content == await model_bytes(pool, viewer_id)
        assert mine.headers["cache-control"] == "no-store" and "etag" not in mine.headers
        overlay_hits = cache.overlay_hits
        assert (await listed(http, bearer(who))).content == mine.content
        assert cache.overlay_hits == overlay_hits + 1, "the viewer's overlay was read again"
    assert (await listed(http, bearer(anna))).content.count(
        b'"is_favorite":true'
    ) == 1  # ids[3] is past the page

    # Other page sizes and pages are cached apart or not at all, and stay exact.
    for params in (
        {"limit": 5},
        {"limit": 100},
        {"cursor": first.json()["next_cursor"], "limit": LIMIT},
    ):
        response = await http.get("/api/photos", params=params)
        expected = await listing.list_photos(pool, None, listing.Listing(**params))
        assert response.content == expected.model_dump_json().encode(), params


async def test_a_private_collection_is_never_in_the_cached_page_and_its_viewers_get_their_own(
    app_client: tuple[FastAPI, httpx.AsyncClient], pool: asyncpg.Pool
) -> None:
    app, http = app_client
    cache = page_cache.cache_of(app.state.pool)
    await until(lambda: cache.enabled, "the listener never listened")
    anna, viewer, stranger = [
        await sign_in(http, 3300 + i, n) for i, n in enumerate(("Anna", "Vera", "Stan"))
    ]
    [hidden] = await mint_objects(pool, anna["user"]["id"], 1)
    [shown] = await mint_objects(pool, stranger["user"]["id"], 1, start=10)
    assert hidden in {i["id"] for i in (await listed(http)).json()["items"]}  # cached while public

    # Going private empties every cache at once: the next anonymous page no longer has it.
    assert (
        await http.patch("/api/me", json={"is_private": True}, headers=bearer(anna))
    ).status_code == 200
    assert [i["id"] for i in (await listed(http)).json()["items"]] == [shown]
    assert (await listed(http)).content == await model_bytes(pool, None)

    # A viewer whose request Anna accepted sees her object (their own page, not the cached one);
    # Anna sees her own; a stranger gets the cached page.
    for _ in range(2):  # the viewer's overlay (nothing private open to them) is kept
        assert hidden not in {i["id"] for i in (await listed(http, bearer(viewer))).json()["items"]}
    made = await http.post(
        "/api/profile_requests", json={"user_id": anna["user"]["id"]}, headers=bearer(viewer)
    )
    assert (
        await http.post(f"/api/profile_requests/{made.json()['id']}/accept", headers=bearer(anna))
    ).status_code == 200
    for who, sees_hidden in ((viewer, True), (anna, True), (stranger, False)):
        page = await listed(http, bearer(who))
        assert (hidden in {i["id"] for i in page.json()["items"]}) is sees_hidden
        assert page.content == await model_bytes(pool, who["user"]["id"])


async def test_every_listing_change_empties_the_cache_of_the_process_that_made_it(
    app_client: tuple[FastAPI, httpx.AsyncClient], pool: asyncpg.Pool
) -> None:
    """Through the API in this process: the service empties the cache right after its commit."""
    app, http = app_client
    cache = page_cache.cache_of(app.state.pool)
    await until(lambda: cache.enabled, "the listener never listened")
    anna, boris = await sign_in(http, 3401, "Anna"), await sign_in(http, 3402, "Boris")
    [photo_id] = await mint_objects(pool, anna["user"]["id"], 1)

    async def item() -> dict:
        await listed(http)  # fill the cache
        page = (await listed(http)).json()
        assert page["items"], page
        assert page == (
            await listing.list_photos(pool, None, listing.Listing(limit=LIMIT))
        ).model_dump(mode="json")
        return page["items"][0]

    assert (await item())["favorites_count"] == 0
    assert (
        await http.put(f"/api/photos/{photo_id}/favorite", headers=bearer(boris))
    ).status_code == 200
    assert (await item())["favorites_count"] == 1
    assert (
        await http.patch(f"/api/photos/{photo_id}", json={"title": "Renamed"}, headers=bearer(anna))
    ).status_code == 200
    assert (await item())["title"] == "Renamed"
    assert (
        await http.patch("/api/me", json={"display_name": "Anna K"}, headers=bearer(anna))
    ).status_code == 200
    assert (await item())["owner"]["display_name"] == "Anna K"
    # The messenger gives her another name at her next sign-in.
    init = make_init_data(user={"id": 3401, "first_name": "Anya"})
    assert (await http.post("/api/auth/max", json={"init_data": init})).status_code == 200
    assert (await item())["creator"]["display_name"] == "Anya"
    assert (
        await http.post(
            "/api/transfers",
            json={"photo_id": photo_id, "to_user_id": boris["user"]["id"]},
            headers=bearer(anna),
        )
    ).status_code == 201
    await settled(app, pool)  # a transfer leaves it to the listener (no call after its commit)
    assert (await item())["owner"]["id"] == boris["user"]["id"]
    # Events of each kind are in the log (what other processes invalidate from).
    kinds = {r["type"] for r in await pool.fetch("SELECT type FROM events")}
    assert {
        "photo.favorites_changed",
        "photo.updated",
        "user.updated",
        "ownership.changed",
    } <= kinds


async def test_a_search_first_page_is_cached_apart_exact_and_emptied_like_the_gallery(
    app_client: tuple[FastAPI, httpx.AsyncClient], pool: asyncpg.Pool
) -> None:
    app, http = app_client
    cache = page_cache.cache_of(app.state.pool)
    await until(lambda: cache.enabled, "the listener never listened")
    anna, boris = await sign_in(http, 3451, "Anna"), await sign_in(http, 3452, "Boris")
    ids = await mint_objects(pool, anna["user"]["id"], 6)
    for photo_id, title in zip(ids[:3], ("Закат над морем", "Закаты", "Sunset"), strict=True):
        patched = await http.patch(
            f"/api/photos/{photo_id}", json={"title": title}, headers=bearer(anna)
        )
        assert patched.status_code == 200
    assert (
        await http.put(f"/api/photos/{ids[1]}/favorite", headers=bearer(boris))
    ).status_code == 200
    await settled(app, pool)

    async def search(q: str, headers: dict[str, str] | None = None) -> httpx.Response:
        response = await http.get("/api/photos", params={"limit": LIMIT, "q": q}, headers=headers)
        assert response.status_code == 200, response.text
        return response

    async def reference(q: str, viewer_id: int | None = None) -> bytes:
        page = await listing.list_photos(pool, viewer_id, listing.Listing(limit=LIMIT, query=q))
        return page.model_dump_json().encode()

    first = await search("закат")
    hits = cache.hits
    assert (await search("  закат ")).content == first.content == await reference("закат")
    assert cache.hits == hits + 1, "the same search (but for spaces) was not served from the cache"
    assert [i["id"] for i in first.json()["items"]] == [ids[1], ids[0]]
    assert (await search("закат")).headers["etag"] == first.headers["etag"]
    # Another search, the plain gallery and a signed-in viewer's favourites stay apart and exact.
    assert (await search("sunset")).content == await reference("sunset")
    assert (await listed(http)).content == await model_bytes(pool, None)
    mine = await search("закат", bearer(boris))
    assert mine.content == await reference("закат", boris["user"]["id"])
    assert b'"is_favorite":true' in mine.content and mine.headers["cache-control"] == "no-store"
    # Only stop words: an empty page, cached like any other.
    assert (await search("и в на")).json() == {"items": [], "next_cursor": None}

    # A change that makes another object match is in the very next search.
    renamed = await http.patch(
        f"/api/photos/{ids[4]}", json={"title": "Красный закат"}, headers=bearer(anna)
    )
    assert renamed.status_code == 200
    after = await search("закат")
    assert [i["id"] for i in after.json()["items"]] == [ids[4], ids[1], ids[0]]
    assert after.content == await reference("закат")


def test_the_number_of_cached_pages_is_bounded() -> None:
    """Anyone can send new search texts: the pages they leave behind are bounded in number."""
    cache = PageCache(enabled=True)

    async def fill() -> None:
        for n in range(page_cache.MAX_PAGES + 10):

            async def read(n: int = n) -> Page:
                return Page.build([n], [b'{"id":%d,"is_favorite":false}' % n], None)

            await cache.page((30, f"query {n}"), read)

    asyncio.run(fill())
    assert 0 < len(cache.pages) <= page_cache.MAX_PAGES
    assert cache.get((30, f"query {page_cache.MAX_PAGES + 9}")) is not None  # the newest stays


def _page(n: int) -> Page:
    return Page.build([n], [b'{"id":%d,"is_favorite":false}' % n], None)


def test_viewer_overlays_are_bounded_in_number_and_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every signed-in viewer leaves an overlay: past the bound they are all dropped (then read
    again), so their count and bytes never grow past it."""
    monkeypatch.setattr(page_cache, "MAX_OVERLAYS", 3)
    cache = PageCache(enabled=True)
    page = _page(1)

    async def visit(viewer: int, favourites: list[int]) -> None:
        async def read() -> page_cache.Overlay:
            return page_cache.Overlay.of(page, False, favourites)

        await cache.overlay(viewer, (30, ""), page, read)

    async def visits() -> None:
        for viewer in (1, 2, 3):
            await visit(viewer, [1])
        assert len(cache.overlays) == 3
        await visit(4, [1])  # the fourth: the three before are dropped, it is kept
        assert list(cache.overlays) == [(4, (30, ""))]
        assert cache.overlay_bytes == cache.overlays[(4, (30, ""))].size((30, ""))
        monkeypatch.setattr(page_cache, "MAX_OVERLAY_BYTES", cache.overlay_bytes + 1)
        await visit(5, [1])  # over the byte budget: dropped again
        assert list(cache.overlays) == [(5, (30, ""))]

    asyncio.run(visits())


def test_favourite_counts_remembered_per_object_are_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(page_cache, "MAX_OVERLAYS", 2)
    cache = PageCache(enabled=True)
    for art_object_id in (1, 2, 3):
        cache.favorites_changed(10 + art_object_id, art_object_id, 1)
    assert cache._count_event == {3: 13}  # full at two: emptied, then the newest noted


def test_a_failed_read_is_not_kept_and_a_page_read_again_replaces_its_bytes() -> None:
    cache = PageCache(enabled=True)

    async def failing() -> Page:
        raise ConnectionError("the database went away")

    async def reads() -> None:
        with pytest.raises(ConnectionError):
            await cache.page((30, ""), failing)
        assert cache.pages == {} and cache.page_bytes == 0
        cache._keep((30, ""), _page(1))
        cache._keep((30, ""), _page(22))  # the same key again: its bytes counted once
        assert cache.page_bytes == _page(22).size

    asyncio.run(reads())


def test_a_favourite_from_an_app_without_a_listener_patches_nothing() -> None:
    page_cache.favorites_changed(object(), 1, 1, 1)  # type: ignore[arg-type]
    assert all(not c._count_event for c in page_cache._CACHES.values() if not c.enabled)


async def test_an_event_received_by_the_listener_empties_the_cache(
    app_client: tuple[FastAPI, httpx.AsyncClient], pool: asyncpg.Pool
) -> None:
    """A change made elsewhere (SQL with its event, as seeds and other processes do) is in the
    next page once this process's listener has handed out its event."""
    app, http = app_client
    cache = page_cache.cache_of(app.state.pool)
    await until(
        lambda: cache.enabled and app.state.listener.ready.is_set(), "the listener never listened"
    )
    anna = await sign_in(http, 3501, "Anna")
    [photo_id] = await mint_objects(pool, anna["user"]["id"], 1)
    await listed(http)
    assert (await listed(http)).json()["items"][0]["title"] == f"object {photo_id}"
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "UPDATE art_objects SET title = 'Changed elsewhere' WHERE id = $1", photo_id
        )
        event_id = await conn.fetchval(
            "INSERT INTO events (type, data) VALUES ('photo.updated', jsonb_build_object('id', $1::bigint)) RETURNING id",
            photo_id,
        )
    await until(
        lambda: (app.state.listener.last_id or 0) >= event_id,
        "the event never reached the listener",
    )
    assert (await listed(http)).json()["items"][0]["title"] == "Changed elsewhere"
    # An event that changes no card (a trade's) leaves the cache alone.
    await listed(http)
    hits = cache.hits
    await listed(http)
    assert cache.hits == hits + 1
    trade_event = await pool.fetchval(
        "INSERT INTO events (type, data, audience) VALUES ('trade.updated', '{}', ARRAY[1]::bigint[]) RETURNING id"
    )
    await until(
        lambda: (app.state.listener.last_id or 0) >= trade_event,
        "the event never reached the listener",
    )
    await listed(http)
    assert cache.hits == hits + 2


async def test_listener_loss_bypasses_the_cache_until_it_listens_again(
    app_client: tuple[FastAPI, httpx.AsyncClient], pool: asyncpg.Pool
) -> None:
    app, http = app_client
    listener, cache = app.state.listener, page_cache.cache_of(app.state.pool)
    await until(lambda: cache.enabled, "the listener never listened")
    anna = await sign_in(http, 3601, "Anna")
    [photo_id] = await mint_objects(pool, anna["user"]["id"], 1)
    await listed(http)
    assert (await listed(http)).json()["items"][0]["title"] == f"object {photo_id}"

    # The listener loses its connection and can't get a new one for a while (a bad address
    # stands in for a database that is away).
    dsn, listener.dsn = listener.dsn, f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere"
    killed = await pool.fetchval(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
        " WHERE datname = current_database() AND application_name = 'gallery-event-listener'"
    )
    assert killed == 1
    await until(lambda: not cache.enabled, "the cache stayed on without its listener")
    # Changed with no event at all: nothing could tell the cache. While the listener is away
    # every read goes to the database, so the change shows at once.
    await pool.execute("UPDATE art_objects SET title = 'Missed' WHERE id = $1", photo_id)
    hits, misses = cache.hits, cache.misses
    for _ in range(2):
        assert (await listed(http)).json()["items"][0]["title"] == "Missed"
    assert (cache.hits, cache.misses) == (hits, misses)  # bypassed, not even counted
    listener.dsn = dsn
    await until(lambda: cache.enabled, "the listener never listened again")
    await pool.execute("UPDATE art_objects SET title = 'Back' WHERE id = $1", photo_id)
    assert (await listed(http)).json()["items"][0]["title"] == "Back"  # emptied when re-enabled
    hits = cache.hits
    assert (await listed(http)).json()["items"][0]["title"] == "Back"
    assert cache.hits == hits + 1  # cached again


async def test_a_read_that_began_before_an_invalidation_is_not_kept() -> None:
    """The generation rule (services/page_cache.py) without a database: a page read while an
    event came in is served to the requests that were waiting, but never cached, and a request
    that arrives after the event does not join that read."""
    cache = PageCache()
    cache.enable()
    release = asyncio.Event()
    started: asyncio.Queue[int] = asyncio.Queue()
    reads = 0

    async def read() -> Page:
        nonlocal reads
        reads += 1
        number = reads
        started.put_nowait(number)
        await release.wait()
        return Page.build([number], [b'{"id":%d,"is_favorite":false}' % number], None)

    early = asyncio.create_task(cache.page((30, ""), read))
    joined = asyncio.create_task(cache.page((30, ""), read))
    assert await started.get() == 1
    assert reads == 1  # the second request joined the first read (it asked before it began)
    cache.invalidate()
    late = asyncio.create_task(cache.page((30, ""), read))
    assert await started.get() == 2  # after the event: a read of its own
    release.set()
    pages = await asyncio.gather(early, joined, late)
    assert [p.ids for p in pages] == [(1,), (1,), (2,)]
    cached = cache.get((30, ""))
    assert cached is not None and cached.ids == (2,)
    assert cached.body == b'{"items":[{"id":2,"is_favorite":false}],"next_cursor":null}'
    assert (
        cached.with_favorites({2}) == b'{"items":[{"id":2,"is_favorite":true}],"next_cursor":null}'
    )
    cache.disable()
    assert cache.get((30, "")) is None


async def test_etag_answers_304_for_an_unchanged_anonymous_page(
    app_client: tuple[FastAPI, httpx.AsyncClient], pool: asyncpg.Pool
) -> None:
    app, http = app_client
    await until(lambda: page_cache.cache_of(app.state.pool).enabled, "the listener never listened")
    anna = await sign_in(http, 3701, "Anna")
    [photo_id] = await mint_objects(pool, anna["user"]["id"], 1)
    for params in ({"limit": LIMIT}, {"limit": 3, "q": "object"}):
        first = await http.get("/api/photos", params=params)
        tag = first.headers["etag"]
        for sent in (tag, f"W/{tag}", f'"other", {tag}'):
            again = await http.get("/api/photos", params=params, headers={"If-None-Match": sent})
            assert again.status_code == 304 and again.content == b"", sent
            assert again.headers["etag"] == tag
            assert again.headers["cache-control"] == "public, max-age=5"
            assert again.headers["vary"] == "Authorization, X-Client-Host"
        assert (
            await http.get("/api/photos", params=params, headers={"If-None-Match": '"other"'})
        ).status_code == 200
    assert (
        await http.patch(f"/api/photos/{photo_id}", json={"title": "New"}, headers=bearer(anna))
    ).status_code == 200
    changed = await http.get("/api/photos", params={"limit": LIMIT}, headers={"If-None-Match": tag})
    assert (
        changed.status_code == 200
        and changed.headers["etag"] != tag
        and b'"New"' in changed.content
    )
    signed = await http.get(
        "/api/photos", params={"limit": LIMIT}, headers={**bearer(anna), "If-None-Match": tag}
    )
    assert signed.status_code == 200 and "etag" not in signed.headers


@pytest.fixture
async def two_processes(database_url: str, upload_dir: Path) -> AsyncIterator[tuple[str, str]]:
    """Two server processes on one database: each has its own listener and its own cache, as
    the workers of `--workers 2` do (separate ports, so the test knows which one it asks)."""
    env = server_env(database_url, upload_dir, WS_RESUME_GRACE="0.3")
    async with running_server(env) as first, running_server(env) as second:
        yield first, second


async def test_a_change_is_in_the_next_page_of_every_process_once_it_saw_the_event(
    two_processes: tuple[str, str], pool: asyncpg.Pool
) -> None:
    first, second = two_processes
    async with (
        httpx.AsyncClient(base_url=first, timeout=30) as a,
        httpx.AsyncClient(base_url=second, timeout=30) as b,
    ):
        anna, boris = await sign_in(a, 3801, "Anna"), await sign_in(a, 3802, "Boris")
        [photo_id] = await mint_objects(pool, anna["user"]["id"], 1)
        after = await latest_event_id(pool)
        sockets = [await Socket.open(base, after=after) for base in (first, second)]
        try:
            for step, (change, check) in enumerate(
                (
                    (
                        lambda: a.patch(
                            f"/api/photos/{photo_id}", json={"title": "One"}, headers=bearer(anna)
                        ),
                        lambda item: item["title"] == "One",
                    ),
                    (
                        lambda: b.put(f"/api/photos/{photo_id}/favorite", headers=bearer(boris)),
                        lambda item: item["favorites_count"] == 1,
                    ),
                    (
                        lambda: b.patch(
                            "/api/me", json={"display_name": "Anna Two"}, headers=bearer(anna)
                        ),
                        lambda item: item["owner"]["display_name"] == "Anna Two",
                    ),
                    (
                        lambda: a.post(
                            "/api/transfers",
                            json={"photo_id": photo_id, "to_user_id": boris["user"]["id"]},
                            headers=bearer(anna),
                        ),
                        lambda item: item["owner"]["id"] == boris["user"]["id"],
                    ),
                )
            ):
                for http in (a, b):  # both processes have the old page cached
                    for _ in range(2):
                        page = await listed(http)
                    assert not check(page.json()["items"][0]), step
                response = await change()
                assert response.status_code in (200, 201), response.text
                # The last event an anonymous socket gets (a transfer's own event is personal).
                wanted = await pool.fetchval("SELECT max(id) FROM events WHERE audience IS NULL")
                for socket, http in zip(sockets, (a, b), strict=True):
                    while (await socket.next_event())["id"] < wanted:
                        pass  # this process has handed out the change's last event
                    page = await listed(http)
                    assert check(page.json()["items"][0]), (step, page.json()["items"][0])
                    assert page.content == await model_bytes(pool, None)
            # Who sees a private collection: Boris (private, owning the photo now) accepts
            # Vera's request in process A; process B had Vera's overlay kept, and drops it
            # when its listener hands out the request's event.
            vera = await sign_in(a, 3803, "Vera")
            assert (
                await b.patch("/api/me", json={"is_private": True}, headers=bearer(boris))
            ).status_code == 200
            going_private = await pool.fetchval(
                "SELECT max(id) FROM events WHERE type = 'user.updated'"
            )
            while (await sockets[1].next_event())["id"] < going_private:
                pass  # process B has handed out the privacy change: nothing pending empties it
            for _ in range(2):
                assert photo_id not in {
                    i["id"] for i in (await listed(b, bearer(vera))).json()["items"]
                }
            made = await a.post(
                "/api/profile_requests", json={"user_id": boris["user"]["id"]}, headers=bearer(vera)
            )
            assert made.status_code == 201, made.text
            on_b = await Socket.open(
                second, vera["access_token"], after=await latest_event_id(pool)
            )
            sockets.append(on_b)
            accepted = await a.post(
                f"/api/profile_requests/{made.json()['id']}/accept", headers=bearer(boris)
            )
            assert accepted.status_code == 200, accepted.text
            while (await on_b.next_event())["type"] != "profile_request.updated":
                pass
            page = await listed(b, bearer(vera))
            assert photo_id in {i["id"] for i in page.json()["items"]}
            assert page.content == await model_bytes(pool, vera["user"]["id"])
        finally:
            for socket in sockets:
                await socket.conn.close()
