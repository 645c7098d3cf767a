"""The gallery listing's bytes, built straight from the rows (services/listing.py `_page_json`),
are exactly what the pydantic models themselves serialise for the same rows."""

from __future__ import annotations

import asyncpg
import httpx

from app.services import listing
from tests.support import bearer, mint_objects, sign_in


async def _same_bytes(pool: asyncpg.Pool, viewer_id: int | None, **kwargs: object) -> bytes:
    page = listing.Listing(**kwargs)  # type: ignore[arg-type]
    fast, _ = await listing.list_photos_body(pool, viewer_id, page)
    model = await listing.list_photos(pool, viewer_id, page)
    assert fast == model.model_dump_json().encode()
    return fast


async def test_listing_bytes_equal_the_models_serialisation(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    anna = await sign_in(client, 3101, "Anna")
    boris = await sign_in(client, 3102, 'Борис "quoted" \\ </script>')
    anna_id, boris_id = anna["user"]["id"], boris["user"]["id"]
    await pool.execute(
        "UPDATE users SET avatar_url = 'https://a.example/a.png' WHERE id = $1", anna_id
    )
    ids = await mint_objects(pool, anna_id, 5)
    ids += await mint_objects(pool, boris_id, 4, start=100)
    await pool.execute(
        "UPDATE art_objects SET description = E'line\\nbreak \\u2028 \"q\" ✓', owner_id = $2"
        " WHERE id = $1",
        ids[0],
        boris_id,
    )
    await pool.execute(
        "INSERT INTO favorites (user_id, art_object_id) VALUES ($1, $2), ($1, $3), ($4, $2)",
        anna_id,
        ids[0],
        ids[6],
        boris_id,
    )
    anon = await _same_bytes(pool, None, limit=4)
    assert b'"next_cursor":"' in anon  # a full page with a cursor
    await _same_bytes(pool, anna_id, limit=100)
    signed = await _same_bytes(pool, anna_id, limit=3, favorites_only=True)
    assert signed.count(b'"is_favorite":true') == 2
    await _same_bytes(pool, boris_id, owner_id=anna_id)
    await _same_bytes(pool, None, query="object")
    assert await _same_bytes(pool, None, query="the") == b'{"items":[],"next_cursor":null}'
    # And over HTTP the route serves those very bytes.
    r = await client.get("/api/photos", params={"limit": 100}, headers=bearer(anna))
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    expected = await listing.list_photos(pool, anna_id, listing.Listing(limit=100))
    assert r.content == expected.model_dump_json().encode()
