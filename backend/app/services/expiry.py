"""Expiry of pending trades and claim codes.

Reads already treat a past `expires_at` as expired (services/trades.py, transfers.py); this sweep
makes the stored status match, so listings filtered by status stay right, and tells the parties.
"""

import asyncpg

from app.repositories import events, expiry


async def expire_due(pool: asyncpg.Pool) -> int:
    async with pool.acquire() as conn, conn.transaction():
        trades = await expiry.expire_trades(conn)
        for trade in trades:
            parties = [trade["proposer_id"]] + (
                [trade["recipient_id"]] if trade["recipient_id"] else []
            )
            await events.insert_event(
                conn, "trade.updated", {"id": trade["id"], "status": "expired"}, parties
            )
        transfers = await expiry.expire_transfers(conn)
        for transfer in transfers:
            await events.insert_event(
                conn,
                "transfer.updated",
                {"id": transfer["id"], "status": "expired"},
                [transfer["from_user_id"]],
            )
    return len(trades) + len(transfers)
