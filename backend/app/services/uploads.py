"""Minting a photo from an upload: sniff, hash, refuse duplicates, make renditions, store the
files, insert the rows. Image work and file writes run in pools of their own, off the event loop
and bounded (README "Photos: how uploads are validated and stored")."""

import asyncio
import hashlib
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from typing import BinaryIO

import asyncpg

from app.core.config import Settings
from app.core.db import present
from app.core.errors import AppError, ErrorCode
from app.media import imaging
from app.media.storage import (
    ORIGINALS_PREFIX,
    PUBLIC_PREFIX,
    Storage,
    StorageFault,
    delete_files,
    new_key,
)
from app.repositories import image_hashes, photos, provenance
from app.schemas.photos import Photo
from app.services import near_duplicates, page_cache
from app.services.photos import clean_description, clean_title, to_photo
from app.services.publish import publish

log = logging.getLogger(__name__)
_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
    "image/heif": "heif",
    "image/avif": "avif",
}
# Image work is CPU-bound: a small dedicated pool keeps it off the event loop and bounds memory
# (at most this many images decoded at once, whatever the number of concurrent uploads).
_IMAGE_POOL = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="imaging")
# File writes wait on the disk (fsync) or the network (S3), not the CPU: their own pool, so an
# upload's four writes overlap each other and its image work. Its jobs never wait for another
# pool's, so an image-pool job waiting for them cannot deadlock.
_STORE_POOL = ThreadPoolExecutor(max_workers=16, thread_name_prefix="storage")
# One decoded-bytes budget per process, shared by every image-pool thread (issue 19, N3), by
# its size (tests run apps with other settings in one process).
_DECODE_BUDGETS: dict[int, imaging.DecodeBudget] = {}


def decode_budget(settings: Settings) -> imaging.DecodeBudget:
    budget = _DECODE_BUDGETS.get(settings.max_decode_bytes)
    if budget is None:
        budget = _DECODE_BUDGETS[settings.max_decode_bytes] = imaging.DecodeBudget(
            settings.max_decode_bytes
        )
    return budget


HASH_CHUNK = 1024 * 1024


def _measure(source: bytes | BinaryIO) -> tuple[int, bytes, bytes]:
    """Size, first bytes and sha256 of the upload, read in chunks (a spooled upload is never
    read whole into memory: memory stays bounded by the image pool, not by the uploads)."""
    if isinstance(source, bytes):
        return len(source), source[: imaging.SNIFF_BYTES], hashlib.sha256(source).digest()
    source.seek(0)
    digest = hashlib.sha256()
    size, head = 0, b""
    while chunk := source.read(HASH_CHUNK):
        if not head:
            head = chunk[: imaging.SNIFF_BYTES]
        digest.update(chunk)
        size += len(chunk)
    return size, head, digest.digest()


async def upload(
    pool: asyncpg.Pool,
    settings: Settings,
    storage: Storage,
    user_id: int,
    source: bytes | BinaryIO,
    title: str,
    description: str | None,
) -> Photo:
    """Mint an art object from an upload: bytes, or the open file the upload was spooled to."""
    title, description = clean_title(title), clean_description(description)
    loop = asyncio.get_running_loop()
    # Reading and hashing 10 MB takes ~20 ms: off the event loop, like the image work.
    size, head, content_hash = await loop.run_in_executor(_IMAGE_POOL, _measure, source)
    if size > settings.max_upload_bytes:
        raise AppError(ErrorCode.payload_too_large, limit_bytes=settings.max_upload_bytes)
    mime = imaging.sniff_mime(head)
    if mime is None:
        raise AppError(ErrorCode.unsupported_media_type, accepted=imaging.ACCEPTED)
    async with pool.acquire() as conn:
        existing = await photos.object_id_by_hash(conn, content_hash)
    if existing is not None:
        raise _duplicate(existing)
    try:
        processed, keys = await loop.run_in_executor(
            _IMAGE_POOL,
            _process_and_store,
            storage,
            source,
            _EXTENSIONS[mime],
            settings.max_image_pixels,
            decode_budget(settings),
        )
    except imaging.ImageRejected as exc:
        raise AppError(exc.code, **exc.fields) from exc
    except StorageFault as exc:
        raise _storage_error(exc) from exc
    try:
        photo = await _mint(
            pool, storage, user_id, content_hash, size, processed, keys, title, description
        )
        page_cache.changed(pool)
    except BaseException:
        # No file without a row: whatever failed (duplicate race, database down, cancel), the
        # files written above go. A crash before this line is handled by the start-up sweep.
        await loop.run_in_executor(_IMAGE_POOL, delete_files, storage, list(keys.values()))
        raise
    return photo


def _storage_error(fault: StorageFault) -> AppError:
    """A storage fault as its own answer and a warning line an operator can grep (N9)."""
    if fault.full:
        log.warning("storage full: upload refused (%s)", fault.reason)
        return AppError(ErrorCode.storage_full)
    log.warning("storage unavailable: upload refused (%s)", fault.reason)
    return AppError(ErrorCode.storage_unavailable)


def _duplicate(art_object_id: int) -> AppError:
    return AppError(ErrorCode.duplicate_image, photo_id=art_object_id)


def _process_and_store(
    storage: Storage,
    source: bytes | BinaryIO,
    extension: str,
    max_pixels: int,
    budget: imaging.DecodeBudget,
) -> tuple[imaging.ProcessedImage, dict[str, str]]:
    """Renditions of the upload, and all its files durably stored; one image-pool job.

    The original is written (and fsynced) on a storage thread while this one decodes and
    encodes, and the three renditions are written side by side: an upload waits for the
    slowest write, not the sum of eight fsyncs. The upload is read into memory here, inside
    the pool, so at most the pool's size of them are held at once (like their decoded pixels);
    the writer and the decoder then never share a file position.
    """
    data = source if isinstance(source, bytes) else _read_all(source)
    keys = {"original": new_key(ORIGINALS_PREFIX, extension)}
    writes = {"original": _STORE_POOL.submit(storage.put, keys["original"], data)}
    complete = False
    try:
        processed = imaging.process_image(data, max_pixels=max_pixels, budget=budget)
        for rendition in processed.renditions:
            keys[rendition.name] = new_key(PUBLIC_PREFIX, "webp")
            writes[rendition.name] = _STORE_POOL.submit(
                storage.put, keys[rendition.name], rendition.data
            )
        complete = True
    finally:
        # Every write has ended (done or failed) before anything is decided or deleted.
        failed = [name for name, write in writes.items() if write.exception() is not None]
        if failed or not complete:  # a write failed, or the image was refused
            delete_files(storage, [keys[name] for name in writes if name not in failed])
    if failed:
        writes[failed[0]].result()  # raises that write's error
    return processed, keys


def _read_all(source: BinaryIO) -> bytes:
    source.seek(0)
    return source.read()


async def _mint(
    pool: asyncpg.Pool,
    storage: Storage,
    user_id: int,
    content_hash: bytes,
    size: int,
    processed: imaging.ProcessedImage,
    keys: dict[str, str],
    title: str,
    description: str,
) -> Photo:
    async with pool.acquire() as conn, conn.transaction():
        # Near copies are found by similarity, which no unique index can hold: mints take turns
        # from here to their commit, so two near copies uploaded at once can't both pass. The
        # lock is held for a few statements (and a thumbnail comparison when a hash is near).
        await photos.lock_minting(conn)
        original = await near_duplicates.find_original(conn, storage, processed, _IMAGE_POOL)
        if original is not None:
            raise _duplicate(original)
        image_id = await photos.insert_image(
            conn,
            content_hash,
            processed.mime,
            processed.width,
            processed.height,
            size,
            keys,
            processed.placeholder,
            processed.dominant_color,
        )
        # Not covered: two identical uploads interleaving between the hash check and the insert.
        if image_id is None:  # lost a race with an identical upload  # pragma: no cover
            raise _duplicate(await photos.object_id_by_hash(conn, content_hash) or 0)
        await image_hashes.insert(conn, image_id, processed.hashes)
        object_id = await photos.insert_art_object(conn, image_id, title, description, user_id)
        await provenance.append(conn, object_id, None, user_id, "mint")
        # The new object, read back by its owner (who always sees their own).
        photo = to_photo(present(await photos.get_card(conn, user_id, object_id)))
        await publish(conn, "photo.created", photo, subjects=[user_id])
    return photo
