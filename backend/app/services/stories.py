"""An art object's story as one viewer may see it: its number, author, mint time and its
provenance, where a party whose collection the viewer may not see is "a private collector"
(the one visibility rule, repositories/visibility.py) and a gift's note is shown unless its
recipient hid it (then only its giver and recipient read it).

The story is the provenance: `GET /api/photos/{id}/history` answers these very entries, so the
story on a claim preview, an incoming trade or the detail screen never says more or less."""

import asyncpg

from app.core.db import Connection
from app.repositories import photos, provenance
from app.schemas.photos import ProvenanceEntry, Story
from app.services.shapes import user_summary


def provenance_entry(row: asyncpg.Record, viewer_id: int | None) -> ProvenanceEntry:
    from_shown = row["from_user_id"] is not None and row["from_visible"]
    to_shown = bool(row["to_visible"])
    note_parties = viewer_id is not None and viewer_id in (row["note_from"], row["note_to"])
    note = row["note"] or None
    hidden = bool(row["note_hidden"])
    return ProvenanceEntry(
        id=row["id"],
        reason=row["reason"],
        from_user=user_summary(row, "from_user_id", "from") if from_shown else None,
        from_private=row["from_user_id"] is not None and not from_shown,
        to_user=user_summary(row, "to_user_id", "to") if to_shown else None,
        to_private=not to_shown,
        trade_id=row["trade_id"],
        transfer_id=row["transfer_id"],
        note=note if note and (not hidden or note_parties) else None,
        note_hidden=hidden and note_parties,
        created_at=row["created_at"],
    )


async def provenance_of(
    conn: Connection, viewer_id: int | None, art_object_id: int
) -> list[ProvenanceEntry]:
    rows = await provenance.for_objects(conn, [art_object_id], viewer_id)
    return [provenance_entry(row, viewer_id) for row in rows]


async def stories(
    conn: Connection, viewer_id: int | None, art_object_ids: list[int]
) -> dict[int, Story]:
    """Stories of several objects in two queries (a trade's items). The caller has checked that
    the viewer may see these objects at all."""
    # Not covered: a trade always holds an offered photo (min_length=1); a pending one keeps them.
    if not art_object_ids:  # pragma: no cover
        return {}
    heads = await photos.story_heads(conn, art_object_ids)
    chains: dict[int, list[ProvenanceEntry]] = {row["id"]: [] for row in heads}
    for row in await provenance.for_objects(conn, art_object_ids, viewer_id):
        chains[row["art_object_id"]].append(provenance_entry(row, viewer_id))
    result = {}
    for head in heads:
        creator = user_summary(head, "creator_id", "creator")
        assert creator is not None  # creator_id is NOT NULL
        result[head["id"]] = Story(
            photo_id=head["id"],
            mint_number=head["mint_number"],
            creator=creator,
            minted_at=head["created_at"],
            provenance=chains[head["id"]],
        )
    return result


async def story(conn: Connection, viewer_id: int | None, art_object_id: int) -> Story | None:
    return (await stories(conn, viewer_id, [art_object_id])).get(art_object_id)
