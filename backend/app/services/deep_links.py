"""Deep links into the mini-app: MINIAPP_LINK?startapp=<kind>_<token>.

Max and Telegram allow only A-Z a-z 0-9 _ - in the start parameter (at most 512 characters);
every token here is base64url, so it fits as is. The web app routes on the same kinds.
"""

from app.core.config import Settings


def deep_link(settings: Settings, kind: str, token: str) -> str:
    return f"{settings.miniapp_link}?startapp={kind}_{token}"
