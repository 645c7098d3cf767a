"""Every event goes out through here, as the one payload model of its type (schemas/events.py).

The payload is stored in the same transaction as the change it announces; the listener sends it
after the commit. A payload of the wrong model is a bug, refused before anything is written.
"""

from collections.abc import Iterable

from pydantic import BaseModel

from app.core import wakeup
from app.core.db import Connection, present
from app.repositories import events, transfers
from app.schemas.events import EVENT_DATA, EventType
from app.services.shapes import to_transfer


async def publish(
    conn: Connection,
    event_type: EventType,
    data: BaseModel,
    audience: list[int] | None = None,
    subjects: Iterable[int] = (),
) -> int:
    """`audience` None: everyone; a list: only these users' sockets. `subjects`: the users
    whose objects the event is about (their privacy applies, repositories/events.py)."""
    model = EVENT_DATA[event_type]
    if not isinstance(data, model):
        raise TypeError(f"{event_type} carries {model.__name__}, not {type(data).__name__}")
    # A subclass (Photo, Trade) adds viewer-specific fields: only the shared ones go out.
    fields = None if type(data) is model else set(model.model_fields)
    event_id = await events.insert_event(
        conn, event_type, data.model_dump(mode="json", include=fields), audience, subjects
    )
    wakeup.poke()  # the listeners of every process read the log soon (core/wakeup.py)
    return event_id


async def transfer_updated(conn: Connection, transfer_id: int, parties: list[int]) -> None:
    # The whole transfer (never its claim code): the giver's screen learns who claimed it
    # (`to_user`) without asking again.
    transfer = to_transfer(present(await transfers.view(conn, transfer_id)))
    await publish(conn, "transfer.updated", transfer, parties)


async def claim_codes_cancelled(conn: Connection, art_object_id: int) -> None:
    """An object's live claim code dies (it changed hands or got a new code); its sender hears
    (claim_codes_cancel in SQL, which art_object_move calls too)."""
    if await transfers.cancel_pending_for_object(conn, art_object_id):
        wakeup.poke()  # its event was written in SQL
