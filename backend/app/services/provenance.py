"""Provenance: the one way a photo changes owner. Callers hold the object's row lock."""

from app.core import wakeup
from app.core.db import Connection
from app.repositories import provenance
from app.schemas.photos import ProvenanceReason


async def move(
    conn: Connection,
    art_object_id: int,
    from_user_id: int,
    to_user_id: int,
    reason: ProvenanceReason,
    *,
    trade_id: int | None = None,
    transfer_id: int | None = None,
) -> None:
    """Set the owner, append provenance, kill the live claim code, announce it — in the
    caller's transaction, in one statement: SQL art_object_move(), which trade
    accepts call too. Its payloads (`transfer.updated` for the cancelled code, and
    `ownership.changed` to the two parties' subjects: a private party's activity is seen only
    by the parties and viewers both accepted) equal the models' (tests/test_trade_accept_sql.py).
    """
    if not await provenance.move(
        conn, art_object_id, from_user_id, to_user_id, reason, trade_id, transfer_id
    ):
        # Callers lock the row first, so this is a bug, never a user error: fail loudly.
        # Not covered: a bug guard: callers hold the row lock.
        raise RuntimeError(f"art object {art_object_id} vanished")  # pragma: no cover
    wakeup.poke()  # its events were written in SQL, not through publish()
