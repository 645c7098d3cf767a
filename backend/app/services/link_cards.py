"""The card a shared link unfolds into (issue 20, "cards that travel").

`GET /photos/{id}` is the web app's own URL for an object. A chat's link-preview bot fetches it
signed out, so the card is what an anonymous visitor may see: a public object's title, number,
author and owner, its 640 px rendition and the canonical URL. An object an anonymous visitor may
not see (a private owner's, or none at all) gets no card — the same rule as every read
(`repositories/photos.get_card` with no viewer), so a preview gives away nothing the API would not.
"""

from dataclasses import dataclass

import asyncpg

from app.core.config import Settings
from app.core.errors import AppError, ErrorCode
from app.schemas.ids import INT64_MAX
from app.services import notifications, photos

RENDITION_PX = 640  # thumb_2x: fits 640x640


@dataclass(frozen=True)
class LinkCard:
    title: str
    description: str
    site_name: str
    url: str
    image_url: str
    image_width: int
    image_height: int
    image_alt: str
    language: str


def language_of(accept_language: str | None) -> str:
    """The first language an `Accept-Language` header names → ru or en (Russian when it names
    none — absent or `*`, as preview bots and plain HTTP clients send: most of the gallery's
    readers read Russian)."""
    tags = [part.split(";")[0].strip() for part in (accept_language or "").split(",")]
    first = next((tag for tag in tags if tag and tag != "*"), None)
    return notifications.language_of(first)


def format_number(n: int, language: str) -> str:
    """1234 → "1 234" (ru, no-break space) or "1,234" (en), as the web app's Intl formats it."""
    grouped = f"{n:,}"
    return grouped.replace(",", "\u00a0") if language == "ru" else grouped


def _absolute(settings: Settings, url: str) -> str:
    return settings.public_url.rstrip("/") + url if url.startswith("/") else url


async def photo_card(
    pool: asyncpg.Pool, settings: Settings, photo_id: int, language: str
) -> LinkCard | None:
    """The card of a photo an anonymous visitor may see; None for any other id."""
    if not 1 <= photo_id <= INT64_MAX:
        return None
    try:
        photo = await photos.get_photo(pool, None, photo_id)
    except AppError as exc:
        if exc.code is ErrorCode.photo_not_found:
            return None
        # Not covered: get_photo refuses an anonymous reader only with photo_not_found.
        raise  # pragma: no cover
    number = notifications.text(
        language, "card.number", n=format_number(photo.mint_number, language)
    )
    scale = min(1.0, RENDITION_PX / max(photo.width, photo.height, 1))
    return LinkCard(
        title=notifications.text(language, "card.title", title=photo.title, number=number),
        description=notifications.text(
            language,
            "card.description",
            number=number,
            author=photo.creator.display_name,
            owner=photo.owner.display_name,
        ),
        site_name=notifications.text(language, "card.site"),
        url=f"{settings.public_url.rstrip('/')}/photos/{photo.id}",
        image_url=_absolute(settings, photo.thumb_2x_url),
        image_width=max(1, round(photo.width * scale)),
        image_height=max(1, round(photo.height * scale)),
        image_alt=photo.title,
        language=language,
    )
