"""What the exchange screens learn before a tap: the claim preview (photo, giver, state), and the
events that tell the giver who claimed."""

from pathlib import Path

import asyncpg
import httpx

from tests.conftest import make_settings
from tests.support import bearer, mint_objects, sign_in
from tests.test_rate_limits import app_with_redis


def uid(tokens: dict) -> int:
    return tokens["user"]["id"]


async def preview(client: httpx.AsyncClient, token: str, who: dict | None) -> httpx.Response:
    headers = bearer(who) if who else {}
    return await client.post("/api/transfers/claim/preview", json={"token": token}, headers=headers)


async def test_claim_preview_shows_each_state_without_using_the_code(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    anna, boris, chen = [await sign_in(client, i, n) for i, n in enumerate(["Anna", "Boris", "Chen"], 1)]
    [obj] = await mint_objects(pool, uid(anna), 1)
    created = (await client.post("/api/transfers", json={"photo_id": obj}, headers=bearer(anna))).json()
    code = created["claim_token"]

    seen = await preview(client, code, boris)
    assert seen.status_code == 200, seen.text
    assert seen.headers["cache-control"] == "no-store"
    body = seen.json()
    assert body == {
        "transfer_id": created["id"],
        "status": "pending",
        "photo": {**created["photo"]},
        "giver": {"id": uid(anna), "display_name": "Anna", "avatar_url": None},
        "expires_at": created["expires_at"],
        "is_giver": False,
        "claimed_by": None,
    }
    assert body["photo"]["title"] == f"object {obj}" and body["photo"]["thumb_url"].startswith("/media/")
    # The giver sees it is their own; signed out works too; nothing was used up.
    assert (await preview(client, code, anna)).json()["is_giver"] is True
    anonymous = await preview(client, code, None)
    assert anonymous.status_code == 200 and anonymous.json()["is_giver"] is False
    assert await pool.fetchval("SELECT status FROM transfers WHERE id = $1", created["id"]) == "pending"

    claimed = await client.post("/api/transfers/claim", json={"token": code}, headers=bearer(boris))
    assert claimed.status_code == 200
    used = (await preview(client, code, chen)).json()
    assert used["status"] == "completed"
    assert used["claimed_by"] == {"id": uid(boris), "display_name": "Boris", "avatar_url": None}

    # Expired and cancelled codes read as such.
    again = (await client.post("/api/transfers", json={"photo_id": obj}, headers=bearer(boris))).json()
    await pool.execute("UPDATE transfers SET expires_at = now() - interval '1 second' WHERE id = $1", again["id"])
    assert (await preview(client, again["claim_token"], chen)).json()["status"] == "expired"
    third = (await client.post("/api/transfers", json={"photo_id": obj}, headers=bearer(boris))).json()
    assert (await client.post(f"/api/transfers/{third['id']}/cancel", headers=bearer(boris))).status_code == 200
    cancelled = (await preview(client, third["claim_token"], chen)).json()
    assert cancelled["status"] == "cancelled" and cancelled["claimed_by"] is None

    unknown = await preview(client, "no-such-claim-code", chen)
    assert unknown.status_code == 404
    assert unknown.json()["detail"]["code"] == "claim_not_found"
    short = await preview(client, "x", chen)
    assert short.status_code == 422


async def test_claim_preview_is_rate_limited_like_claims(database_url: str, upload_dir: Path) -> None:
    import os

    import redis.asyncio as aioredis

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    redis = aioredis.Redis.from_url(url)
    async for key in redis.scan_iter(match="gallery:rl:claim_preview:*"):
        await redis.delete(key)
    await redis.aclose()
    settings = make_settings(database_url, upload_dir, redis_url=url, rate_limit_claim="2/minute")
    async with app_with_redis(settings) as (_, http):
        rita = await sign_in(http, 1, "Rita")
        for _ in range(2):
            assert (await preview(http, "no-such-claim-code", rita)).status_code == 404
        refused = await preview(http, "no-such-claim-code", rita)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1


async def test_transfer_events_name_the_claimer(client: httpx.AsyncClient, pool: asyncpg.Pool) -> None:
    anna, boris = await sign_in(client, 1, "Anna"), await sign_in(client, 2, "Boris")
    [obj] = await mint_objects(pool, uid(anna), 1)
    created = (await client.post("/api/transfers", json={"photo_id": obj}, headers=bearer(anna))).json()
    await client.post("/api/transfers/claim", json={"token": created["claim_token"]}, headers=bearer(boris))
    rows = await pool.fetch(
        "SELECT data, audience FROM events WHERE type = 'transfer.updated' ORDER BY id"
    )
    assert [(r["data"]["status"], r["audience"]) for r in rows] == [
        ("pending", [uid(anna)]),
        ("completed", sorted([uid(anna), uid(boris)])),
    ]
    done = rows[-1]["data"]
    assert done["id"] == created["id"] and done["photo"]["id"] == obj
    assert done["to_user"] == {"id": uid(boris), "display_name": "Boris", "avatar_url": None}
    assert done["from_user"]["id"] == uid(anna)
    # The claim code never travels in an event.
    assert all(r["data"]["claim_token"] is None for r in rows)
    assert created["claim_token"] not in str([r["data"] for r in rows])
