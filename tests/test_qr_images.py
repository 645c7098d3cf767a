"""QR images (issue 13, item 3): drawn in a worker process, length-limited, rate limited, and
public links cached."""

import os
import uuid
from pathlib import Path

import asyncpg
import httpx

from app.main import create_app
from app.services import qr
from tests.conftest import make_settings


async def test_long_data_is_refused_and_public_links_are_cached(
    client: httpx.AsyncClient, settings
) -> None:  # type: ignore[no-untyped-def]
    link = f"{settings.public_url.rstrip('/')}/?startapp=claim_"
    too_long = await client.get("/api/qr.png", params={"data": link + "x" * qr.MAX_DATA})
    assert too_long.status_code == 422
    assert "x" * 100 not in too_long.text  # the refusal does not echo the input

    data = link + "cached-one"
    first = await client.get("/api/qr.png", params={"data": data})
    assert first.status_code == 200 and first.content.startswith(b"\x89PNG")
    assert first.headers["cache-control"] == "no-store"
    assert qr._CACHE[data] == first.content
    again = await client.get("/api/qr.png", params={"data": data})
    assert again.content == first.content


async def test_qr_images_are_rate_limited_per_address(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool
) -> None:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    # Keys of its own (every run and parallel worker comes from 127.0.0.1); they expire.
    settings = make_settings(
        database_url,
        upload_dir,
        redis_url=url,
        rate_limit_qr_image="2/minute",
        redis_key_prefix=f"test-qr-{uuid.uuid4().hex}",
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            link = f"{settings.public_url.rstrip('/')}/?startapp=trade_"
            codes = [
                (await http.get("/api/qr.png", params={"data": link + str(i)})).status_code
                for i in range(3)
            ]
            assert codes == [200, 200, 429]
            # The sign-in QR shares the bucket: drawing is the cost, whatever the route.
            created = (await http.post("/api/auth/qr")).json()
            login_qr = await http.get(
                f"/api/auth/qr/{created['request_id']}/qr.png",
                headers={"X-QR-Secret": created["secret"]},
            )
            assert login_qr.status_code == 429
