"""trade_accept() and art_object_move() (backend/migrations/post-apply.functions.sql) build the
event payloads in SQL, with the same functions the read path calls. Here each one they write is
compared with what the read path returns and checked to be exactly what the pydantic models
make of it, so the realtime clients and the web app see exactly the same shapes; and contested
accepts through the function still have exactly one winner.
"""

import asyncio
import re
from datetime import UTC, datetime

import asyncpg
import httpx
import pytest
from pydantic import BaseModel

from app.core.errors import ErrorCode
from app.core.migrations import MIGRATIONS_DIR
from app.repositories import transfers as transfers_repo
from app.schemas.events import EVENT_DATA, OwnershipChanged
from app.schemas.transfers import Transfer
from app.services.shapes import to_transfer
from tests.support import assert_invariants, bearer, mint_objects, sign_in
from tests.test_exchange import owner, propose, uid


async def _events_after(pool: asyncpg.Pool, event_id: int) -> list[asyncpg.Record]:
    return await pool.fetch(
        "SELECT id, type, data, audience, subjects FROM events WHERE id > $1 ORDER BY id",
        event_id,
    )


async def _last_event_id(pool: asyncpg.Pool) -> int:
    return await pool.fetchval("SELECT coalesce(max(id), 0) FROM events")


async def _as_the_model_writes_it(model: type[BaseModel], data: dict) -> dict:
    """`data` (JSON built in SQL) is exactly what pydantic makes of it: the model's fields, no
    more, each written the way the model writes it."""
    assert set(data) == set(model.model_fields), sorted(set(data) ^ set(model.model_fields))
    assert model.model_validate(data).model_dump(mode="json") == data
    return data


async def _trade_payload(pool: asyncpg.Pool, trade_id: int, viewer_id: int | None) -> dict:
    """The trade.updated payload for this viewer as the read path builds it (trade_info_json,
    which GET /api/trades/{id} reads through trade_json), checked against the model."""
    data = await pool.fetchval("SELECT trade_info_json($1, $2)", trade_id, viewer_id)
    return await _as_the_model_writes_it(EVENT_DATA["trade.updated"], data)


async def _transfer_payload(pool: asyncpg.Pool, transfer_id: int) -> dict:
    async with pool.acquire() as conn:
        row = await transfers_repo.view(conn, transfer_id)
    assert row is not None
    return await _as_the_model_writes_it(Transfer, to_transfer(row).model_dump(mode="json"))


class _Stamp(BaseModel):
    at: datetime


async def test_json_time_is_pydantics_format(pool: asyncpg.Pool) -> None:
    times = [
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),  # no fraction: pydantic writes none
        datetime(2026, 1, 2, 3, 4, 5, 120000, tzinfo=UTC),  # trailing zeros are kept
        datetime(2026, 12, 31, 23, 59, 59, 1, tzinfo=UTC),
        datetime(1999, 7, 1, 0, 0, 0, 999999, tzinfo=UTC),
    ]
    for t in times:
        expected = _Stamp(at=t).model_dump(mode="json")["at"]
        assert await pool.fetchval("SELECT json_time($1)", t) == expected, t
    # And under a session time zone other than UTC (the server's default may be anything).
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL TimeZone = 'Asia/Vladivostok'")
        assert (
            await conn.fetchval("SELECT json_time($1)", times[1]) == "2026-01-02T03:04:05.120000Z"
        )
    assert await pool.fetchval("SELECT json_time(NULL)") is None


async def test_accept_events_equal_the_models(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    anna = await sign_in(client, 4301, "Anna")
    boris = await sign_in(client, 4302, "Boris")
    chen = await sign_in(client, 4303, "Chen")
    await pool.execute(
        "UPDATE users SET avatar_url = 'https://example.org/a.png' WHERE id = $1", uid(anna)
    )
    a1, a2, a3 = await mint_objects(pool, uid(anna), 3, start=0)
    b1, b2, b3 = await mint_objects(pool, uid(boris), 3, start=10)
    await pool.execute(
        "UPDATE images SET thumb_2x_key = 'media/t2/' || id || '.webp' WHERE id % 2 = 0"
    )
    # Live claim codes on one item of each side: the move cancels them and tells the givers.
    for giver, photo in ((anna, a1), (boris, b2)):
        code = await client.post("/api/transfers", json={"photo_id": photo}, headers=bearer(giver))
        assert code.status_code == 201, code.text
    # A private proposer: what the accepter sees of the requested side (now anna's) follows
    # the visibility rule, in the SQL payload as in the Python one.
    await pool.execute("UPDATE users SET is_private = true WHERE id = $1", uid(anna))
    t1 = (await propose(client, anna, [a1, a2], [b1, b2], uid(boris), message="deal?")).json()
    t2 = (await propose(client, anna, [a3], [b3])).json()  # open trade, by token
    # Whole seconds, so json_time's no-fraction form is in the payload too.
    await pool.execute(
        "UPDATE trades SET created_at = '2026-01-01 00:00:00+00' WHERE id = $1", t1["id"]
    )

    for trade, token in ((t1, None), (t2, t2["token"])):
        before = await _last_event_id(pool)
        body = {"token": token} if token else None
        accepted = await client.post(
            f"/api/trades/{trade['id']}/accept", json=body, headers=bearer(boris)
        )
        assert accepted.status_code == 200, accepted.text
        # The reply equals the Python read path's view for the accepter.
        read = await client.get(f"/api/trades/{trade['id']}", headers=bearer(boris))
        assert accepted.json() == read.json()
        assert accepted.json()["requested"] == []  # anna is private; boris was not let in

        events = await _events_after(pool, before)
        items = trade["offered"] + trade["requested"]
        kinds = [e["type"] for e in events]
        codes = sum(1 for p in items if p["id"] in (a1, b2))
        assert kinds.count("ownership.changed") == len(items)
        assert kinds.count("transfer.updated") == codes
        assert kinds[-1] == "trade.updated" and kinds.count("trade.updated") == 1
        offered = {p["id"] for p in trade["offered"]}
        for event in events:
            data = event["data"]
            if event["type"] == "ownership.changed":
                moved_to_boris = data["photo_id"] in offered
                expected = OwnershipChanged(
                    photo_id=data["photo_id"],
                    from_user_id=uid(anna) if moved_to_boris else uid(boris),
                    to_user_id=uid(boris) if moved_to_boris else uid(anna),
                    reason="trade",
                    trade_id=trade["id"],
                    transfer_id=None,
                )
                assert data == expected.model_dump(mode="json")
                assert event["audience"] is None
                assert event["subjects"] == sorted([uid(anna), uid(boris)])
            elif event["type"] == "transfer.updated":
                assert data == await _transfer_payload(pool, data["id"])
                assert data["status"] == "cancelled"
                assert event["audience"] == [data["from_user"]["id"]] and event["subjects"] == []
            else:
                assert data == await _trade_payload(pool, trade["id"], uid(boris))
                assert data["status"] == "accepted" and data["accepted_by"]["id"] == uid(boris)
                assert event["audience"] == sorted([uid(anna), uid(boris)])
        # Each item's transfer.updated (if any) comes right before its ownership.changed,
        # offered side first, in id order: the order the Python path wrote them in.
        moved = [e["data"]["photo_id"] for e in events if e["type"] == "ownership.changed"]
        assert moved == [p["id"] for p in trade["offered"]] + [p["id"] for p in trade["requested"]]

    # A viewer the private owner let in sees the requested side in the payload.
    await pool.execute(
        "INSERT INTO profile_requests (requester_id, target_id, status) VALUES ($1, $2, 'accepted')",
        uid(chen),
        uid(anna),
    )
    [c1] = await mint_objects(pool, uid(chen), 1, start=30)
    t3 = (await propose(client, anna, [b1], [c1], uid(chen))).json()  # anna now owns b1
    accepted = await client.post(f"/api/trades/{t3['id']}/accept", headers=bearer(chen))
    assert accepted.status_code == 200, accepted.text
    assert [p["id"] for p in accepted.json()["requested"]] == [c1]
    data = await pool.fetchval(
        "SELECT data FROM events WHERE type = 'trade.updated' ORDER BY id DESC LIMIT 1"
    )
    assert data == await _trade_payload(pool, t3["id"], uid(chen))
    await assert_invariants(pool)


async def test_failed_and_expired_accepts_announce_like_the_models(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    anna = await sign_in(client, 4311, "Anna")
    boris = await sign_in(client, 4312, "Boris")
    chen = await sign_in(client, 4313, "Chen")
    a1, a2 = await mint_objects(pool, uid(anna), 2, start=0)
    b1, b2 = await mint_objects(pool, uid(boris), 2, start=10)
    stale = (await propose(client, anna, [a1], [b1], uid(boris))).json()
    late = (await propose(client, anna, [a2], [b2], uid(boris))).json()
    given = await client.post(
        "/api/transfers", json={"photo_id": b1, "to_user_id": uid(chen)}, headers=bearer(boris)
    )
    assert given.status_code == 201
    await pool.execute(
        "UPDATE trades SET expires_at = now() - interval '1 second' WHERE id = $1", late["id"]
    )

    before = await _last_event_id(pool)
    failed = await client.post(f"/api/trades/{stale['id']}/accept", headers=bearer(boris))
    assert failed.status_code == 409
    assert failed.json()["detail"] == {
        "code": "trade_items_changed",
        "message": "trade failed: the requested art objects changed hands",
        "failure_reason": "the requested art objects changed hands",
    }
    gone = await client.post(f"/api/trades/{late['id']}/accept", headers=bearer(boris))
    assert gone.status_code == 410
    assert gone.json()["detail"] == {"code": "trade_expired", "message": "this trade has expired"}
    events = await _events_after(pool, before)
    assert [(e["type"], e["data"]["id"], e["data"]["status"]) for e in events] == [
        ("trade.updated", stale["id"], "failed"),
        ("trade.updated", late["id"], "expired"),
    ]
    for event, trade in zip(events, (stale, late), strict=True):
        assert event["data"] == await _trade_payload(pool, trade["id"], None)
        assert event["audience"] == sorted([uid(anna), uid(boris)])
    # Accepting either again: not pending, with the stored status, and nothing written.
    for trade, status in ((stale, "failed"), (late, "expired")):
        again = await client.post(f"/api/trades/{trade['id']}/accept", headers=bearer(boris))
        assert again.status_code == 409
        assert again.json()["detail"] == {
            "code": "trade_not_pending",
            "message": f"trade is already {status}",
            "status": status,
        }
    assert await _last_event_id(pool) == events[-1]["id"]
    assert [await owner(pool, o) for o in (a1, a2, b1, b2)] == [
        uid(anna),
        uid(anna),
        uid(chen),
        uid(boris),
    ]
    await assert_invariants(pool)


async def test_refusals_keep_their_codes_and_write_nothing(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    anna = await sign_in(client, 4321, "Anna")
    boris = await sign_in(client, 4322, "Boris")
    chen = await sign_in(client, 4323, "Chen")
    [a1, a2] = await mint_objects(pool, uid(anna), 2, start=0)
    [b1, b2] = await mint_objects(pool, uid(boris), 2, start=10)
    addressed = (await propose(client, anna, [a1], [b1], uid(boris))).json()
    open_ = (await propose(client, anna, [a2], [b2])).json()
    before = await _last_event_id(pool)
    cases = [
        (chen, addressed["id"], None, 404, "trade_not_found", "trade not found"),
        (boris, 999_999, None, 404, "trade_not_found", "trade not found"),
        (
            anna,
            addressed["id"],
            None,
            403,
            "trade_addressed_to_other",
            "this trade is addressed to someone else",
        ),
        (anna, open_["id"], None, 422, "own_trade", "you can't accept your own trade"),
        (boris, open_["id"], None, 404, "trade_not_found", "trade not found"),  # no token
        (boris, open_["id"], "x" * 32, 404, "trade_not_found", "trade not found"),  # wrong token
        (
            chen,
            open_["id"],
            open_["token"],
            403,
            "not_owner_of_requested",
            "you don't own the requested photos",
        ),
    ]
    for who, trade_id, token, status, code, message in cases:
        body = {"token": token} if token else None
        response = await client.post(
            f"/api/trades/{trade_id}/accept", json=body, headers=bearer(who)
        )
        assert response.status_code == status, (code, response.text)
        assert response.json()["detail"] == {"code": code, "message": message}
    assert await _last_event_id(pool) == before
    statuses = await pool.fetch("SELECT status FROM trades ORDER BY id")
    assert [r["status"] for r in statuses] == ["pending", "pending"]


async def test_contested_accepts_have_one_winner_per_item(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    """Many trades over the same few objects, in both directions, accepted all at once: every
    reply is 200 or 409, no two accepted trades share an object, every loser is stored `failed`
    with the reason its 409 gave, each outcome was announced once, and the invariants hold."""
    anna = await sign_in(client, 4331, "Anna")
    boris = await sign_in(client, 4332, "Boris")
    xs = await mint_objects(pool, uid(anna), 3, start=0)
    ys = await mint_objects(pool, uid(boris), 3, start=10)
    # Every (x, y) pair both ways, plus 2-for-2s: 24 trades over 6 objects.
    plans = [(anna, boris, [x], [y]) for x in xs for y in ys]
    plans += [(boris, anna, [y], [x]) for x in xs for y in ys[:1]]
    plans += [(anna, boris, xs[:2], ys[1:]), (boris, anna, ys[:2], xs[1:])]
    plans += [(anna, boris, [xs[2]], ys[:2]), (boris, anna, [ys[2]], xs[:2])]
    created = []
    for proposer, recipient, offered, requested in plans:
        response = await propose(client, proposer, offered, requested, uid(recipient))
        assert response.status_code == 201, response.text
        created.append((response.json(), recipient))
    before = await _last_event_id(pool)
    replies = await asyncio.gather(
        *[client.post(f"/api/trades/{t['id']}/accept", headers=bearer(r)) for t, r in created]
    )
    assert {r.status_code for r in replies} <= {200, 409}, [r.text for r in replies]
    winners = [t for (t, _), r in zip(created, replies, strict=True) if r.status_code == 200]
    assert winners, "some trade must go through"
    claimed = [p["id"] for t in winners for p in t["offered"] + t["requested"]]
    assert len(claimed) == len(set(claimed)), "an object went to two accepted trades"
    stored = dict(await pool.fetch("SELECT id, status FROM trades"))
    reasons = dict(await pool.fetch("SELECT id, failure_reason FROM trades"))
    for (trade, _), reply in zip(created, replies, strict=True):
        if reply.status_code == 200:
            assert stored[trade["id"]] == "accepted" and reply.json()["status"] == "accepted"
        else:
            detail = reply.json()["detail"]
            assert detail["code"] == "trade_items_changed", detail
            assert stored[trade["id"]] == "failed"
            assert detail["failure_reason"] == reasons[trade["id"]]
    announced = await pool.fetch(
        "SELECT data->>'id' AS id, data->>'status' AS status FROM events"
        " WHERE type = 'trade.updated' AND id > $1",
        before,
    )
    assert sorted((int(r["id"]), r["status"]) for r in announced) == sorted(stored.items())
    moves = await pool.fetchval(
        "SELECT count(*) FROM events WHERE type = 'ownership.changed' AND id > $1", before
    )
    assert moves == len(claimed)
    await assert_invariants(pool)


async def _accept_waits_for_a_lock(pool: asyncpg.Pool) -> bool:
    return await pool.fetchval(
        """
        SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid)
                        WHERE NOT l.granted AND a.datname = current_database()
                          AND a.query LIKE '%trade_accept(%')
        """
    )


async def test_accept_locks_items_in_id_order_then_the_trade(
    client: httpx.AsyncClient, pool: asyncpg.Pool, database_url: str
) -> None:
    """Inside the one statement the locks still go lowest id first, the trade last: with the
    second of three items held elsewhere, the waiting accept holds the first, and neither the
    third nor the trade row."""
    anna = await sign_in(client, 4341, "Anna")
    boris = await sign_in(client, 4342, "Boris")
    first, second = await mint_objects(pool, uid(anna), 2, start=0)
    [third] = await mint_objects(pool, uid(boris), 1, start=10)
    assert first < second < third
    trade = (await propose(client, anna, [first, second], [third], uid(boris))).json()
    holder = await asyncpg.connect(database_url)
    try:
        async with holder.transaction():
            await holder.execute("SELECT 1 FROM art_objects WHERE id = $1 FOR UPDATE", second)
            accept = asyncio.create_task(
                client.post(f"/api/trades/{trade['id']}/accept", headers=bearer(boris))
            )
            while not await _accept_waits_for_a_lock(pool):
                assert not accept.done(), accept.result().text
                await asyncio.sleep(0.01)  # poll for the fact: the accept waits on `second`
            probe = await asyncpg.connect(database_url)
            try:
                nowait = "SELECT id FROM art_objects WHERE id = $1 FOR UPDATE NOWAIT"
                with pytest.raises(asyncpg.LockNotAvailableError):
                    await probe.fetchval(nowait, first)  # taken first, by the accept
                async with probe.transaction():
                    assert await probe.fetchval(nowait, third) == third  # not reached yet
                    locked = await probe.fetchval(
                        "SELECT id FROM trades WHERE id = $1 FOR UPDATE NOWAIT", trade["id"]
                    )
                    assert locked == trade["id"]  # the trade comes after every item
            finally:
                await probe.close()
        accepted = await accept
        assert accepted.status_code == 200, accepted.text
    finally:
        await holder.close()
    assert [await owner(pool, o) for o in (first, second, third)] == [
        uid(boris),
        uid(boris),
        uid(anna),
    ]
    await assert_invariants(pool)


async def test_a_stale_trade_fails_without_waiting_for_item_locks(
    client: httpx.AsyncClient, pool: asyncpg.Pool, database_url: str
) -> None:
    """An item already given away (committed) decides it on the first look: the accept records
    the failure without queueing for another item's lock held by a transaction in flight (in a
    contested gallery those holders sit in the commit queue), and still answers 409."""
    anna = await sign_in(client, 4351, "Anna")
    boris = await sign_in(client, 4352, "Boris")
    chen = await sign_in(client, 4353, "Chen")
    [a1] = await mint_objects(pool, uid(anna), 1, start=0)
    b1, b2 = await mint_objects(pool, uid(boris), 2, start=10)
    trade = (await propose(client, anna, [a1], [b1, b2], uid(boris))).json()
    given = await client.post(
        "/api/transfers", json={"photo_id": b2, "to_user_id": uid(chen)}, headers=bearer(boris)
    )
    assert given.status_code == 201, given.text
    holder = await asyncpg.connect(database_url)
    try:
        async with holder.transaction():
            await holder.execute("SELECT 1 FROM art_objects WHERE id = $1 FOR UPDATE", a1)
            accept = asyncio.create_task(
                client.post(f"/api/trades/{trade['id']}/accept", headers=bearer(boris))
            )
            while not accept.done():
                assert not await _accept_waits_for_a_lock(pool), "the stale accept queued"
                await asyncio.sleep(0.01)  # poll for the fact: the reply, with a1 still held
            failed = accept.result()
    finally:
        await holder.close()
    assert failed.status_code == 409
    assert failed.json()["detail"]["failure_reason"] == "the requested art objects changed hands"
    stored = await pool.fetchrow(
        "SELECT status, failure_reason FROM trades WHERE id = $1", trade["id"]
    )
    assert tuple(stored) == ("failed", "the requested art objects changed hands")
    assert [await owner(pool, o) for o in (a1, b1, b2)] == [uid(anna), uid(boris), uid(chen)]
    await assert_invariants(pool)


def test_every_code_the_sql_refuses_with_is_an_error_code() -> None:
    """The trade functions refuse with ErrorCode values (refuse(), trade_refusal): each one the
    SQL names is in the enum, so the service's ErrorCode(...) never meets an unknown one."""
    sql = (MIGRATIONS_DIR / "post-apply.functions.sql").read_text()
    refusal = sql[
        sql.index("FUNCTION trade_refusal(") : sql.index(
            "$$;", sql.index("FUNCTION trade_refusal(")
        )
    ]
    named = set(re.findall(r"refuse\('([a-z_]+)'", sql)) | set(
        re.findall(r"THEN '([a-z_]+)'", refusal)
    )
    assert {"trade_not_found", "trade_wrong_party", "not_owner_of_requested"} <= named
    assert named <= {code.value for code in ErrorCode}, named - {code.value for code in ErrorCode}
