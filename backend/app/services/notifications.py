"""Which events become bot messages, to whom, and in which words.

Rules (README "The bot and notifications"): a notification goes only to a member of the event's
`audience` (what the live gallery would show that person), never to the person whose action it
announces, and carries only what that event's payload shows its audience — no photo title
except a photo the recipient now owns (a direct gift) or a trade's items as the trade's own view
shows them to its recipient. Texts come from the web app's catalogue
(`webapp/src/i18n/bot.json`), the one source of user-facing words in RU and EN.
"""

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import asyncpg

from app.core.config import REPO_ROOT
from app.repositories import notifications as sql
from app.schemas.notifications import NOTIFICATION_KINDS, NotificationKind, NotificationSettings

Kind = NotificationKind
log = logging.getLogger(__name__)
LANGUAGES = ("ru", "en")
CATALOGUE = REPO_ROOT / "webapp" / "src" / "i18n" / "bot.json"
# Titles listed in a trade offer before "and N more" takes over (a message stays short).
TITLES_LISTED = 3
TITLE_CHARS = 60


@dataclass(frozen=True)
class Derived:
    user_id: int
    kind: Kind
    args: dict[str, Any]


@cache
def catalogue() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    return data


def text(language: str, key: str, **values: object) -> str:
    node: Any = catalogue()[language if language in LANGUAGES else "ru"]
    for part in key.split("."):
        node = node[part]
    return re.sub(r"\{\{(\w+)\}\}", lambda m: str(values.get(m.group(1), "")), str(node))


def language_of(code: str | None) -> str:
    """A platform's language code → ru or en. Most of our users read Russian first, so Russian
    unless the client says a language outside the Russian-reading ones."""
    if not code:
        return "ru"
    return "ru" if code.lower().split("-")[0] in {"ru", "uk", "be", "kk", "uz", "ky"} else "en"


def derive(event_type: str, data: Mapping[str, Any], audience: list[int] | None) -> list[Derived]:
    """The notifications one event makes (none for most events)."""
    if audience is None:  # public events (photo.*, ownership.changed) notify nobody
        return []
    try:
        found = _derive(event_type, data)
    except (KeyError, TypeError, AttributeError) as exc:
        # A payload of another shape must not stop every later notification: logged, skipped.
        log.error("event %s of an unexpected shape (%r): not notified", event_type, exc)
        return []
    # Only the event's audience, and never its actor (the second element).
    return [d for d, actor in found if d.user_id in audience and d.user_id != actor]


def _derive(event_type: str, data: Mapping[str, Any]) -> list[tuple[Derived, int | None]]:
    if event_type == "transfer.updated":
        return _transfer(data)
    if event_type in ("trade.created", "trade.updated"):
        return _trade(event_type, data)
    if event_type == "profile_request.updated":
        return _profile_request(data)
    return []


def _transfer(data: Mapping[str, Any]) -> list[tuple[Derived, int | None]]:
    to_user = data.get("to_user")
    if data.get("status") != "completed" or not to_user:
        return []
    giver, photo = data["from_user"], data["photo"]
    if data.get("expires_at") is None:  # a direct gift: the recipient owns the photo now
        args = {
            "name": giver["display_name"],
            "title": _title(photo),
            "start": f"photo_{photo['id']}",
        }
        return [(Derived(to_user["id"], "gift_received", args), giver["id"])]
    # A claim: the giver learns who took it (the photo may now be private to them: no title).
    args = {"name": to_user["display_name"], "start": f"user_{to_user['id']}"}
    return [(Derived(giver["id"], "claim_claimed", args), to_user["id"])]


def _trade(event_type: str, data: Mapping[str, Any]) -> list[tuple[Derived, int | None]]:
    proposer, recipient, status = data["proposer"], data.get("recipient"), data["status"]
    start = f"trades_{data['id']}"
    if event_type == "trade.created":
        if not recipient or status != "pending":
            return []
        args = {
            "name": proposer["display_name"],
            "offered": _titles(data["offered"]),
            "requested": _titles(data["requested"]),
            "start": start,
        }
        return [(Derived(recipient["id"], "trade_offered", args), proposer["id"])]
    if status == "accepted" and data.get("accepted_by"):
        accepter = data["accepted_by"]
        args = {"name": accepter["display_name"], "start": start}
        return [(Derived(proposer["id"], "trade_accepted", args), accepter["id"])]
    if status == "declined" and recipient:
        args = {"name": recipient["display_name"], "start": start}
        return [(Derived(proposer["id"], "trade_declined", args), recipient["id"])]
    if status == "failed":
        return [(Derived(proposer["id"], "trade_failed", {"start": start}), None)]
    return []


def _profile_request(data: Mapping[str, Any]) -> list[tuple[Derived, int | None]]:
    requester, target = data["requester"], data["target"]
    if data["status"] == "pending":
        args = {"name": requester["display_name"], "start": "requests_in"}
        return [(Derived(target["id"], "profile_request", args), requester["id"])]
    if data["status"] == "accepted":
        args = {"name": target["display_name"], "start": f"user_{target['id']}"}
        return [(Derived(requester["id"], "profile_request_approved", args), target["id"])]
    return []


def _title(photo: Mapping[str, Any]) -> str:
    title = str(photo.get("title") or "").strip()
    return title[:TITLE_CHARS] + ("…" if len(title) > TITLE_CHARS else "")


def _titles(photos: list[Mapping[str, Any]]) -> dict[str, Any]:
    """Titles as the trade's payload shows them, rendered per language later."""
    return {"titles": [_title(p) for p in photos[:TITLES_LISTED]], "count": len(photos)}


def render(kind: str, args: Mapping[str, Any], language: str) -> tuple[str, str]:
    """(message text, button label) in the recipient's language."""
    values = dict(args)
    for side in ("offered", "requested"):
        if side in values:
            values[side] = _photo_list(values[side], language)
    return text(language, f"messages.{kind}", **values), text(language, "view")


def _photo_list(side: Mapping[str, Any], language: str) -> str:
    titles = [f"«{t}»" if language == "ru" else f"“{t}”" for t in side["titles"] if t]
    if len(titles) == side["count"] and titles:
        return ", ".join(titles)
    return text(language, "photos", count=side["count"])


async def get_settings(pool: asyncpg.Pool, user_id: int) -> NotificationSettings:
    async with pool.acquire() as conn:
        disabled = await sql.disabled_kinds(conn, user_id)
        reachable = await sql.user_reachable(conn, user_id)
    return NotificationSettings(
        disabled=[k for k in NOTIFICATION_KINDS if k in disabled],
        kinds=list(NOTIFICATION_KINDS),
        bot_reachable=reachable,
    )


async def put_settings(
    pool: asyncpg.Pool, user_id: int, disabled: list[NotificationKind]
) -> NotificationSettings:
    async with pool.acquire() as conn:
        await sql.set_disabled_kinds(conn, user_id, disabled)
    return await get_settings(pool, user_id)
