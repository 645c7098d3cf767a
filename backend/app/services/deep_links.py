"""Deep links into the mini-app, in the form of the host they are made for.

Max: `MAX_MINIAPP_LINK?startapp=<kind>_<token>`; Telegram: `TELEGRAM_MINIAPP_LINK?startapp=…`
(`https://t.me/<bot>/<app>`); the desktop, a local setup, or a messenger whose link is not
configured: `PUBLIC_URL/?startapp=…`, which the web app routes on. Max and Telegram allow only
A-Z a-z 0-9 _ - in the start parameter (at most 512 characters); every token here is base64url,
so it fits as is.
"""

from app.core.config import Settings
from app.schemas.links import ClientHost, DeepLinks


def all_links(settings: Settings, kind: str, token: str) -> DeepLinks:
    start = f"?startapp={kind}_{token}"
    return DeepLinks(
        max=f"{settings.max_miniapp_link}{start}" if settings.max_miniapp_link else None,
        telegram=(
            f"{settings.telegram_miniapp_link}{start}" if settings.telegram_miniapp_link else None
        ),
        web=f"{settings.public_url.rstrip('/')}/{start}",
    )


def pick(links: DeepLinks, host: ClientHost | None) -> str:
    """The link for the client's host. No host given (older clients): the Max form, as before
    hosts were told apart; an unconfigured messenger link falls back to the web one."""
    chosen = links.telegram if host == "telegram" else None if host == "web" else links.max
    return chosen or links.web


def own_link_prefixes(settings: Settings) -> tuple[str, ...]:
    """Starts of every link this app makes (for GET /api/qr.png): configured forms only."""
    messengers = (settings.max_miniapp_link, settings.telegram_miniapp_link)
    return (
        *(f"{base}?startapp=" for base in messengers if base),
        f"{settings.public_url.rstrip('/')}/",
    )
