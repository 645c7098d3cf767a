"""Serving of the built web app: all of it in development (nginx serves the files in
production), and in production too the object pages `/photos/{id}`, whose HTML carries the
object's link card (Open Graph and Twitter tags, services/link_cards.py) for chats' preview bots.
"""

import os
from html import escape
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from app.core.config import Settings
from app.core.errors import AppError, ErrorCode
from app.services import link_cards
from app.services.link_cards import LinkCard


class BuildAssets(StaticFiles):
    """Static files under a `dist` symlink that `run.sh` swaps to a new build at any moment.

    Starlette resolves the file and the directory in two separate `realpath` calls; a swap in
    between makes them name different builds and the asset answers 404. Here the link is
    resolved once per request and the file is looked up inside that one build.
    """

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        if path.startswith(("/", "\\")):
            return "", None
        root = os.path.realpath(str(self.directory))
        full_path = os.path.realpath(os.path.join(root, path))
        if os.path.commonpath([full_path, root]) != root:
            return "", None
        try:
            return full_path, os.stat(full_path)
        except (FileNotFoundError, NotADirectoryError):
            return "", None


def card_tags(card: LinkCard) -> str:
    """The head tags of a link card, every value HTML-escaped (titles are anyone's words)."""
    og = {
        "og:type": "website",
        "og:site_name": card.site_name,
        "og:title": card.title,
        "og:description": card.description,
        "og:url": card.url,
        "og:image": card.image_url,
        "og:image:type": "image/webp",
        "og:image:width": str(card.image_width),
        "og:image:height": str(card.image_height),
        "og:image:alt": card.image_alt,
        "og:locale": "ru_RU" if card.language == "ru" else "en_US",
    }
    twitter = {
        "twitter:card": "summary_large_image",
        "twitter:title": card.title,
        "twitter:description": card.description,
        "twitter:image": card.image_url,
        "twitter:image:alt": card.image_alt,
    }
    lines = [f'<link rel="canonical" href="{escape(card.url)}" />']
    lines += [f'<meta name="description" content="{escape(card.description)}" />']
    lines += [f'<meta property="{k}" content="{escape(v)}" />' for k, v in og.items()]
    lines += [f'<meta name="{k}" content="{escape(v)}" />' for k, v in twitter.items()]
    return "\n    ".join(lines)


def with_card(index_html: str, card: LinkCard) -> str:
    """index.html with the card's tags at the end of its head and the title as its <title>."""
    head_end = index_html.find("</head>")
    if head_end < 0:
        return index_html
    html = index_html[:head_end] + "  " + card_tags(card) + "\n  " + index_html[head_end:]
    start, end = html.find("<title>"), html.find("</title>")
    if 0 <= start < end:
        html = html[: start + len("<title>")] + escape(card.title) + html[end:]
    return html


def mount_webapp(app: FastAPI, settings: Settings) -> None:
    dist: Path = settings.webapp_dist
    assets = dist / "assets"
    if assets.is_dir():
        app.mount("/assets", BuildAssets(directory=assets), name="assets")

    def read_index() -> str:
        index = dist.resolve() / "index.html"  # once: `dist` may be swapped meanwhile
        try:
            return index.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise AppError(ErrorCode.webapp_not_built) from None

    @app.get("/photos/{photo_id:int}", include_in_schema=False)
    async def photo_page(photo_id: int, request: Request) -> HTMLResponse:
        # The web app's page of one object. A public object's HTML carries its link card; a
        # private or missing one gets the plain app, byte for byte, so nothing tells them apart.
        language = link_cards.language_of(request.headers.get("accept-language"))
        card = await link_cards.photo_card(request.app.state.pool, settings, photo_id, language)
        index_html = await run_in_threadpool(read_index)
        body = index_html if card is None else with_card(index_html, card)
        return HTMLResponse(body, headers={"Cache-Control": "no-cache", "Vary": "Accept-Language"})

    @app.get("/{path:path}", include_in_schema=False)
    def spa(path: str) -> FileResponse:
        # Sync on purpose: FastAPI runs it in a thread, so file checks never block the loop.
        # Unknown /api paths are real 404s; every other path is a client-side route.
        if path.startswith(("api/", "media/")) or path == "api" or "\x00" in path:
            raise AppError(ErrorCode.not_found)  # a NUL names no file (and makes paths raise)
        build = dist.resolve()  # once: `dist` may be swapped to another build meanwhile
        candidate = (build / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(build):
            return FileResponse(candidate)
        if "." in path.rsplit("/", 1)[-1]:
            # A missing file (e.g. /originals/x.jpg) is a 404, not the app's HTML.
            raise AppError(ErrorCode.not_found)
        index = build / "index.html"
        if not index.is_file():
            raise AppError(ErrorCode.webapp_not_built)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
