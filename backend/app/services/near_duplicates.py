"""One original, however it was re-saved: finds the art object a new image is a near copy of
(media/perceptual.py says how; bench/RESULTS.md how well and how fast).

Candidates come from the indexed hash lookup (a few rows at most); each is confirmed by the
pixels of its stored thumbnail, read and compared in the upload's image pool (never on the event
loop). The upload then answers 409 `duplicate_image` with the original's id."""

import asyncio
from concurrent.futures import Executor

from app.core.db import Connection
from app.media import imaging, perceptual
from app.media.storage import Storage
from app.repositories import image_hashes

# More than a handful of candidates means a crowded hash (a near-flat picture): the nearest
# few decide, so a refusal never costs more than this many thumbnail comparisons.
MAX_CANDIDATES = 4


def _same(storage: Storage, candidate_key: str, thumbnail: bytes) -> bool:
    try:
        stored = storage.get(candidate_key)
    # Not covered: a candidate deleted between the query and the read: a race not provoked.
    except FileNotFoundError:  # its files are being deleted with it  # pragma: no cover
        return False
    return perceptual.same_picture(thumbnail, stored)


async def find_original(
    conn: Connection, storage: Storage, processed: imaging.ProcessedImage, pool: Executor
) -> int | None:
    """The art object `processed` is a near copy of, or None."""
    rows = await image_hashes.candidates(
        conn, processed.hashes, perceptual.CANDIDATE_BITS, MAX_CANDIDATES
    )
    thumbnail = processed.rendition("thumb").data
    loop = asyncio.get_running_loop()
    for row in rows:
        if await loop.run_in_executor(pool, _same, storage, row["thumb_key"], thumbnail):
            return int(row["art_object_id"])
    return None
