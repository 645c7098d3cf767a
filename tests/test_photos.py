"""Upload pipeline, gallery listing, provenance, edit/delete, favorites — real DB and files."""

import asyncio
import errno
import io
import tempfile
from pathlib import Path
from typing import BinaryIO

import asyncpg
import httpx
import pytest
from PIL import Image

from app.core.config import Settings
from app.media.storage import LocalStorage
from app.repositories import provenance
from app.server.body_limit import DRAIN_MAX_BYTES
from app.services import uploads
from tests.images import jpeg_with_gps, png_bomb, unique_png
from tests.support import bearer, sign_in, upload


def stored_files(upload_dir: Path) -> list[Path]:
    return [p for p in upload_dir.rglob("*") if p.is_file() and ".tmp" not in p.parts]


async def test_upload_mints_an_art_object_with_history_and_event(
    client: httpx.AsyncClient, pool: asyncpg.Pool, upload_dir: Path
) -> None:
    anna = await sign_in(client)
    response = await upload(
        client, anna, unique_png(1), title="  Закат над морем ", description="first"
    )
    assert response.status_code == 201, response.text
    photo = response.json()
    assert photo["title"] == "Закат над морем"
    assert photo["owner"]["id"] == photo["creator"]["id"] == anna["user"]["id"]
    assert photo["mime"] == "image/png" and photo["width"] == 64 and photo["height"] == 48
    assert photo["thumb_url"].startswith("/media/") and photo["placeholder"]
    assert (
        photo["thumb_2x_url"].startswith("/media/") and photo["thumb_2x_url"] != photo["thumb_url"]
    )
    assert len(stored_files(upload_dir)) == 4  # original + thumb + thumb_2x + preview
    rows = await pool.fetch("SELECT reason, from_user_id, to_user_id FROM ownership_history")
    assert [tuple(r) for r in rows] == [("mint", None, anna["user"]["id"])]
    event = await pool.fetchrow(
        "SELECT type, data, audience FROM events WHERE type = 'photo.created'"
    )
    assert event["data"]["id"] == photo["id"] and event["audience"] is None
    thumb = await client.get(photo["thumb_url"])
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/webp"
    assert "immutable" in thumb.headers["cache-control"] and thumb.headers.get("etag")


async def test_gps_exif_absent_from_every_served_rendition(
    client: httpx.AsyncClient, upload_dir: Path
) -> None:
    anna = await sign_in(client)
    original = jpeg_with_gps()
    assert b"TestCam" in original
    photo = (
        await upload(client, anna, original, filename="gps.jpg", content_type="image/jpeg")
    ).json()
    for url in (photo["thumb_url"], photo["thumb_2x_url"], photo["preview_url"]):
        body = (await client.get(url)).content
        assert b"Exif" not in body and b"TestCam" not in body
        assert not Image.open(io.BytesIO(body)).getexif()
    # Originals keep their bytes (they define the content hash) and are never served.
    assert (await client.get("/originals/x.jpg")).status_code == 404
    assert not any("originals" in p for p in (photo["thumb_url"], photo["preview_url"]))


@pytest.mark.parametrize(
    ("data", "filename", "status", "code"),
    [
        (b"just some text pretending", "photo.jpg", 415, "unsupported_media_type"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "x.png", 415, "unsupported_media_type"),
        (b"<html><script>alert(1)</script></html>", "x.gif", 415, "unsupported_media_type"),
        (b"", "empty.png", 415, "unsupported_media_type"),
        (png_bomb(), "bomb.png", 422, "image_too_large"),
        (unique_png(5)[:60], "truncated.png", 422, "image_corrupt"),
    ],
    ids=["text-as-jpg", "svg", "html", "zero-bytes", "bomb", "truncated"],
)
async def test_hostile_files_refused_and_nothing_stored(
    client: httpx.AsyncClient,
    pool: asyncpg.Pool,
    upload_dir: Path,
    data: bytes,
    filename: str,
    status: int,
    code: str,
) -> None:
    anna = await sign_in(client)
    response = await upload(client, anna, data, filename=filename, content_type="image/jpeg")
    assert response.status_code == status, response.text
    assert response.json()["detail"]["code"] == code
    assert stored_files(upload_dir) == []
    assert await pool.fetchval("SELECT count(*) FROM images") == 0


async def test_path_traversal_filename_is_ignored(
    client: httpx.AsyncClient, upload_dir: Path
) -> None:
    anna = await sign_in(client)
    response = await upload(client, anna, unique_png(9), filename="../../etc/passwd\x00.png")
    assert response.status_code == 201
    assert all(p.resolve().is_relative_to(upload_dir.resolve()) for p in stored_files(upload_dir))
    assert not any("passwd" in p.name for p in stored_files(upload_dir))


async def test_oversize_refused_before_reading(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool
) -> None:
    from app.main import create_app
    from tests.conftest import make_settings

    app = create_app(make_settings(database_url, upload_dir, max_upload_bytes=1000))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t"
        ) as client:
            anna = await sign_in(client)
            # Declared length over the cap: refused without touching the body.
            response = await client.post(
                "/api/photos/upload",
                content=b"x" * 200_000,
                headers={**bearer(anna), "content-type": "multipart/form-data; boundary=b"},
            )
            assert response.status_code == 413

            # Streamed body with no Content-Length: cut off as it passes the cap.
            consumed = 0

            async def endless():
                nonlocal consumed
                yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'
                for _ in range(10_000):  # would be 640 MB if read whole
                    consumed += 1
                    yield b"y" * 65536

            response = await client.post(
                "/api/photos/upload",
                content=endless(),
                headers={**bearer(anna), "content-type": "multipart/form-data; boundary=b"},
            )
            assert response.status_code == 413
            # Read past the cap only to drain it (so the client can read the 413), never more
            # than the drain bound: the 640 MB are not read.
            assert consumed * 65536 <= DRAIN_MAX_BYTES + 2 * 65536

            # Fits the body limit, but the file itself is over MAX_UPLOAD_BYTES.
            big = unique_png(3) + b"\0" * 5000  # trailing bytes: still a PNG
            assert len(big) > 1000
            response = await upload(client, anna, big)
            assert response.status_code == 413


async def test_duplicate_is_409_naming_the_existing_object(client: httpx.AsyncClient) -> None:
    anna = await sign_in(client)
    boris = await sign_in(client, 2, "Boris")
    first = (await upload(client, anna, unique_png(7))).json()
    again = await upload(client, boris, unique_png(7), title="copy")
    assert again.status_code == 409
    assert again.json()["detail"]["code"] == "duplicate_image"
    assert again.json()["detail"]["photo_id"] == first["id"]


async def test_eight_identical_uploads_at_once_mint_once(
    client: httpx.AsyncClient, pool: asyncpg.Pool, upload_dir: Path
) -> None:
    users = [await sign_in(client, 100 + i, f"U{i}") for i in range(8)]
    data = unique_png(42, size=(400, 300))
    results = await asyncio.gather(*[upload(client, u, data) for u in users])
    statuses = sorted(r.status_code for r in results)
    assert statuses == [201] + [409] * 7
    winner = next(r.json() for r in results if r.status_code == 201)
    assert all(
        r.json()["detail"]["photo_id"] == winner["id"] for r in results if r.status_code == 409
    )
    assert await pool.fetchval("SELECT count(*) FROM art_objects") == 1
    assert len(stored_files(upload_dir)) == 4  # the losers' files were removed


async def test_bad_fields_are_422(client: httpx.AsyncClient) -> None:
    anna = await sign_in(client)
    assert (await upload(client, anna, unique_png(1), title="")).status_code == 422
    assert (await upload(client, anna, unique_png(1), title="   ")).status_code == 422
    assert (await upload(client, anna, unique_png(1), title="x" * 201)).status_code == 422
    no_file = await client.post("/api/photos/upload", data={"title": "x"}, headers=bearer(anna))
    assert no_file.status_code == 422
    anonymous = await client.post(
        "/api/photos/upload", files={"file": ("a.png", unique_png(1))}, data={"title": "x"}
    )
    assert anonymous.status_code == 401


async def test_failure_between_file_write_and_commit_leaves_nothing(
    settings: Settings, pool: asyncpg.Pool, upload_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_id = await pool.fetchval(
        "INSERT INTO users (username, display_name) VALUES ('a', 'A') RETURNING id"
    )

    async def broken_append(*args, **kwargs):
        raise asyncpg.exceptions.ConnectionDoesNotExistError("injected: connection lost")

    monkeypatch.setattr(provenance, "append", broken_append)
    with pytest.raises(asyncpg.exceptions.ConnectionDoesNotExistError):
        await uploads.upload(
            pool, settings, LocalStorage(upload_dir), user_id, unique_png(11), "t", None
        )
    assert stored_files(upload_dir) == []
    assert await pool.fetchval("SELECT count(*) FROM images") == 0
    assert await pool.fetchval("SELECT count(*) FROM events") == 0


class DiskFullFor(LocalStorage):
    """Real files, except that writes under one prefix fail as on a full disk."""

    def __init__(self, root: Path, prefix: str) -> None:
        super().__init__(root)
        self.prefix = prefix

    def put(self, key: str, data: bytes | BinaryIO) -> None:
        if key.startswith(self.prefix):
            raise OSError(errno.ENOSPC, "injected: no space left on device")
        super().put(key, data)


@pytest.mark.parametrize("prefix", ["originals/", "media/"])
async def test_a_failed_file_write_leaves_no_file_and_no_row(
    settings: Settings, pool: asyncpg.Pool, upload_dir: Path, prefix: str
) -> None:
    # The original is written while the image is decoded, the renditions side by side: a
    # failure of any write still removes every file the upload wrote and mints nothing.
    user_id = await pool.fetchval(
        "INSERT INTO users (username, display_name) VALUES ('a', 'A') RETURNING id"
    )
    storage = DiskFullFor(upload_dir, prefix)

    with pytest.raises(OSError, match="no space left"):
        await uploads.upload(
            pool, settings, storage, user_id, jpeg_with_gps((2000, 1500)), "t", None
        )

    assert stored_files(upload_dir) == []
    assert await pool.fetchval("SELECT count(*) FROM images") == 0


async def test_the_stored_original_is_the_uploaded_bytes(
    settings: Settings, pool: asyncpg.Pool, upload_dir: Path
) -> None:
    user_id = await pool.fetchval(
        "INSERT INTO users (username, display_name) VALUES ('a', 'A') RETURNING id"
    )
    data = jpeg_with_gps((2000, 1500))
    with tempfile.SpooledTemporaryFile(max_size=1024) as spooled:  # on disk, like an upload
        spooled.write(data)
        photo = await uploads.upload(
            pool, settings, LocalStorage(upload_dir), user_id, spooled, "t", None
        )

    key = await pool.fetchval(
        "SELECT original_key FROM images WHERE id = (SELECT image_id FROM art_objects WHERE id = $1)",
        photo.id,
    )
    assert (upload_dir / key).read_bytes() == data
    assert sorted(p.suffix for p in stored_files(upload_dir)) == [".jpg", ".webp", ".webp", ".webp"]


async def test_orphan_files_from_a_crash_are_swept(pool: asyncpg.Pool, upload_dir: Path) -> None:
    from app.services.maintenance import sweep_orphan_files

    storage = LocalStorage(upload_dir)
    storage.put("media/ab/orphan.webp", b"left by a crash")
    assert await sweep_orphan_files(pool, storage, grace=-1) == 1
    assert stored_files(upload_dir) == []


async def test_keyset_pages_return_each_object_once_while_uploads_arrive(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    anna = await sign_in(client)
    # 1,000 objects straight in SQL (the listing, not the upload, is under test here).
    await pool.execute(
        """
        WITH p AS (
          INSERT INTO images (content_hash, mime, width, height, bytes, original_key, thumb_key, preview_key)
          SELECT sha256(g::text::bytea), 'image/png', 10, 10, 100, 'originals/x/' || g, 'media/x/' || g, 'media/y/' || g
            FROM generate_series(1, 1000) g RETURNING id)
        INSERT INTO art_objects (image_id, title, creator_id, owner_id, created_at)
        SELECT id, 'object ' || id, $1, $1, now() - (id % 7) * interval '1 second' FROM p
        """,
        anna["user"]["id"],
    )
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 100} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/api/photos", params=params)).json()
        seen += [item["id"] for item in page["items"]]
        pages += 1
        if pages == 3:  # new uploads arrive mid-scroll: they are newer, so not in later pages
            for i in range(3):
                assert (await upload(client, anna, unique_png(500 + i))).status_code == 201
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 1000 and len(set(seen)) == 1000
    assert pages == 10


async def test_bad_cursor_and_limits(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/photos", params={"cursor": "garbage"})).status_code == 422
    assert (await client.get("/api/photos", params={"limit": 0})).status_code == 422
    assert (await client.get("/api/photos", params={"limit": 101})).status_code == 422
    assert (await client.get("/api/photos", params={"favorites": "true"})).status_code == 422


async def test_search_in_russian_and_english(client: httpx.AsyncClient) -> None:
    anna = await sign_in(client)
    await upload(client, anna, unique_png(1), title="Закаты над Волгой")
    await upload(
        client, anna, unique_png(2), title="Morning", description="Running dogs in the park"
    )
    await upload(client, anna, unique_png(3), title="Кошка", description="спит на окне")

    async def titles(q: str) -> list[str]:
        return [
            i["title"] for i in (await client.get("/api/photos", params={"q": q})).json()["items"]
        ]

    assert await titles("закат") == ["Закаты над Волгой"]  # Russian stemming
    assert await titles("dog run") == ["Morning"]  # English stemming, both words
    assert await titles("окна") == ["Кошка"]
    assert await titles("nothing-like-this") == []
    assert (await client.get("/api/photos", params={"q": "a & | ! ("})).status_code == 200


async def test_filters_detail_history_edit_favorites(client: httpx.AsyncClient) -> None:
    anna = await sign_in(client)
    boris = await sign_in(client, 2, "Boris")
    mine = (await upload(client, anna, unique_png(1))).json()
    theirs = (await upload(client, boris, unique_png(2))).json()
    by_owner = (await client.get("/api/photos", params={"owner_id": anna["user"]["id"]})).json()
    assert [i["id"] for i in by_owner["items"]] == [mine["id"]]
    by_creator = (
        await client.get("/api/photos", params={"creator_id": boris["user"]["id"]})
    ).json()
    assert [i["id"] for i in by_creator["items"]] == [theirs["id"]]

    fav = await client.put(f"/api/photos/{theirs['id']}/favorite", headers=bearer(anna))
    assert fav.json() == {"is_favorite": True, "favorites_count": 1}
    again = await client.put(f"/api/photos/{theirs['id']}/favorite", headers=bearer(anna))
    assert again.json()["favorites_count"] == 1  # idempotent
    favs = (
        await client.get("/api/photos", params={"favorites": "true"}, headers=bearer(anna))
    ).json()
    assert [i["id"] for i in favs["items"]] == [theirs["id"]]
    assert favs["items"][0]["is_favorite"] is True
    detail = (await client.get(f"/api/photos/{theirs['id']}", headers=bearer(anna))).json()
    assert detail["is_favorite"] is True and detail["favorites_count"] == 1
    off = await client.delete(f"/api/photos/{theirs['id']}/favorite", headers=bearer(anna))
    assert off.json() == {"is_favorite": False, "favorites_count": 0}

    hist = (await client.get(f"/api/photos/{mine['id']}/history")).json()
    assert [h["reason"] for h in hist] == ["mint"] and hist[0]["to_user"]["id"] == anna["user"][
        "id"
    ]

    forbidden = await client.patch(
        f"/api/photos/{mine['id']}", json={"title": "x"}, headers=bearer(boris)
    )
    assert forbidden.status_code == 403
    edited = await client.patch(
        f"/api/photos/{mine['id']}", json={"title": "New"}, headers=bearer(anna)
    )
    assert edited.status_code == 200 and edited.json()["title"] == "New"
    assert (
        await client.patch(f"/api/photos/{mine['id']}", json={"title": ""}, headers=bearer(anna))
    ).status_code == 422
    assert (await client.get("/api/photos/999999")).status_code == 404


async def test_delete_rules(
    client: httpx.AsyncClient, pool: asyncpg.Pool, upload_dir: Path
) -> None:
    anna = await sign_in(client)
    boris = await sign_in(client, 2, "Boris")
    photo = (await upload(client, anna, unique_png(1))).json()
    assert (
        await client.delete(f"/api/photos/{photo['id']}", headers=bearer(boris))
    ).status_code == 403
    assert (
        await client.delete(f"/api/photos/{photo['id']}", headers=bearer(anna))
    ).status_code == 204
    assert stored_files(upload_dir) == []
    assert await pool.fetchval("SELECT count(*) FROM events WHERE type = 'photo.deleted'") == 1
    assert (
        await client.delete(f"/api/photos/{photo['id']}", headers=bearer(anna))
    ).status_code == 404

    kept = (await upload(client, anna, unique_png(2))).json()
    # Once it changed hands (here by admin SQL), even a later return doesn't make it deletable.
    await pool.execute(
        "INSERT INTO ownership_history (art_object_id, from_user_id, to_user_id, reason) VALUES ($1, $2, $2, 'admin')",
        kept["id"],
        anna["user"]["id"],
    )
    assert (
        await client.delete(f"/api/photos/{kept['id']}", headers=bearer(anna))
    ).status_code == 409


async def test_only_a_change_of_hands_blocks_deletion(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """Issue 13.10: proposing and cancelling trades that request an object must not pin it;
    pending trades and claim codes involving a deleted object end (failed with a reason)."""
    anna = await sign_in(client)
    boris = await sign_in(client, 2, "Boris")
    carl = await sign_in(client, 3, "Carl")
    target = (await upload(client, anna, unique_png(1))).json()["id"]
    boris_own = (await upload(client, boris, unique_png(2))).json()["id"]
    carl_own = (await upload(client, carl, unique_png(3))).json()["id"]
    cancelled = await client.post(
        "/api/trades",
        json={"offered_photo_ids": [carl_own], "requested_photo_ids": [target]},
        headers=bearer(carl),
    )
    assert cancelled.status_code == 201, cancelled.text
    assert (
        await client.post(f"/api/trades/{cancelled.json()['id']}/cancel", headers=bearer(carl))
    ).status_code == 200
    pending = await client.post(
        "/api/trades",
        json={
            "offered_photo_ids": [boris_own],
            "requested_photo_ids": [target],
            "recipient_id": anna["user"]["id"],
        },
        headers=bearer(boris),
    )
    assert pending.status_code == 201, pending.text
    claim = await client.post("/api/transfers", json={"photo_id": target}, headers=bearer(anna))
    assert claim.status_code == 201

    deleted = await client.delete(f"/api/photos/{target}", headers=bearer(anna))
    assert deleted.status_code == 204, deleted.text

    trade = (await client.get(f"/api/trades/{pending.json()['id']}", headers=bearer(boris))).json()
    assert trade["status"] == "failed"
    assert trade["failure_reason"] == "an art object in it was deleted"
    assert [p["id"] for p in trade["offered"]] == [boris_own]  # boris keeps his object
    event = await pool.fetchrow(
        "SELECT data, audience FROM events WHERE type = 'trade.updated' AND data->>'status' = 'failed'"
    )
    assert event is not None and event["audience"] == sorted(
        [anna["user"]["id"], boris["user"]["id"]]
    )
    gone_claim = await client.post(
        "/api/transfers/claim", json={"token": claim.json()["claim_token"]}, headers=bearer(carl)
    )
    assert gone_claim.status_code == 404
    # The other trade was untouched (already cancelled) and boris's object is still his.
    assert (await client.get(f"/api/photos/{boris_own}")).json()["owner"]["id"] == boris["user"][
        "id"
    ]


async def test_private_collection_hidden(client: httpx.AsyncClient) -> None:
    anna = await sign_in(client)
    boris = await sign_in(client, 2, "Boris")
    photo = (await upload(client, anna, unique_png(1))).json()
    await client.patch("/api/me", json={"is_private": True}, headers=bearer(anna))
    assert (
        await client.get(f"/api/users/{anna['user']['id']}/photos", headers=bearer(boris))
    ).status_code == 403
    assert (
        await client.get(f"/api/photos/{photo['id']}", headers=bearer(boris))
    ).status_code == 404
    assert (await client.get("/api/photos", headers=bearer(boris))).json()["items"] == []
    own = (await client.get(f"/api/users/{anna['user']['id']}/photos", headers=bearer(anna))).json()
    assert [i["id"] for i in own["items"]] == [photo["id"]]


async def test_upload_is_hashed_and_decoded_from_its_spooled_file(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The route hands the spooled temp file to the service, never `await file.read()`: memory
    for N parallel uploads is bounded by the image pool, not by N (bench/bench_upload_memory.py)."""
    from starlette.datastructures import UploadFile

    async def no_whole_read(self: UploadFile, size: int = -1) -> bytes:
        raise AssertionError("the whole upload was read into memory")

    monkeypatch.setattr(UploadFile, "read", no_whole_read)
    anna = await sign_in(client)
    response = await upload(client, anna, jpeg_with_gps((1200, 900)), content_type="image/jpeg")
    assert response.status_code == 201, response.text
