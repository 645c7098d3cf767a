"""SQL that expires pending trades and claim codes whose time is up."""

import asyncpg


async def expire_trades(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(
        """
        UPDATE trades SET status = 'expired', updated_at = now()
         WHERE status = 'pending' AND expires_at <= now()
        RETURNING id, proposer_id, recipient_id
        """
    )


async def expire_transfers(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(
        """
        UPDATE transfers SET status = 'expired'
         WHERE status = 'pending' AND expires_at <= now()
        RETURNING id, from_user_id
        """
    )
