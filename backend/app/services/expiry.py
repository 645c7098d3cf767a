"""Expiry of pending trades and claim codes.

Reads already treat a past `expires_at` as expired (services/trades.py, transfers.py); this sweep
makes the stored status match, so listings filtered by status stay right, and tells the parties.
"""

import asyncpg

from app.repositories import expiry
from app.services import trades as trade_rules
from app.services.publish import transfer_updated


async def expire_due(pool: asyncpg.Pool) -> int:
    async with pool.acquire() as conn, conn.transaction():
        trades = await expiry.expire_trades(conn)
        for trade in trades:
            await trade_rules.announce(conn, trade["id"])
        transfers = await expiry.expire_transfers(conn)
        for transfer in transfers:
            await transfer_updated(conn, transfer["id"], [transfer["from_user_id"]])
    return len(trades) + len(transfers)
