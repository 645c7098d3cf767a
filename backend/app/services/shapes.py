"""Record → response-shape helpers shared by services (joined user columns use prefixes)."""

import asyncpg

from app.schemas.exchange import Transfer
from app.schemas.links import ClientHost, DeepLinks
from app.schemas.photos import PhotoSummary
from app.schemas.users import UserSummary
from app.services.deep_links import pick


def user_summary(row: asyncpg.Record, id_key: str, prefix: str) -> UserSummary | None:
    """UserSummary from `<id_key>`, `<prefix>_name`, `<prefix>_avatar`; None when the id is."""
    if row[id_key] is None:
        return None
    return UserSummary(
        id=row[id_key], display_name=row[f"{prefix}_name"], avatar_url=row[f"{prefix}_avatar"]
    )


def photo_summary(row: asyncpg.Record, id_key: str = "id") -> PhotoSummary:
    return PhotoSummary(
        id=row[id_key],
        title=row["title"],
        thumb_url=f"/{row['thumb_key']}",
        thumb_2x_url=f"/{row['thumb_2x_key']}",
        placeholder=row["placeholder"],
        dominant_color=row["dominant_color"],
        owner_id=row["owner_id"],
        # Joined only where the owner's name is shown (trade items).
        owner=user_summary(row, "owner_id", "owner") if "owner_name" in row else None,
    )


def to_transfer(
    row: asyncpg.Record,
    token: str | None = None,
    links: DeepLinks | None = None,
    host: ClientHost | None = None,
) -> Transfer:
    return Transfer(
        id=row["id"],
        photo=photo_summary(row, "art_object_id"),
        from_user=UserSummary(
            id=row["from_user_id"], display_name=row["from_name"], avatar_url=row["from_avatar"]
        ),
        to_user=user_summary(row, "to_user_id", "to"),
        status=row["status"],
        claim_token=token,
        deep_link=pick(links, host) if links else None,
        deep_links=links,
        expires_at=row["expires_at"],
        created_at=row["created_at"],
        completed_at=row["completed_at"],
        returned_at=row["returned_at"],
    )
