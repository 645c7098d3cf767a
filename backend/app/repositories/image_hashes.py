"""SQL for near-duplicate lookup: the perceptual hashes of every image (table image_hashes)."""

import asyncpg

from app.core.db import Connection

PARTS = 4
PART_BITS = 16


def parts(hashes: list[int]) -> list[list[int]]:
    """The four 16-bit parts of each hash, part by part (as the four indexes hold them)."""
    mask = (1 << PART_BITS) - 1
    shifts = [PART_BITS * (PARTS - 1 - k) for k in range(PARTS)]  # 48, 32, 16, 0
    return [sorted({(h >> shift) & mask for h in hashes}) for shift in shifts]


async def insert(conn: Connection, image_id: int, hashes: list[int]) -> None:
    await conn.execute(
        """
        INSERT INTO image_hashes (image_id, variant, hash)
        SELECT $1, v.ord - 1, v.hash FROM unnest($2::bigint[]) WITH ORDINALITY AS v (hash, ord)
        """,
        image_id,
        hashes,
    )


async def candidates(
    conn: Connection, hashes: list[int], max_bits: int, limit: int
) -> list[asyncpg.Record]:
    """Art objects with a stored hash within `max_bits` of any of `hashes`, nearest first.

    Multi-index hashing: rows sharing at least one exact 16-bit part with a query hash come from
    the four part indexes (a BitmapOr of four index scans), and only those are bit-counted."""
    p0, p1, p2, p3 = parts(hashes)
    return await conn.fetch(
        """
        WITH hits AS MATERIALIZED (
            SELECT x.image_id, x.hash FROM image_hashes x
             WHERE ((x.hash >> 48) & 65535) = ANY($2::bigint[])
                OR ((x.hash >> 32) & 65535) = ANY($3::bigint[])
                OR ((x.hash >> 16) & 65535) = ANY($4::bigint[])
                OR (x.hash & 65535) = ANY($5::bigint[])),
        near AS (
            SELECT hits.image_id, min(bit_count((hits.hash # q.h)::bit(64))) AS bits
              FROM hits CROSS JOIN unnest($1::bigint[]) AS q (h)
             GROUP BY hits.image_id
            HAVING min(bit_count((hits.hash # q.h)::bit(64))) <= $6
             ORDER BY bits, hits.image_id
             LIMIT $7)
        SELECT a.id AS art_object_id, i.thumb_key, near.bits
          FROM near
          JOIN images i ON i.id = near.image_id
          JOIN art_objects a ON a.image_id = i.id
         ORDER BY near.bits, a.id
        """,
        hashes,
        p0,
        p1,
        p2,
        p3,
        max_bits,
        limit,
    )
