"""Serving of public renditions at /media/.

Local storage: straight from UPLOAD_DIR/media (nginx serves the same directory itself in
production and falls back here only for a file it does not have). S3 storage: read from the
bucket's `media/` prefix — how every backend host serves every other host's uploads; nginx
passes /media/ here when the file is not on its volume. Originals are never served.
"""

import asyncio
import mimetypes

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from app.media.storage import PUBLIC_PREFIX, LocalStorage, Storage, check_key

IMMUTABLE = "public, max-age=31536000, immutable"

mimetypes.add_type("image/webp", ".webp")


class ImmutableFiles(StaticFiles):
    """Names are random and never reused, so a served file can be cached forever."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = IMMUTABLE
            response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def mount_media(app: FastAPI, storage: Storage) -> None:
    # Only the public renditions: originals (which keep their EXIF) are never served.
    if isinstance(storage, LocalStorage):
        directory = storage.root / PUBLIC_PREFIX
        directory.mkdir(parents=True, exist_ok=True)
        app.mount(f"/{PUBLIC_PREFIX}", ImmutableFiles(directory=directory), name="media")
        return

    @app.get(f"/{PUBLIC_PREFIX}/{{name:path}}", include_in_schema=False)
    async def rendition(name: str, request: Request) -> Response:
        try:
            key = check_key(f"{PUBLIC_PREFIX}/{name}")
            data = await asyncio.to_thread(storage.get, key)
        except (ValueError, FileNotFoundError):
            return Response(status_code=404, headers={"Cache-Control": "no-store"})
        media_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
        headers = {"Cache-Control": IMMUTABLE, "X-Content-Type-Options": "nosniff"}
        return Response(data, media_type=media_type, headers=headers)
