"""Two backend hosts sharing one bucket and one database (docs/operations.md, "Several hosts"):
separate processes with separate local directories and STORAGE=s3 on one bucket of an S3 API
(moto's server mode; no real S3 service runs here). A photo uploaded through one host is served
by the other, and its live event reaches sockets on both."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.images import unique_png
from tests.s3_support import moto_s3, new_bucket, s3_env
from tests.server_support import running_server
from tests.support import bearer, sign_in
from tests.test_realtime import Socket, latest_event_id, server_env

pytestmark = pytest.mark.slow


@pytest.fixture
async def two_hosts(
    database_url: str, tmp_path: Path
) -> AsyncIterator[tuple[str, str, Path, Path]]:
    async with moto_s3() as endpoint:
        bucket = await new_bucket(endpoint)
        dirs = (tmp_path / "host-a", tmp_path / "host-b")
        for path in dirs:
            path.mkdir()
        env_a = server_env(database_url, dirs[0], **s3_env(endpoint, bucket), WS_RESUME_GRACE="0.3")
        env_b = server_env(database_url, dirs[1], **s3_env(endpoint, bucket), WS_RESUME_GRACE="0.3")
        async with running_server(env_a) as host_a, running_server(env_b) as host_b:
            yield host_a, host_b, dirs[0], dirs[1]


def files_under(path: Path) -> list[Path]:
    return [p for p in path.rglob("*") if p.is_file()]


async def test_upload_on_one_host_is_served_and_announced_by_the_other(
    two_hosts: tuple[str, str, Path, Path], pool: asyncpg.Pool
) -> None:
    host_a, host_b, dir_a, dir_b = two_hosts
    async with (
        httpx.AsyncClient(base_url=host_a, timeout=30) as a,
        httpx.AsyncClient(base_url=host_b, timeout=30) as b,
    ):
        anna = await sign_in(a, 1001, "Anna")
        boris = await sign_in(b, 2002, "Boris")
        after = await latest_event_id(pool)
        on_a = await Socket.open(host_a, anna["access_token"], after=after)
        on_b = await Socket.open(host_b, boris["access_token"], after=after)
        try:
            upload = await a.post(
                "/api/photos/upload",
                files={"file": ("shared.png", unique_png(901), "image/png")},
                data={"title": "Across hosts"},
                headers=bearer(anna),
            )
            assert upload.status_code == 201, upload.text
            photo = upload.json()
            events = await asyncio.gather(on_a.next_event(), on_b.next_event())
            for event in events:
                assert event["type"] == "photo.created" and event["data"]["id"] == photo["id"], (
                    event
                )

            # Host B serves the renditions host A stored: read from the bucket, not a disk.
            for url in (photo["thumb_url"], photo["preview_url"]):
                via_b, via_a = await b.get(url), await a.get(url)
                assert via_b.status_code == 200, url
                assert via_b.content == via_a.content and via_b.content[:4] == b"RIFF"
                assert "immutable" in via_b.headers["cache-control"]
            listing = (await b.get("/api/photos", params={"limit": 5})).json()
            assert listing["items"][0]["id"] == photo["id"]
        finally:
            await on_a.conn.close()
            await on_b.conn.close()
        # Originals stay private on every host.
        original = await pool.fetchval(
            "SELECT original_key FROM images WHERE id = (SELECT image_id FROM art_objects WHERE id = $1)",
            photo["id"],
        )
        assert (await b.get(f"/{original}")).status_code == 404
        assert (await b.get("/media/../" + original)).status_code == 404
    assert files_under(dir_a / "media") == [] and files_under(dir_b / "media") == []
