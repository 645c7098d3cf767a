"""Invariant checks (SPEC §2) as SQL: each query returns the offending rows; an empty result
everywhere means the gallery is sound. Shared by the admin report, tests and benchmarks."""

from app.core.db import Connection
from app.repositories.provenance import OWNER_MISMATCHES

CHECKS: dict[str, str] = {
    # The current owner equals the last history row (and every object has one).
    "owner_differs_from_history": OWNER_MISMATCHES,
    # An accepted trade moved every item: each has a `trade` history row for this trade.
    "accepted_trade_item_not_moved": """
        SELECT t.id AS trade_id, i.art_object_id
          FROM trades t JOIN trade_items i ON i.trade_id = t.id
         WHERE t.status = 'accepted' AND NOT EXISTS (
               SELECT 1 FROM ownership_history h
                WHERE h.trade_id = t.id AND h.art_object_id = i.art_object_id)
    """,
    # Nothing moved for a trade that was not accepted.
    "history_of_unaccepted_trade": """
        SELECT h.id FROM ownership_history h JOIN trades t ON t.id = h.trade_id
         WHERE t.status <> 'accepted'
    """,
    # A claim code moves its object at most once.
    "claim_used_twice": """
        SELECT transfer_id FROM ownership_history WHERE transfer_id IS NOT NULL
         GROUP BY transfer_id HAVING count(*) > 1
    """,
    # A completed transfer has its history row.
    "completed_transfer_without_history": """
        SELECT tr.id FROM transfers tr
         WHERE tr.status = 'completed' AND NOT EXISTS (
               SELECT 1 FROM ownership_history h WHERE h.transfer_id = tr.id)
    """,
    # Every art object was minted exactly once.
    "mint_count_not_one": """
        SELECT a.id FROM art_objects a
         WHERE (SELECT count(*) FROM ownership_history h
                 WHERE h.art_object_id = a.id AND h.reason = 'mint') <> 1
    """,
}


async def violation_counts(conn: Connection) -> dict[str, int]:
    """Offending rows per check (all zero when sound)."""
    return {name: len(await conn.fetch(sql)) for name, sql in CHECKS.items()}
