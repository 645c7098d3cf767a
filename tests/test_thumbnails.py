"""Two thumbnail sizes (320 and 640 px) made in the same pass; every photo shape carries both,
and images stored before the 640 px one existed offer the preview as their 2x source."""

import io
from pathlib import Path

import asyncpg
import httpx
from PIL import Image

from tests.images import unique_png
from tests.support import bearer, mint_objects, sign_in, upload


def uid(tokens: dict) -> int:
    return tokens["user"]["id"]


async def served_size(client: httpx.AsyncClient, url: str) -> tuple[int, int]:
    response = await client.get(url)
    assert response.status_code == 200 and response.headers["content-type"] == "image/webp"
    return Image.open(io.BytesIO(response.content)).size


async def test_upload_makes_both_thumbnails_and_every_shape_carries_them(
    client: httpx.AsyncClient, pool: asyncpg.Pool, upload_dir: Path
) -> None:
    anna, boris = await sign_in(client, 1, "Anna"), await sign_in(client, 2, "Boris")
    response = await upload(client, anna, unique_png(7, size=(2000, 1000)), title="Wide")
    assert response.status_code == 201, response.text
    photo = response.json()
    assert await served_size(client, photo["thumb_url"]) == (320, 160)
    assert await served_size(client, photo["thumb_2x_url"]) == (640, 320)
    assert await served_size(client, photo["preview_url"]) == (1440, 720)
    key = await pool.fetchval("SELECT thumb_2x_key FROM images")
    assert photo["thumb_2x_url"] == f"/{key}" and (upload_dir / key).is_file()

    listed = (await client.get("/api/photos")).json()["items"]
    assert listed[0]["thumb_2x_url"] == photo["thumb_2x_url"]
    # Exchange shapes (PhotoSummary) too: a claim code and a trade.
    created = (
        await client.post("/api/transfers", json={"photo_id": photo["id"]}, headers=bearer(anna))
    ).json()
    assert created["photo"]["thumb_2x_url"] == photo["thumb_2x_url"]
    [b1] = await mint_objects(pool, uid(boris), 1, start=10)
    body = {"offered_photo_ids": [photo["id"]], "requested_photo_ids": [b1]}
    trade = (await client.post("/api/trades", json=body, headers=bearer(anna))).json()
    assert trade["offered"][0]["thumb_2x_url"] == photo["thumb_2x_url"]

    # Deleting the photo removes all four files.
    assert (
        await client.post(f"/api/transfers/{created['id']}/cancel", headers=bearer(anna))
    ).status_code == 200
    assert (
        await client.post(f"/api/trades/{trade['id']}/cancel", headers=bearer(anna))
    ).status_code == 200
    deleted = await client.delete(f"/api/photos/{photo['id']}", headers=bearer(anna))
    assert deleted.status_code == 204, deleted.text
    assert not [p for p in upload_dir.rglob("*") if p.is_file() and ".tmp" not in p.parts]


async def test_images_stored_before_offer_the_preview_as_2x(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    anna = await sign_in(client, 1, "Anna")
    [obj] = await mint_objects(pool, uid(anna), 1)  # plain SQL, as an old row: no thumb_2x_key
    assert await pool.fetchval("SELECT thumb_2x_key FROM images") is None
    photo = (await client.get(f"/api/photos/{obj}")).json()
    assert photo["thumb_2x_url"] == photo["preview_url"] != photo["thumb_url"]
    created = (
        await client.post("/api/transfers", json={"photo_id": obj}, headers=bearer(anna))
    ).json()
    assert created["photo"]["thumb_2x_url"] == photo["preview_url"]
    # Deleting it works with the missing key (nothing to remove for it).
    await client.post(f"/api/transfers/{created['id']}/cancel", headers=bearer(anna))
    assert (await client.delete(f"/api/photos/{obj}", headers=bearer(anna))).status_code == 204
