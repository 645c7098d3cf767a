"""How many statements (database round trips) one trade accept costs, counted on the
connection with asyncpg's query logger (every execute/fetch, BEGIN and COMMIT included).

Issue 15 asks for at most 3. The accept is one call of trade_accept() (SQL), whatever
the trade holds and whether it goes through or fails as stale; it was 21 statements, then 19
(one per step: view, items, locks, per item owner+provenance, claim codes, event; status,
reload, event; a 409 added a second transaction). Decline and cancel are one call of
trade_close() the same way (issue 24: one style for the aggregate; they were 10 statements
for a decline and 7 for a cancel, measured with this test on fc74b87). The count is taken on a
warm connection (statements already prepared), the way a pool serves requests."""

from __future__ import annotations

import asyncpg
import httpx
import pytest

from app.core.db import create_pool
from app.core.errors import AppError, ErrorCode
from app.services import trades
from tests.support import bearer, mint_objects, sign_in
from tests.test_exchange import propose, uid

# Measured on this code. Raise it only with a reason; issue 15's ceiling is 3.
ROUND_TRIPS_PER_ACCEPT = 1


async def test_trade_accept_round_trips(
    client: httpx.AsyncClient, pool: asyncpg.Pool, database_url: str
) -> None:
    anna = await sign_in(client, 4101, "anna")
    boris = await sign_in(client, 4102, "boris")
    chen = await sign_in(client, 4103, "chen")
    xs = await mint_objects(pool, uid(anna), 5, start=0)
    ys = await mint_objects(pool, uid(boris), 5, start=10)
    t1 = (await propose(client, anna, [xs[0]], [ys[0]], uid(boris))).json()
    t2 = (await propose(client, anna, [xs[1]], [ys[1]], uid(boris))).json()
    # 2-for-2, and each side has a live claim code that the move cancels (two more events).
    t3 = (await propose(client, anna, [xs[2], xs[3]], [ys[2], ys[3]], uid(boris))).json()
    for giver, photo in ((anna, xs[2]), (boris, ys[3])):
        code = await client.post("/api/transfers", json={"photo_id": photo}, headers=bearer(giver))
        assert code.status_code == 201, code.text
    # Stale: anna gives the offered object away before boris accepts (409, trade failed).
    # Two more to decline and to cancel.
    t5 = (await propose(client, anna, [xs[4]], [ys[4]], uid(boris))).json()
    t6 = (await propose(client, anna, [xs[4]], [ys[4]], uid(boris))).json()
    t4 = (await propose(client, anna, [xs[4]], [ys[4]], uid(boris))).json()
    given = await client.post(
        "/api/transfers", json={"photo_id": xs[4], "to_user_id": uid(chen)}, headers=bearer(anna)
    )
    assert given.status_code == 201, given.text

    one = await create_pool(database_url, 1, 1)
    try:
        async with one.acquire() as conn:
            queries: list[str] = []
            # Stays on the connection after release (the pool only drops listeners); the
            # pool is closed below, so it never sees another test's queries.
            conn.add_query_logger(lambda record: queries.append(record.query))
        assert (await trades.accept(one, uid(boris), t1["id"], None)).status == "accepted"
        counts = {}
        for name, trade_id in (("1-for-1", t2["id"]), ("2-for-2 with claim codes", t3["id"])):
            queries.clear()
            assert (await trades.accept(one, uid(boris), trade_id, None)).status == "accepted"
            counts[name] = len(queries)
        # Decline and cancel are one statement in the same style (trade_close()).
        for name, close, who, trade_id in (
            ("declined", trades.decline, uid(boris), t5["id"]),
            ("cancelled", trades.cancel, uid(anna), t6["id"]),
        ):
            queries.clear()
            assert (await close(one, who, trade_id)).status == name
            counts[name] = len(queries)
        queries.clear()
        with pytest.raises(AppError) as stale:
            await trades.accept(one, uid(boris), t4["id"], None)
        assert stale.value.code is ErrorCode.trade_items_changed
        counts["stale (409, committed as failed)"] = len(queries)
    finally:
        await one.close()
    print(f"round trips per trade accept: {counts}")
    assert all(1 <= n <= ROUND_TRIPS_PER_ACCEPT <= 3 for n in counts.values()), counts
    # The 409 really committed its failure, and the 2-for-2 cancelled both claim codes.
    assert await pool.fetchval("SELECT status FROM trades WHERE id = $1", t4["id"]) == "failed"
    cancelled = await pool.fetchval(
        "SELECT count(*) FROM transfers WHERE status = 'cancelled' AND art_object_id = ANY($1)",
        [xs[2], ys[3]],
    )
    assert cancelled == 2
