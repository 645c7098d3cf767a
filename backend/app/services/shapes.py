"""Record → response-shape helpers shared by services (joined user columns use prefixes)."""

import asyncpg

from app.schemas.photos import PhotoSummary
from app.schemas.users import UserSummary


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
