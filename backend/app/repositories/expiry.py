"""When a pending trade or claim code has expired (SQL functions past_due and shown_status, the
one definition), and the sweep.

Reads, locks and the sweep all use ``past_due``: a row whose time is up reads as ``expired``
at once, whether or not the periodic sweep (services/expiry.py) has stored that status yet.
"""

import asyncpg

from app.core.db import Connection


def past_due(alias: str) -> str:
    """True for a pending row (of ``trades`` or ``transfers`` named ``alias``) whose time is up:
    the SQL function past_due (post-apply.functions.sql), which the planner inlines."""
    return f"past_due({alias}.status, {alias}.expires_at)"


def shown_status(alias: str) -> str:
    """The status a reader sees: ``expired`` once past due, else the stored one."""
    return f"shown_status({alias}.status, {alias}.expires_at)"


async def expire_trades(conn: Connection) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"""
        UPDATE trades t SET status = 'expired', updated_at = now()
         WHERE {past_due("t")}
        RETURNING id, proposer_id, recipient_id
        """
    )


async def expire_transfers(conn: Connection) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"""
        UPDATE transfers t SET status = 'expired'
         WHERE {past_due("t")}
        RETURNING id, from_user_id
        """
    )
