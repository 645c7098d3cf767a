"""The one way an art object changes owner. Callers hold the object's row lock."""

from app.core.db import Connection
from app.repositories import provenance
from app.schemas.events import OwnershipChanged, OwnershipReason
from app.services.publish import claim_codes_cancelled, publish


async def move(
    conn: Connection,
    art_object_id: int,
    from_user_id: int,
    to_user_id: int,
    reason: OwnershipReason,
    *,
    trade_id: int | None = None,
    transfer_id: int | None = None,
) -> None:
    """Set the owner, append provenance, kill stale claim codes, announce it — one transaction."""
    if not await provenance.move_owner(
        conn, art_object_id, from_user_id, to_user_id, reason, trade_id, transfer_id
    ):
        # Callers lock the row first, so this is a bug, never a user error: fail loudly.
        raise RuntimeError(f"art object {art_object_id} vanished while its owner changed")
    await claim_codes_cancelled(conn, art_object_id)
    change = OwnershipChanged(
        photo_id=art_object_id,
        from_user_id=from_user_id,
        to_user_id=to_user_id,
        reason=reason,
        trade_id=trade_id,
        transfer_id=transfer_id,
    )
    # A private party's activity is seen only by the parties and viewers both accepted.
    await publish(conn, "ownership.changed", change, subjects=[from_user_id, to_user_id])
