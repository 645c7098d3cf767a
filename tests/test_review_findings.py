"""Issue 19, the second outside review: one test per finding (N4-N9, secrets in URLs), each
replaying the review's probe and failing before its fix. Memory findings (N1-N3) are in
tests/test_memory_bounds.py, the replay order in tests/test_realtime.py and the web app's
LiveClient tests."""

import logging
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from app.services import listing, page_cache
from tests.conftest import app_client_for, make_settings
from tests.images import jpeg_with_gps, unique_png
from tests.s3_support import ACCESS_KEY, REGION, SECRET_KEY, moto_s3
from tests.support import bearer, mint_objects, sign_in, until
from tests.test_page_cache import app_client, settled  # noqa: F401 (fixture)
from tests.test_rate_limits import PREFIX, REDIS_URL, app_with_redis

# --------------------------------------------------------------------------- N4


async def test_n4_a_favourite_storm_patches_the_cached_page_instead_of_emptying_it(
    app_client: tuple[FastAPI, httpx.AsyncClient],  # noqa: F811
    pool: asyncpg.Pool,
) -> None:
    """N4: one account toggling a favourite emptied every worker's cache at each event (727 ->
    76 anonymous pages/s). Now the count is patched into the cached items: every anonymous read
    during the storm is a cache hit, and its bytes are the uncached read's."""
    app, http = app_client
    cache = page_cache.cache_of(app.state.pool)
    await until(lambda: cache.enabled and app.state.listener.ready.is_set(), "never listened")
    fan = await sign_in(http, 1941, "Fan")
    ids = await mint_objects(pool, fan["user"]["id"], 5)
    await settled(app, pool)
    await http.get("/api/photos", params={"limit": 24})  # cached
    misses = cache.misses
    for n in range(10):
        verb = http.put if n % 2 == 0 else http.delete
        answer = await verb(f"/api/photos/{ids[-1]}/favorite", headers=bearer(fan))
        assert answer.status_code == 200
        await settled(app, pool)  # this process's listener handed the event out
        page = await http.get("/api/photos", params={"limit": 24})
        expected = await listing.list_photos(pool, None, listing.Listing(limit=24))
        assert page.content == expected.model_dump_json().encode(), n
        assert page.json()["items"][0]["favorites_count"] == (1 if n % 2 == 0 else 0)
    assert cache.misses == misses, "a favourite emptied the cached page"


async def test_n4_every_event_making_write_has_a_per_user_limit(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool
) -> None:
    """N4: favourites, `PATCH /api/photos/{id}` and `PATCH /api/me` had no limit (each makes an
    event every socket gets). Now each has one per user, and the other event-making writes
    share `event_write`."""
    settings = make_settings(
        database_url,
        upload_dir,
        redis_url=REDIS_URL,
        redis_key_prefix=f"{PREFIX}-n4-{uuid.uuid4().hex[:6]}",
        rate_limit_favorite="4/minute",
        rate_limit_photo_edit="3/minute",
        rate_limit_profile_edit="3/minute",
        rate_limit_event_write="3/minute",
    )
    async with app_with_redis(settings) as (_, http):
        anna, boris = await sign_in(http, 1942, "Anna"), await sign_in(http, 1943, "Boris")
        [photo] = await mint_objects(pool, anna["user"]["id"], 1)
        probes = {
            "favorite": lambda i: http.request(
                "PUT" if i % 2 == 0 else "DELETE",
                f"/api/photos/{photo}/favorite",
                headers=bearer(anna),
            ),
            "photo_edit": lambda i: http.patch(
                f"/api/photos/{photo}", json={"title": f"t{i}"}, headers=bearer(anna)
            ),
            "profile_edit": lambda i: http.patch(
                "/api/me", json={"display_name": f"Anna {i}"}, headers=bearer(anna)
            ),
            # Answering or withdrawing (here: a request that is not there, 404) counts too.
            "event_write": lambda i: http.delete(
                f"/api/profile_requests/{900 + i}", headers=bearer(anna)
            ),
        }
        for name, probe in probes.items():
            allowed = getattr(settings, f"rate_limit_{name}").split("/")[0]
            codes = [(await probe(i)).status_code for i in range(int(allowed) + 1)]
            assert 429 not in codes[:-1] and codes[0] != 500, (name, codes)
            assert codes[-1] == 429, (name, codes)
        # Per user: Boris still edits his name.
        renamed = await http.patch(
            "/api/me", json={"display_name": "Boris B"}, headers=bearer(boris)
        )
        assert renamed.status_code == 200


# --------------------------------------------------------------------------- N5


async def test_n5_transfers_and_used_claim_codes_show_nothing_of_a_private_new_owner(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """N5: the giver's `GET /api/transfers?role=sent` showed the object's new title and owner
    after a private user claimed and renamed it, and an anonymous claim preview of the used
    code showed the title, thumbnails and `claimed_by`. Now the transfer's photo follows the
    collection rule for its current owner, and a preview shows the object only while pending."""
    giver, taker = await sign_in(client, 1951, "Giver"), await sign_in(client, 1952, "Taker")
    [photo] = await mint_objects(pool, giver["user"]["id"], 1)
    made = await client.post("/api/transfers", json={"photo_id": photo}, headers=bearer(giver))
    assert made.status_code == 201, made.text
    code = made.json()["claim_token"]
    pending = await client.post("/api/transfers/claim/preview", json={"token": code})
    assert pending.json()["photo"]["id"] == photo  # while pending: what the code gives

    private = await client.patch("/api/me", json={"is_private": True}, headers=bearer(taker))
    assert private.status_code == 200
    claimed = await client.post("/api/transfers/claim", json={"token": code}, headers=bearer(taker))
    assert claimed.status_code == 200 and claimed.json()["photo"]["id"] == photo  # the owner's
    renamed = await client.patch(
        f"/api/photos/{photo}", json={"title": "Secret new title"}, headers=bearer(taker)
    )
    assert renamed.status_code == 200

    sent = await client.get("/api/transfers", params={"role": "sent"}, headers=bearer(giver))
    assert sent.status_code == 200
    assert "Secret new title" not in sent.text
    assert [t["photo"] for t in sent.json()["items"]] == [None]
    received = await client.get(
        "/api/transfers", params={"role": "received"}, headers=bearer(taker)
    )
    assert received.json()["items"][0]["photo"]["title"] == "Secret new title"  # own object

    for who in (None, giver, taker):
        used = await client.post(
            "/api/transfers/claim/preview",
            json={"token": code},
            headers=bearer(who) if who else {},
        )
        assert used.status_code == 200, used.text
        body = used.json()
        assert body["status"] == "completed" and body["photo"] is None
        assert "Secret new title" not in used.text
        # Who took it: only the two parties learn it.
        assert (body["claimed_by"] is not None) == (who is not None), who


# --------------------------------------------------------------------------- N6


async def test_n6_people_search_does_not_match_login_username_words(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """N6: `paula_login_7` found the user whose username no response shows, word by word. Now
    people search matches display-name words, and a username only when typed whole."""
    me = await sign_in(client, 1961, "Searcher")
    paula = await sign_in(client, 1962, "Zed Quiet")
    await pool.execute(
        "UPDATE users SET username = 'paula_login_7' WHERE id = $1", paula["user"]["id"]
    )

    async def found(q: str) -> list[int]:
        r = await client.get("/api/users", params={"q": q}, headers=bearer(me))
        assert r.status_code == 200, r.text
        return [u["id"] for u in r.json()["items"]]

    for partial in ("paula", "paula login", "login", "paula_login"):
        assert await found(partial) == [], partial
    assert await found("paula_login_7") == [paula["user"]["id"]]  # typed whole
    assert await found("PAULA_LOGIN_7") == [paula["user"]["id"]]
    assert await found("zed") == [paula["user"]["id"]]  # the shown name


# --------------------------------------------------------------------------- N7


async def test_n7_a_cross_site_logout_without_the_csrf_header_clears_nothing(
    client: httpx.AsyncClient,
) -> None:
    """N7: `POST /api/auth/logout` with an empty form body from `Origin: evil.example`, no
    cookie and no `X-Requested-With` answered 204 and cleared the desktop's refresh cookie."""
    evil = await client.post(
        "/api/auth/logout",
        content=b"",
        headers={
            "Origin": "https://evil.example",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert evil.status_code == 403, evil.text
    assert evil.json()["detail"]["code"] == "csrf_header_missing"
    assert "set-cookie" not in evil.headers
    # The web app's own logout (the header, no body) still clears the cookie.
    own = await client.post("/api/auth/logout", headers={"X-Requested-With": "fetch"})
    assert own.status_code == 204 and "gallery_refresh=" in own.headers["set-cookie"]
    # A messenger client's logout carries its token in the body: no header needed.
    user = await sign_in(client, 1971, "Phone")
    body = await client.post("/api/auth/logout", json={"refresh_token": user["refresh_token"]})
    assert body.status_code == 204 and "set-cookie" not in body.headers
    again = await client.post("/api/auth/refresh", json={"refresh_token": user["refresh_token"]})
    assert again.status_code == 401


# --------------------------------------------------------------------------- N8, URLs


async def test_n8_no_token_or_secret_is_read_from_a_url(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """N8 and the URL-secret item: `GET /api/trades/by-token/<token>` (in nginx's access log,
    valid 7 days), `GET /api/auth/qr/{id}?secret=`, `…/qr.png?secret=` and the transfer and
    trade `qr.png?token=` were all answered. Now the URL forms are gone; the body or a header
    carries every token."""
    anna, boris = await sign_in(client, 1981, "Anna"), await sign_in(client, 1982, "Boris")
    [a1] = await mint_objects(pool, anna["user"]["id"], 1)
    [b1] = await mint_objects(pool, boris["user"]["id"], 1, start=10)
    trade = await client.post(
        "/api/trades",
        json={"offered_photo_ids": [a1], "requested_photo_ids": [b1]},
        headers=bearer(anna),
    )
    token = trade.json()["token"]
    assert (await client.get(f"/api/trades/by-token/{token}")).status_code in (404, 405, 422)
    assert (await client.post("/api/trades/by-token", json={"token": token})).status_code == 200

    login = (await client.post("/api/auth/qr")).json()
    rid, secret = login["request_id"], login["secret"]
    for path in (f"/api/auth/qr/{rid}", f"/api/auth/qr/{rid}/qr.png"):
        in_url = await client.get(path, params={"secret": secret})
        assert in_url.status_code == 422, (path, in_url.text)
        assert in_url.json()["detail"]["code"] == "qr_secret_missing"
        assert (await client.get(path, headers={"X-QR-Secret": secret})).status_code == 200

    gift = await client.post("/api/transfers", json={"photo_id": a1}, headers=bearer(anna))
    for path, item_token in (
        (f"/api/transfers/{gift.json()['id']}/qr.png", gift.json()["claim_token"]),
        (f"/api/trades/{trade.json()['id']}/qr.png", token),
    ):
        in_url = await client.get(path, params={"token": item_token}, headers=bearer(anna))
        assert in_url.status_code == 422, (path, in_url.text)
        in_header = await client.get(path, headers={**bearer(anna), "X-Link-Token": item_token})
        assert in_header.status_code == 200 and in_header.content.startswith(b"\x89PNG")


# --------------------------------------------------------------------------- N9


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 4 MiB tmpfs, filled but for ~100 KiB: writes end in ENOSPC (needs root, as the
    test machines and CI run; the mount is undone afterwards)."""
    root = tmp_path / "full"
    root.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(root)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert mounted.returncode == 0, f"this test mounts a tmpfs (root needed): {mounted.stderr}"
    try:
        (root / "filler").write_bytes(b"\0" * (4 * 1024 * 1024 - 100 * 1024))
        yield root
    finally:
        subprocess.run(["umount", str(root)], check=False)


async def test_n9_a_full_upload_disk_is_its_own_error_logged_cleaned_and_on_health(
    database_url: str, full_disk: Path, pool: asyncpg.Pool, caplog: pytest.LogCaptureFixture
) -> None:
    """N9: a full upload disk answered 503 "database unavailable", logged nothing at warning,
    left `.part` files, and /health stayed green. Now: 507 `storage_full`, a warning line,
    no `.part` left, and /health says storage "full"."""
    settings = make_settings(database_url, full_disk)
    async with app_client_for(settings) as http:
        user = await sign_in(http, 1991, "Uploader")
        with caplog.at_level(logging.WARNING, logger="app.services.uploads"):
            response = await http.post(
                "/api/photos/upload",
                files={"file": ("big.jpg", jpeg_with_gps((2400, 1800)))},
                data={"title": "too big for the disk"},
                headers=bearer(user),
            )
        assert response.status_code == 507, response.text
        assert response.json()["detail"]["code"] == "storage_full"
        assert any("storage full" in r.getMessage() for r in caplog.records)
        assert list((full_disk / ".tmp").glob("*.part")) == []
        health = (await http.get("/health")).json()
        assert health["storage"] == "full" and health["status"] == "degraded"
    assert await pool.fetchval("SELECT count(*) FROM images") == 0


async def test_n9_a_missing_bucket_is_storage_unavailable_not_the_database(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool, caplog: pytest.LogCaptureFixture
) -> None:
    """N9: an S3 bucket that does not exist was "database unavailable". Now 503
    `storage_unavailable` with a warning line, and /health says storage "down"."""
    async with moto_s3() as endpoint:
        settings = make_settings(
            database_url,
            upload_dir,
            storage="s3",
            s3_endpoint=endpoint,
            s3_bucket="no-such-bucket-" + uuid.uuid4().hex[:8],
            s3_region=REGION,
            s3_access_key_id=ACCESS_KEY,
            s3_secret_access_key=SECRET_KEY,
        )
        async with app_client_for(settings) as http:
            user = await sign_in(http, 1992, "Uploader")
            with caplog.at_level(logging.WARNING, logger="app.services.uploads"):
                response = await http.post(
                    "/api/photos/upload",
                    files={"file": ("a.png", unique_png(1992))},
                    data={"title": "nowhere to go"},
                    headers=bearer(user),
                )
            assert response.status_code == 503, response.text
            assert response.json()["detail"]["code"] == "storage_unavailable"
            assert any("storage unavailable" in r.getMessage() for r in caplog.records)
            health = (await http.get("/health")).json()
            assert health["storage"] == "down" and health["status"] == "degraded"
