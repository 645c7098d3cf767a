"""Transfers, claim codes, trades and profile requests — with real concurrency."""

import asyncio
from urllib.parse import parse_qs, urlsplit

import asyncpg
import httpx
import pytest

from tests.support import assert_invariants, bearer, mint_objects, sign_in


@pytest.fixture
async def people(client: httpx.AsyncClient) -> dict[str, dict]:
    return {
        name: await sign_in(client, i + 1, name) for i, name in enumerate(["anna", "boris", "chen"])
    }


def uid(tokens: dict) -> int:
    return tokens["user"]["id"]


async def owner(pool: asyncpg.Pool, art_object_id: int) -> int:
    return await pool.fetchval("SELECT owner_id FROM art_objects WHERE id = $1", art_object_id)


# --- transfers ------------------------------------------------------------------------------


async def test_direct_transfer(client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict) -> None:
    anna, boris, chen = people["anna"], people["boris"], people["chen"]
    [obj] = await mint_objects(pool, uid(anna), 1)
    response = await client.post(
        "/api/transfers", json={"photo_id": obj, "to_user_id": uid(boris)}, headers=bearer(anna)
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "completed" and response.json()["to_user"]["id"] == uid(
        boris
    )
    assert await owner(pool, obj) == uid(boris)
    history = (await client.get(f"/api/photos/{obj}/history")).json()
    assert [(h["reason"], h["transfer_id"] is not None) for h in history] == [
        ("mint", False),
        ("transfer", True),
    ]
    # Anna no longer owns it.
    again = await client.post(
        "/api/transfers", json={"photo_id": obj, "to_user_id": uid(chen)}, headers=bearer(anna)
    )
    assert again.status_code == 403
    to_self = await client.post(
        "/api/transfers", json={"photo_id": obj, "to_user_id": uid(boris)}, headers=bearer(boris)
    )
    assert to_self.status_code == 422
    nobody = await client.post(
        "/api/transfers", json={"photo_id": obj, "to_user_id": 99999}, headers=bearer(boris)
    )
    assert nobody.status_code == 422
    missing = await client.post(
        "/api/transfers", json={"photo_id": 99999, "to_user_id": uid(anna)}, headers=bearer(boris)
    )
    assert missing.status_code == 404
    sent = (
        await client.get("/api/transfers", params={"role": "sent"}, headers=bearer(anna))
    ).json()["items"]
    received = (
        await client.get("/api/transfers", params={"role": "received"}, headers=bearer(boris))
    ).json()["items"]
    assert [t["id"] for t in sent] == [t["id"] for t in received] == [response.json()["id"]]
    events = await pool.fetch("SELECT type, audience FROM events ORDER BY id")
    assert ("ownership.changed", None) in [(e["type"], e["audience"]) for e in events]
    assert any(
        e["type"] == "transfer.updated" and e["audience"] == sorted([uid(anna), uid(boris)])
        for e in events
    )
    await assert_invariants(pool)


async def test_claim_code_lifecycle(
    client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict, settings
) -> None:
    anna, boris, chen = people["anna"], people["boris"], people["chen"]
    [obj] = await mint_objects(pool, uid(anna), 1)
    created = (
        await client.post("/api/transfers", json={"photo_id": obj}, headers=bearer(anna))
    ).json()
    assert created["status"] == "pending" and created["claim_token"]
    link = urlsplit(created["deep_link"])
    assert created["deep_link"].startswith(settings.miniapp_link)
    start = parse_qs(link.query)["startapp"][0]
    assert start == f"claim_{created['claim_token']}" and len(start) <= 512
    assert all(c.isalnum() or c in "_-" for c in start)
    assert len(created["claim_token"]) >= 22  # >= 128 bits of base64url
    stored = await pool.fetchval(
        "SELECT claim_token_hash FROM transfers WHERE id = $1", created["id"]
    )
    assert created["claim_token"].encode() not in stored  # only the hash is stored

    own = await client.post(
        "/api/transfers/claim", json={"token": created["claim_token"]}, headers=bearer(anna)
    )
    assert own.status_code == 422
    claimed = await client.post(
        "/api/transfers/claim", json={"token": created["claim_token"]}, headers=bearer(boris)
    )
    assert claimed.status_code == 200 and claimed.json()["status"] == "completed"
    assert await owner(pool, obj) == uid(boris)
    reuse = await client.post(
        "/api/transfers/claim", json={"token": created["claim_token"]}, headers=bearer(chen)
    )
    assert reuse.status_code == 409
    unknown = await client.post(
        "/api/transfers/claim", json={"token": "x" * 32}, headers=bearer(chen)
    )
    assert unknown.status_code == 404
    await assert_invariants(pool)


async def _preview(client: httpx.AsyncClient, token: str, viewer: dict) -> dict:
    response = await client.post(
        "/api/transfers/claim/preview", json={"token": token}, headers=bearer(viewer)
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_claim_expiry_cancel_and_replacement(
    client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict
) -> None:
    anna, boris = people["anna"], people["boris"]
    [obj] = await mint_objects(pool, uid(anna), 1)
    first = (
        await client.post("/api/transfers", json={"photo_id": obj}, headers=bearer(anna))
    ).json()
    # A second code is never made behind the first link holder's back: 409 naming the live one.
    again = await client.post("/api/transfers", json={"photo_id": obj}, headers=bearer(anna))
    assert again.status_code == 409
    assert again.json()["detail"]["code"] == "claim_code_pending"
    assert again.json()["detail"]["transfer_id"] == first["id"]
    # Reopening "Give" shows the same code again (in the body; the database keeps only its hash).
    shown = await client.get(
        "/api/transfers/pending-code", params={"photo_id": obj}, headers=bearer(anna)
    )
    assert shown.status_code == 200
    assert (shown.json()["id"], shown.json()["claim_token"], shown.json()["deep_link"]) == (
        first["id"],
        first["claim_token"],
        first["deep_link"],
    )
    stored = await pool.fetchval(
        "SELECT claim_token_hash FROM transfers WHERE id = $1", first["id"]
    )
    assert first["claim_token"].encode() not in stored
    # Nobody else gets it.
    other = await client.get(
        "/api/transfers/pending-code", params={"photo_id": obj}, headers=bearer(boris)
    )
    assert other.status_code == 200 and other.json() is None
    # An explicit replacement: the old link then says so, truthfully, and no longer works.
    replaced = await client.post(f"/api/transfers/{first['id']}/replace", headers=bearer(anna))
    assert replaced.status_code == 201, replaced.text
    second = replaced.json()
    assert second["claim_token"] != first["claim_token"] and second["status"] == "pending"
    old = await _preview(client, first["claim_token"], boris)
    assert (old["status"], old["cancel_reason"]) == ("cancelled", "replaced")
    assert (
        await client.post(f"/api/transfers/{first['id']}/replace", headers=bearer(anna))
    ).status_code == 409
    assert (
        await client.post(f"/api/transfers/{second['id']}/replace", headers=bearer(boris))
    ).status_code == 404
    late_old = await client.post(
        "/api/transfers/claim", json={"token": first["claim_token"]}, headers=bearer(boris)
    )
    assert late_old.status_code == 409
    await pool.execute(
        "UPDATE transfers SET expires_at = now() - interval '1 second' WHERE id = $1", second["id"]
    )
    listed = (await client.get("/api/transfers", headers=bearer(anna))).json()["items"]
    assert {t["id"]: t["status"] for t in listed}[
        second["id"]
    ] == "expired"  # visible at once on read
    # An expired code is not shown again, and a new one may be made.
    none = await client.get(
        "/api/transfers/pending-code", params={"photo_id": obj}, headers=bearer(anna)
    )
    assert none.json() is None
    late = await client.post(
        "/api/transfers/claim", json={"token": second["claim_token"]}, headers=bearer(boris)
    )
    assert late.status_code == 410
    assert (
        await pool.fetchval("SELECT status FROM transfers WHERE id = $1", second["id"]) == "expired"
    )
    third = (
        await client.post("/api/transfers", json={"photo_id": obj}, headers=bearer(anna))
    ).json()
    assert (
        await client.post(f"/api/transfers/{third['id']}/cancel", headers=bearer(boris))
    ).status_code == 404
    cancelled = await client.post(f"/api/transfers/{third['id']}/cancel", headers=bearer(anna))
    assert cancelled.json()["status"] == "cancelled"
    assert (
        await client.post(f"/api/transfers/{third['id']}/cancel", headers=bearer(anna))
    ).status_code == 409
    assert (await _preview(client, third["claim_token"], boris))["cancel_reason"] == "withdrawn"
    dead = await client.post(
        "/api/transfers/claim", json={"token": third["claim_token"]}, headers=bearer(boris)
    )
    assert dead.status_code == 409
    assert await owner(pool, obj) == uid(anna)
    # A code that died because the object was given to someone else says that.
    fourth = (
        await client.post("/api/transfers", json={"photo_id": obj}, headers=bearer(anna))
    ).json()
    gift = await client.post(
        "/api/transfers", json={"photo_id": obj, "to_user_id": uid(boris)}, headers=bearer(anna)
    )
    assert gift.status_code == 201
    assert (await _preview(client, fourth["claim_token"], people["chen"]))[
        "cancel_reason"
    ] == "changed_hands"
    await assert_invariants(pool)


async def test_parallel_code_requests_make_one_code(
    client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict
) -> None:
    anna = people["anna"]
    [obj] = await mint_objects(pool, uid(anna), 1)
    results = await asyncio.gather(
        *[
            client.post("/api/transfers", json={"photo_id": obj}, headers=bearer(anna))
            for _ in range(8)
        ]
    )
    assert sorted(r.status_code for r in results) == [201] + [409] * 7
    pending = await pool.fetchval(
        "SELECT count(*) FROM transfers WHERE art_object_id = $1 AND status = 'pending'", obj
    )
    assert pending == 1
    await assert_invariants(pool)


async def test_twenty_users_claim_one_code_at_once(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    anna = await sign_in(client, 1, "anna")
    claimers = [await sign_in(client, 100 + i, f"c{i}") for i in range(20)]
    [obj] = await mint_objects(pool, uid(anna), 1)
    history_before = await pool.fetchval("SELECT count(*) FROM ownership_history")
    code = (
        await client.post("/api/transfers", json={"photo_id": obj}, headers=bearer(anna))
    ).json()["claim_token"]
    results = await asyncio.gather(
        *[
            client.post("/api/transfers/claim", json={"token": code}, headers=bearer(c))
            for c in claimers
        ]
    )
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200] + [409] * 19
    winner = next(c for c, r in zip(claimers, results, strict=True) if r.status_code == 200)
    assert await owner(pool, obj) == uid(winner)
    assert await pool.fetchval("SELECT count(*) FROM ownership_history") == history_before + 1
    await assert_invariants(pool)


# --- trades ---------------------------------------------------------------------------------


async def propose(client, tokens, offered, requested, recipient=None, **extra) -> httpx.Response:
    body = {"offered_photo_ids": offered, "requested_photo_ids": requested, **extra}
    if recipient is not None:
        body["recipient_id"] = recipient
    return await client.post("/api/trades", json=body, headers=bearer(tokens))


async def test_two_for_one_trade(
    client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict
) -> None:
    anna, boris, chen = people["anna"], people["boris"], people["chen"]
    a1, a2 = await mint_objects(pool, uid(anna), 2, start=0)
    [b1] = await mint_objects(pool, uid(boris), 1, start=10)
    created = await propose(client, anna, [a1, a2], [b1], uid(boris), message="deal?")
    assert created.status_code == 201, created.text
    trade = created.json()
    assert trade["status"] == "pending" and trade["token"] is None
    assert [p["id"] for p in trade["offered"]] == [a1, a2] and [
        p["id"] for p in trade["requested"]
    ] == [b1]
    incoming = (
        await client.get("/api/trades", params={"role": "incoming"}, headers=bearer(boris))
    ).json()["items"]
    assert [t["id"] for t in incoming] == [trade["id"]]
    assert (await client.get(f"/api/trades/{trade['id']}", headers=bearer(chen))).status_code == 404
    assert (
        await client.post(f"/api/trades/{trade['id']}/accept", headers=bearer(chen))
    ).status_code == 404
    assert (
        await client.post(f"/api/trades/{trade['id']}/accept", headers=bearer(anna))
    ).status_code == 403
    assert (
        await client.post(f"/api/trades/{trade['id']}/decline", headers=bearer(anna))
    ).status_code == 403
    accepted = await client.post(f"/api/trades/{trade['id']}/accept", headers=bearer(boris))
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert [await owner(pool, o) for o in (a1, a2, b1)] == [uid(boris), uid(boris), uid(anna)]
    again = await client.post(f"/api/trades/{trade['id']}/accept", headers=bearer(boris))
    assert again.status_code == 409
    history = (await client.get(f"/api/photos/{b1}/history")).json()
    assert history[-1]["reason"] == "trade" and history[-1]["trade_id"] == trade["id"]
    accepted_list = (
        await client.get(
            "/api/trades", params={"role": "outgoing", "status": "accepted"}, headers=bearer(anna)
        )
    ).json()
    assert [t["id"] for t in accepted_list["items"]] == [trade["id"]]
    await assert_invariants(pool)


async def test_trade_validation(
    client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict
) -> None:
    anna, boris, chen = people["anna"], people["boris"], people["chen"]
    [a1] = await mint_objects(pool, uid(anna), 1, start=0)
    [b1] = await mint_objects(pool, uid(boris), 1, start=10)
    [c1] = await mint_objects(pool, uid(chen), 1, start=20)
    cases = [
        (await propose(client, anna, [b1], [c1]), 403),  # offering what you don't own
        (await propose(client, anna, [a1], [b1, c1]), 422),  # two counterparties
        (await propose(client, anna, [a1], [a1]), 422),  # both sides
        (await propose(client, anna, [a1, a1], [b1]), 422),  # listed twice
        (await propose(client, anna, [a1], [b1], uid(anna)), 422),  # self
        (await propose(client, anna, [a1], [b1], uid(chen)), 422),  # recipient doesn't own them
        (
            await propose(client, anna, [a1], [999999]),
            404,
        ),  # missing object: photo_not_found, as everywhere
        (await propose(client, anna, [], [b1]), 422),
        (await propose(client, anna, [a1], list(range(1, 30))), 422),  # too many
        (await propose(client, anna, [a1], [b1], message="x" * 1001), 422),
    ]
    assert [r.status_code for r, _ in cases] == [s for _, s in cases]
    assert await pool.fetchval("SELECT count(*) FROM trades") == 0


async def test_open_trade_by_token(
    client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict
) -> None:
    anna, boris, chen = people["anna"], people["boris"], people["chen"]
    [a1] = await mint_objects(pool, uid(anna), 1, start=0)
    [b1] = await mint_objects(pool, uid(boris), 1, start=10)
    trade = (await propose(client, anna, [a1], [b1])).json()
    assert trade["token"] and trade["deep_link"].endswith(f"?startapp=trade_{trade['token']}")
    seen = await client.post(
        "/api/trades/by-token", json={"token": trade["token"]}, headers=bearer(chen)
    )
    assert seen.status_code == 200 and seen.json()["token"] is None
    # Chen scanned it but doesn't own the requested object.
    wrong = await client.post(
        f"/api/trades/{trade['id']}/accept", json={"token": trade["token"]}, headers=bearer(chen)
    )
    assert wrong.status_code == 403
    no_token = await client.post(f"/api/trades/{trade['id']}/accept", headers=bearer(boris))
    assert no_token.status_code == 404
    ok = await client.post(
        f"/api/trades/{trade['id']}/accept", json={"token": trade["token"]}, headers=bearer(boris)
    )
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"
    assert await owner(pool, a1) == uid(boris) and await owner(pool, b1) == uid(anna)
    qr = await client.get(
        f"/api/trades/{trade['id']}/qr.png",
        headers={**bearer(anna), "X-Link-Token": trade["token"]},
    )
    assert (
        qr.status_code == 200
        and qr.content.startswith(b"\x89PNG")
        and qr.headers["cache-control"] == "no-store"
    )
    assert (
        await client.get(
            f"/api/trades/{trade['id']}/qr.png", headers={**bearer(anna), "X-Link-Token": "y" * 32}
        )
    ).status_code == 404
    await assert_invariants(pool)


async def test_decline_cancel_and_expiry(
    client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict
) -> None:
    anna, boris = people["anna"], people["boris"]
    [a1] = await mint_objects(pool, uid(anna), 1, start=0)
    [b1] = await mint_objects(pool, uid(boris), 1, start=10)
    t1 = (await propose(client, anna, [a1], [b1], uid(boris))).json()
    assert (
        await client.post(f"/api/trades/{t1['id']}/cancel", headers=bearer(boris))
    ).status_code == 403
    assert (await client.post(f"/api/trades/{t1['id']}/decline", headers=bearer(boris))).json()[
        "status"
    ] == "declined"
    assert (
        await client.post(f"/api/trades/{t1['id']}/accept", headers=bearer(boris))
    ).status_code == 409
    t2 = (await propose(client, anna, [a1], [b1], uid(boris))).json()
    assert (await client.post(f"/api/trades/{t2['id']}/cancel", headers=bearer(anna))).json()[
        "status"
    ] == "cancelled"
    t3 = (await propose(client, anna, [a1], [b1], uid(boris))).json()
    await pool.execute(
        "UPDATE trades SET expires_at = now() - interval '1 second' WHERE id = $1", t3["id"]
    )
    assert (await client.get(f"/api/trades/{t3['id']}", headers=bearer(anna))).json()[
        "status"
    ] == "expired"
    assert (
        await client.post(f"/api/trades/{t3['id']}/accept", headers=bearer(boris))
    ).status_code == 410
    assert await pool.fetchval("SELECT status FROM trades WHERE id = $1", t3["id"]) == "expired"
    t4 = (await propose(client, anna, [a1], [b1], uid(boris))).json()
    await pool.execute(
        "UPDATE trades SET expires_at = now() - interval '1 second' WHERE id = $1", t4["id"]
    )
    from app.services.expiry import expire_due

    assert await expire_due(pool) == 1
    assert await pool.fetchval("SELECT status FROM trades WHERE id = $1", t4["id"]) == "expired"
    assert [await owner(pool, o) for o in (a1, b1)] == [uid(anna), uid(boris)]
    await assert_invariants(pool)


async def test_the_expiry_sweep_expires_a_pending_claim_code_and_tells_its_giver(
    client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict
) -> None:
    anna = people["anna"]
    [obj] = await mint_objects(pool, uid(anna), 1)
    created = (
        await client.post("/api/transfers", json={"photo_id": obj}, headers=bearer(anna))
    ).json()
    await pool.execute(
        "UPDATE transfers SET expires_at = now() - interval '1 second' WHERE id = $1",
        created["id"],
    )
    before = await pool.fetchval("SELECT coalesce(max(id), 0) FROM events")
    from app.services.expiry import expire_due

    assert await expire_due(pool) == 1
    assert await pool.fetchval("SELECT status FROM transfers WHERE id = $1", created["id"]) == (
        "expired"
    )
    event = await pool.fetchrow(
        "SELECT type, audience FROM events WHERE id > $1 ORDER BY id", before
    )
    assert (event["type"], list(event["audience"])) == ("transfer.updated", [uid(anna)])
    assert await owner(pool, obj) == uid(anna)


async def test_fifty_trades_sharing_one_item_accepted_at_once(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    anna = await sign_in(client, 1, "anna")
    bidders = [await sign_in(client, 100 + i, f"b{i}") for i in range(50)]
    [prize] = await mint_objects(pool, uid(anna), 1, start=0)
    trade_ids = []
    for i, bidder in enumerate(bidders):
        [own] = await mint_objects(pool, uid(bidder), 1, start=1000 + i)
        response = await propose(client, bidder, [own], [prize], uid(anna))
        assert response.status_code == 201
        trade_ids.append(response.json()["id"])
    history_before = await pool.fetchval("SELECT count(*) FROM ownership_history")
    results = await asyncio.gather(
        *[client.post(f"/api/trades/{t}/accept", headers=bearer(anna)) for t in trade_ids]
    )
    statuses = [r.status_code for r in results]
    assert statuses.count(200) == 1 and statuses.count(409) == 49, statuses
    statuses_in_db = await pool.fetch("SELECT status, count(*) FROM trades GROUP BY status")
    assert {r["status"]: r["count"] for r in statuses_in_db} == {"accepted": 1, "failed": 49}
    assert await pool.fetchval("SELECT count(*) FROM ownership_history") == history_before + 2
    await assert_invariants(pool)


async def test_opposite_trades_accepted_together_never_deadlock(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    for round_ in range(10):
        await pool.execute(
            "TRUNCATE users, images, art_objects, trades, ownership_history, events RESTART IDENTITY CASCADE"
        )
        anna = await sign_in(client, 1, "anna")
        boris = await sign_in(client, 2, "boris")
        [x] = await mint_objects(pool, uid(anna), 1, start=round_ * 10)
        [y] = await mint_objects(pool, uid(boris), 1, start=round_ * 10 + 1)
        t1 = (await propose(client, anna, [x], [y], uid(boris))).json()
        t2 = (await propose(client, boris, [y], [x], uid(anna))).json()
        r1, r2 = await asyncio.gather(
            client.post(f"/api/trades/{t1['id']}/accept", headers=bearer(boris)),
            client.post(f"/api/trades/{t2['id']}/accept", headers=bearer(anna)),
        )
        assert sorted([r1.status_code, r2.status_code]) == [200, 409], (r1.text, r2.text)
        assert await owner(pool, x) == uid(boris) and await owner(pool, y) == uid(anna)
        await assert_invariants(pool)


async def test_trade_fails_when_item_was_given_away(
    client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict
) -> None:
    anna, boris, chen = people["anna"], people["boris"], people["chen"]
    [a1] = await mint_objects(pool, uid(anna), 1, start=0)
    [b1] = await mint_objects(pool, uid(boris), 1, start=10)
    trade = (await propose(client, anna, [a1], [b1], uid(boris))).json()
    await client.post(
        "/api/transfers", json={"photo_id": a1, "to_user_id": uid(chen)}, headers=bearer(anna)
    )
    failed = await client.post(f"/api/trades/{trade['id']}/accept", headers=bearer(boris))
    assert failed.status_code == 409
    assert failed.json()["detail"]["code"] == "trade_items_changed"
    assert "no longer owns" in failed.json()["detail"]["failure_reason"]
    assert (await client.get(f"/api/trades/{trade['id']}", headers=bearer(anna))).json()[
        "status"
    ] == "failed"
    assert await owner(pool, b1) == uid(boris)
    await assert_invariants(pool)


# --- profile requests -----------------------------------------------------------------------


async def test_profile_request_flow(
    client: httpx.AsyncClient, pool: asyncpg.Pool, people: dict
) -> None:
    anna, boris, chen = people["anna"], people["boris"], people["chen"]
    await mint_objects(pool, uid(anna), 2)
    await client.patch("/api/me", json={"is_private": True}, headers=bearer(anna))
    collection = f"/api/users/{uid(anna)}/photos"
    assert (await client.get(collection, headers=bearer(boris))).status_code == 403
    assert (await client.get(collection)).status_code == 403
    first = await client.post(
        "/api/profile_requests", json={"user_id": uid(anna), "message": "hi"}, headers=bearer(boris)
    )
    assert first.status_code == 201
    again = await client.post(
        "/api/profile_requests", json={"user_id": uid(anna)}, headers=bearer(boris)
    )
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert (
        await client.post(
            "/api/profile_requests", json={"user_id": uid(boris)}, headers=bearer(boris)
        )
    ).status_code == 422
    incoming = (
        await client.get("/api/profile_requests", params={"role": "incoming"}, headers=bearer(anna))
    ).json()
    assert [r["id"] for r in incoming["items"]] == [first.json()["id"]]
    request_id = first.json()["id"]
    assert (
        await client.post(f"/api/profile_requests/{request_id}/accept", headers=bearer(chen))
    ).status_code == 404
    accepted = await client.post(f"/api/profile_requests/{request_id}/accept", headers=bearer(anna))
    assert accepted.json()["status"] == "accepted"
    visible = await client.get(collection, headers=bearer(boris))
    assert visible.status_code == 200 and len(visible.json()["items"]) == 2
    profile = (await client.get(f"/api/users/{uid(anna)}", headers=bearer(boris))).json()
    assert (
        profile["can_view_collection"] is True and profile["profile_request_status"] == "accepted"
    )
    assert (await client.get(collection, headers=bearer(chen))).status_code == 403
    # The owner revokes access.
    assert (
        await client.delete(f"/api/profile_requests/{request_id}", headers=bearer(anna))
    ).status_code == 204
    assert (await client.get(collection, headers=bearer(boris))).status_code == 403
    events = await pool.fetch("SELECT audience FROM events WHERE type = 'profile_request.updated'")
    assert events and all(e["audience"] == sorted([uid(anna), uid(boris)]) for e in events)


async def test_qr_endpoint_encodes_only_own_links(client: httpx.AsyncClient, settings) -> None:
    ok = await client.get(
        "/api/qr.png", params={"data": f"{settings.miniapp_link}?startapp=trade_abc"}
    )
    assert ok.status_code == 200 and ok.content.startswith(b"\x89PNG")
    evil = await client.get("/api/qr.png", params={"data": "https://evil.example/phish"})
    assert evil.status_code == 422
    login = (await client.post("/api/auth/qr")).json()
    png = await client.get(
        f"/api/auth/qr/{login['request_id']}/qr.png", headers={"X-QR-Secret": login["secret"]}
    )
    assert png.status_code == 200 and png.headers["cache-control"] == "no-store"
    assert (
        await client.get(
            f"/api/auth/qr/{login['request_id']}/qr.png", headers={"X-QR-Secret": "nope"}
        )
    ).status_code == 404
