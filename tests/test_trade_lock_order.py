"""Proposing a trade never holds a lock an accept waits for while waiting for one it holds.

An accept locks its art objects FOR UPDATE in id order; a proposal's trade_items rows lock the
same objects FOR KEY SHARE through their foreign key, and used to do so in offered-then-requested
order. Under the crash-consistency workload the two deadlocked and PostgreSQL killed the accept
(a 500). Here an accept's first lock is held by hand and the proposal is made to wait on it: the
proposal must hold nothing on the next object meanwhile."""

import asyncio

import asyncpg
import httpx

from tests.support import mint_objects, sign_in
from tests.test_exchange import propose, uid


async def _waiting_for_a_lock(pool: asyncpg.Pool) -> bool:
    return await pool.fetchval(
        """
        SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid)
                        WHERE NOT l.granted AND a.datname = current_database())
        """
    )


async def test_a_proposal_waits_for_an_accept_without_blocking_it(
    client: httpx.AsyncClient, pool: asyncpg.Pool, database_url: str
) -> None:
    anna = await sign_in(client, 4201, "anna")
    boris = await sign_in(client, 4202, "boris")
    [low] = await mint_objects(pool, uid(boris), 1, start=0)  # requested, the lower id
    [high] = await mint_objects(pool, uid(anna), 1, start=10)  # offered, the higher id
    assert low < high
    accept = await asyncpg.connect(database_url)
    try:
        async with accept.transaction():
            # An accept of another trade over both objects, after its first lock (id order).
            await accept.execute("SELECT 1 FROM art_objects WHERE id = $1 FOR UPDATE", low)
            proposal = asyncio.create_task(propose(client, anna, [high], [low], uid(boris)))
            while not await _waiting_for_a_lock(pool):
                assert not proposal.done(), proposal.result().text
                await asyncio.sleep(0.01)  # poll for the fact: the proposal waits on `low`
            # The accept's next lock: free, because the waiting proposal holds nothing on it.
            locked = await accept.fetchval(
                "SELECT id FROM art_objects WHERE id = $1 FOR UPDATE NOWAIT", high
            )
            assert locked == high
        created = await proposal
        assert created.status_code == 201, created.text
    finally:
        await accept.close()
