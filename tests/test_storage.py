"""The `Storage` contract (media/storage.py) on both implementations: the local disk and an
S3 API (moto's server mode, tests/s3_support.py — no real S3 service runs here). Write, read,
delete, listing for the orphan sweep, and a crash between the files and the row."""

import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from app.core.config import Settings
from app.media.storage import LocalStorage, S3Storage, Storage
from app.repositories import provenance
from app.services import uploads
from app.services.maintenance import sweep_orphan_files
from tests.images import unique_png
from tests.s3_support import ACCESS_KEY, REGION, SECRET_KEY, moto_s3, new_bucket


@pytest.fixture(scope="module")
async def s3_endpoint() -> AsyncIterator[str]:
    async with moto_s3() as endpoint:
        yield endpoint


@pytest.fixture(params=["local", "s3"])
async def storage(request: pytest.FixtureRequest, upload_dir: Path, s3_endpoint: str) -> Storage:
    if request.param == "local":
        return LocalStorage(upload_dir)
    bucket = await new_bucket(s3_endpoint)  # a fresh, empty bucket per test
    return S3Storage(bucket, s3_endpoint, REGION, ACCESS_KEY, SECRET_KEY)


def all_keys(storage: Storage) -> set[str]:
    return set(storage.keys(older_than=time.time() + 3600))


async def test_write_read_delete(storage: Storage) -> None:
    storage.put("media/ab/one.webp", b"rendition")
    storage.put("originals/cd/one.jpg", b"\xff\xd8 original")
    assert storage.get("media/ab/one.webp") == b"rendition"
    assert storage.exists("originals/cd/one.jpg")
    storage.put("media/ab/one.webp", b"replaced")  # a put replaces whole
    assert storage.get("media/ab/one.webp") == b"replaced"
    storage.delete("media/ab/one.webp")
    assert not storage.exists("media/ab/one.webp")
    with pytest.raises(FileNotFoundError):
        storage.get("media/ab/one.webp")
    storage.delete("media/ab/one.webp")  # deleting what is gone is fine
    assert all_keys(storage) == {"originals/cd/one.jpg"}


@pytest.mark.parametrize(
    "key",
    [
        "../escape.webp",
        "media/../originals/x.jpg",
        "/etc/passwd",
        "media/ab/../../x",
        "other/x.webp",
    ],
)
async def test_keys_outside_the_layout_are_refused(storage: Storage, key: str) -> None:
    with pytest.raises(ValueError):
        storage.put(key, b"x")


async def test_listing_sees_only_files_older_than_the_cutoff(storage: Storage) -> None:
    storage.put("media/ab/old.webp", b"1")
    storage.put("originals/ab/old.png", b"2")
    assert all_keys(storage) == {"media/ab/old.webp", "originals/ab/old.png"}
    assert set(storage.keys(older_than=time.time() - 3600)) == set()


async def test_sweep_removes_orphans_and_keeps_files_with_rows(
    storage: Storage, settings: Settings, pool: asyncpg.Pool
) -> None:
    owner = await pool.fetchval(
        "INSERT INTO users (username, display_name) VALUES ('a', 'A') RETURNING id"
    )
    shape = await uploads.upload(pool, settings, storage, owner, unique_png(31), "kept", None)
    kept = all_keys(storage)
    assert len(kept) >= 3 and sum(key.startswith("originals/") for key in kept) == 1  # + renditions
    storage.put("media/zz/orphan.webp", b"left by a crash")
    storage.put("originals/zz/orphan.png", b"left by a crash")
    # Young orphans may belong to an upload still committing: not touched.
    assert await sweep_orphan_files(pool, storage) == 0
    assert await sweep_orphan_files(pool, storage, grace=-60) == 2
    assert all_keys(storage) == kept
    assert storage.get(shape.thumb_url.lstrip("/"))[:4] == b"RIFF"  # still a WebP


async def test_crash_between_files_and_row_leaves_nothing(
    storage: Storage, settings: Settings, pool: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = await pool.fetchval(
        "INSERT INTO users (username, display_name) VALUES ('a', 'A') RETURNING id"
    )

    async def broken_append(*args, **kwargs):
        raise asyncpg.exceptions.ConnectionDoesNotExistError("injected: connection lost")

    monkeypatch.setattr(provenance, "append", broken_append)
    with pytest.raises(asyncpg.exceptions.ConnectionDoesNotExistError):
        await uploads.upload(pool, settings, storage, owner, unique_png(32), "t", None)
    # The failed upload deleted its files; a hard crash instead would leave them to the sweep.
    assert all_keys(storage) == set()
    assert await pool.fetchval("SELECT count(*) FROM images") == 0


async def test_images_minted_by_sql_get_a_blurhash_placeholder(
    storage: Storage, settings: Settings, pool: asyncpg.Pool
) -> None:
    """seeds/mint_objects.sql writes no placeholder; the maintenance sweep fills it in."""
    from app.services import maintenance
    from app.services.maintenance import fill_missing_placeholders

    maintenance._UNREADABLE.clear()  # ids restart with every test
    owner = await pool.fetchval(
        "INSERT INTO users (username, display_name) VALUES ('a', 'A') RETURNING id"
    )
    shape = await uploads.upload(
        pool, settings, storage, owner, unique_png(33, size=(96, 64)), "x", None
    )
    expected = await pool.fetchrow("SELECT placeholder, dominant_color FROM images")
    assert expected["placeholder"]
    # As the SQL seed leaves it (and one whose thumbnail is missing, which is skipped).
    await pool.execute("UPDATE images SET placeholder = '', dominant_color = '#808080'")
    await pool.execute(
        """INSERT INTO images (content_hash, mime, width, height, bytes, original_key, thumb_key, preview_key)
           VALUES (sha256('missing'::bytea), 'image/png', 10, 10, 10, 'originals/zz/m.png', 'media/zz/m.webp', 'media/zz/p.webp')"""
    )
    assert await fill_missing_placeholders(pool, storage) == 1
    row = await pool.fetchrow(
        "SELECT placeholder, dominant_color FROM images WHERE thumb_key = $1",
        shape.thumb_url.lstrip("/"),
    )
    assert len(row["placeholder"]) >= 6 and row["dominant_color"].startswith("#")
    assert row["dominant_color"] != "#808080" or expected["dominant_color"] == "#808080"
    assert await fill_missing_placeholders(pool, storage) == 0  # the unreadable one is not retried
