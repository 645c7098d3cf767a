"""Harassment guards (issue 13.16): profile requests notify a target at most once per cooldown and
are rate limited; a direct gift's recipient can send it back or block its sender."""

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from app.main import create_app
from tests.conftest import make_settings
from tests.support import bearer, mint_objects, sign_in
from tests.test_sessions import REDIS_URL


async def _pending_notices_to(pool: asyncpg.Pool, user_id: int) -> int:
    return await pool.fetchval(
        """
        SELECT count(*) FROM events
         WHERE type = 'profile_request.updated' AND data->>'status' = 'pending'
           AND $1 = ANY(audience)
        """,
        user_id,
    )


async def _events_to(pool: asyncpg.Pool, user_id: int) -> int:
    return await pool.fetchval(
        "SELECT count(*) FROM events WHERE type = 'profile_request.updated' AND $1 = ANY(audience)",
        user_id,
    )


async def test_asking_and_withdrawing_in_a_loop_notifies_the_target_once(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    anna = await sign_in(client, 1, "Anna")
    boris = await sign_in(client, 2, "Boris")
    boris_id, anna_id = boris["user"]["id"], anna["user"]["id"]
    await client.patch("/api/me", json={"is_private": True}, headers=bearer(boris))
    first = await client.post(
        "/api/profile_requests", json={"user_id": boris_id}, headers=bearer(anna)
    )
    assert first.status_code == 201
    again = await client.post(
        "/api/profile_requests", json={"user_id": boris_id}, headers=bearer(anna)
    )
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]  # one per pair
    for _ in range(25):
        request_id = (
            await client.get("/api/profile_requests?role=outgoing", headers=bearer(anna))
        ).json()["items"][0]["id"]
        assert (
            await client.delete(f"/api/profile_requests/{request_id}", headers=bearer(anna))
        ).status_code == 204
        asked = await client.post(
            "/api/profile_requests", json={"user_id": boris_id}, headers=bearer(anna)
        )
        assert asked.status_code == 201
    assert await _pending_notices_to(pool, boris_id) == 1
    # Nor do the withdrawals reach him: he hears of the first request and of its withdrawal,
    # never of the 25 silent rounds after it (attack review: 26 events reached him).
    assert await _events_to(pool, boris_id) == 2
    # The requester still sees each state change of their own request.
    assert await _pending_notices_to(pool, anna_id) == 26
    # Boris sees exactly one pending request, and may answer it.
    incoming = (await client.get("/api/profile_requests", headers=bearer(boris))).json()["items"]
    assert [r["status"] for r in incoming] == ["pending"]
    # After the cooldown (moved back in SQL) a new round notifies again.
    await pool.execute("UPDATE profile_request_notices SET notified_at = now() - interval '2 days'")
    request_id = incoming[0]["id"]
    assert (
        await client.delete(f"/api/profile_requests/{request_id}", headers=bearer(anna))
    ).status_code == 204
    assert (
        await client.post("/api/profile_requests", json={"user_id": boris_id}, headers=bearer(anna))
    ).status_code == 201
    assert await _pending_notices_to(pool, boris_id) == 2


@pytest.fixture
async def limited_client(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool
) -> AsyncIterator[httpx.AsyncClient]:
    prefix = f"test-unwanted-{uuid.uuid4().hex[:12]}"
    settings = make_settings(
        database_url,
        upload_dir,
        redis_url=REDIS_URL,
        redis_key_prefix=prefix,
        rate_limit_profile_request="3/hour",
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http
        keys = [key async for key in app.state.redis.scan_iter(match=f"{prefix}:*")]
        if keys:
            await app.state.redis.delete(*keys)


async def test_profile_requests_are_rate_limited_per_user(
    limited_client: httpx.AsyncClient,
) -> None:
    client = limited_client
    anna = await sign_in(client, 1, "Anna")
    targets = [(await sign_in(client, 10 + i, f"Target {i}"))["user"]["id"] for i in range(4)]
    statuses = [
        (
            await client.post("/api/profile_requests", json={"user_id": t}, headers=bearer(anna))
        ).status_code
        for t in targets
    ]
    assert statuses == [201, 201, 201, 429]


# --- direct gifts: send back, block the sender -------------------------------------------------------


async def _give(
    client: httpx.AsyncClient, giver: dict, photo_id: int, to_user_id: int
) -> httpx.Response:
    return await client.post(
        "/api/transfers",
        json={"photo_id": photo_id, "to_user_id": to_user_id},
        headers=bearer(giver),
    )


async def test_a_recipient_can_send_a_direct_gift_back(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    anna = await sign_in(client, 1, "Anna")
    boris = await sign_in(client, 2, "Boris")
    carl = await sign_in(client, 3, "Carl")
    gift_photo, old_photo, claimed_photo = await mint_objects(pool, anna["user"]["id"], 3)
    gift = await _give(client, anna, gift_photo, boris["user"]["id"])
    assert (
        gift.status_code == 201 and gift.json()["status"] == "completed"
    )  # SPEC: still 201 at once
    gift_id = gift.json()["id"]

    assert (
        await client.post(f"/api/transfers/{gift_id}/return", headers=bearer(carl))
    ).status_code == 404
    assert (
        await client.post(f"/api/transfers/{gift_id}/return", headers=bearer(anna))
    ).status_code == 404
    back = await client.post(f"/api/transfers/{gift_id}/return", headers=bearer(boris))
    assert back.status_code == 200, back.text
    assert (
        back.json()["from_user"]["id"] == boris["user"]["id"]
        and back.json()["to_user"]["id"] == anna["user"]["id"]
    )
    photo = (await client.get(f"/api/photos/{gift_photo}")).json()
    assert photo["owner"]["id"] == anna["user"]["id"]
    history = (await client.get(f"/api/photos/{gift_photo}/history")).json()
    assert [(h["reason"], h["to_user"]["id"]) for h in history] == [
        ("mint", anna["user"]["id"]),
        ("transfer", boris["user"]["id"]),
        ("transfer", anna["user"]["id"]),
    ]
    assert history[-1]["transfer_id"] == back.json()["id"]
    received = (await client.get("/api/transfers?role=received", headers=bearer(boris))).json()[
        "items"
    ]
    assert received[0]["id"] == gift_id and received[0]["returned_at"] is not None
    twice = await client.post(f"/api/transfers/{gift_id}/return", headers=bearer(boris))
    assert twice.status_code == 409 and twice.json()["detail"]["code"] == "gift_not_returnable"

    # Past the window (moved back in SQL): kept for good.
    old = (await _give(client, anna, old_photo, boris["user"]["id"])).json()
    await pool.execute(
        "UPDATE transfers SET completed_at = now() - interval '8 days' WHERE id = $1", old["id"]
    )
    late = await client.post(f"/api/transfers/{old['id']}/return", headers=bearer(boris))
    assert late.status_code == 409 and late.json()["detail"]["code"] == "gift_return_window_over"

    # A claimed code was the recipient's own choice: not "sent back" this way.
    code = (
        await client.post("/api/transfers", json={"photo_id": claimed_photo}, headers=bearer(anna))
    ).json()
    claimed = await client.post(
        "/api/transfers/claim", json={"token": code["claim_token"]}, headers=bearer(boris)
    )
    assert claimed.status_code == 200
    refused = await client.post(f"/api/transfers/{code['id']}/return", headers=bearer(boris))
    assert refused.status_code == 409 and refused.json()["detail"]["code"] == "gift_not_returnable"


async def test_a_blocked_sender_can_not_give(client: httpx.AsyncClient, pool: asyncpg.Pool) -> None:
    anna = await sign_in(client, 1, "Anna")
    boris = await sign_in(client, 2, "Boris")
    first, second = await mint_objects(pool, anna["user"]["id"], 2)
    anna_id, boris_id = anna["user"]["id"], boris["user"]["id"]
    assert (
        await client.put(f"/api/users/{anna_id}/block", headers=bearer(boris))
    ).status_code == 204
    assert (
        await client.put(f"/api/users/{anna_id}/block", headers=bearer(boris))
    ).status_code == 204  # idempotent
    refused = await _give(client, anna, first, boris_id)
    assert refused.status_code == 403 and refused.json()["detail"]["code"] == "gift_refused"
    assert (await client.get(f"/api/photos/{first}")).json()["owner"]["id"] == anna_id
    # Blocking is one-way: boris may still give to anna.
    (boris_photo,) = await mint_objects(pool, boris_id, 1, start=50)
    assert (await _give(client, boris, boris_photo, anna_id)).status_code == 201
    assert (
        await client.put(f"/api/users/{boris_id}/block", headers=bearer(boris))
    ).status_code == 422
    assert (await client.put("/api/users/999999/block", headers=bearer(boris))).status_code == 404
    assert (
        await client.delete(f"/api/users/{anna_id}/block", headers=bearer(boris))
    ).status_code == 204
    assert (await _give(client, anna, second, boris_id)).status_code == 201
