"""Development serving of public renditions (nginx serves UPLOAD_DIR/media in production)."""

import mimetypes
from pathlib import Path

from fastapi import FastAPI
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from app.media.storage import PUBLIC_PREFIX

mimetypes.add_type("image/webp", ".webp")


class ImmutableFiles(StaticFiles):
    """Names are random and never reused, so a served file can be cached forever."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
            response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def mount_media(app: FastAPI, upload_dir: Path) -> None:
    directory = upload_dir / PUBLIC_PREFIX
    directory.mkdir(parents=True, exist_ok=True)
    # Only the public renditions: originals (which keep their EXIF) are never served.
    app.mount(f"/{PUBLIC_PREFIX}", ImmutableFiles(directory=directory), name="media")
