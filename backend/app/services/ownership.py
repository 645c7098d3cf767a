"""The one way an art object changes owner. Callers hold the object's row lock."""


from app.core.db import Connection
from app.repositories import art_objects, events, provenance, transfers


async def move(
    conn: Connection,
    art_object_id: int,
    from_user_id: int,
    to_user_id: int,
    reason: str,
    *,
    trade_id: int | None = None,
    transfer_id: int | None = None,
) -> None:
    """Set the owner, append provenance, kill stale claim codes, announce it — one transaction."""
    await art_objects.set_owner(conn, art_object_id, to_user_id)
    await provenance.append(
        conn, art_object_id, from_user_id, to_user_id, reason, trade_id, transfer_id
    )
    for sender in await transfers.cancel_pending_for_object(conn, art_object_id):
        await events.insert_event(
            conn, "transfer.updated", {"photo_id": art_object_id, "status": "cancelled"}, [sender]
        )
    await events.insert_event(
        conn,
        "ownership.changed",
        {
            "photo_id": art_object_id,
            "from_user_id": from_user_id,
            "to_user_id": to_user_id,
            "reason": reason,
            "trade_id": trade_id,
            "transfer_id": transfer_id,
        },
        # A private party's activity is seen only by the parties and viewers both accepted.
        subjects=[from_user_id, to_user_id],
    )
