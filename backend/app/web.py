"""Development serving of the built web app (nginx does this in production)."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from app.core.config import Settings
from app.core.errors import ErrorCode, NotFound


def mount_webapp(app: FastAPI, settings: Settings) -> None:
    dist: Path = settings.webapp_dist
    assets = dist / "assets"
    if assets.is_dir():
        app.mount("/assets", StaticFiles(directory=assets), name="assets")

    @app.get("/{path:path}", include_in_schema=False)
    def spa(path: str) -> FileResponse:
        # Sync on purpose: FastAPI runs it in a thread, so file checks never block the loop.
        # Unknown /api paths are real 404s; every other path is a client-side route.
        if path.startswith(("api/", "media/")) or path == "api":
            raise NotFound("not found", code=ErrorCode.not_found)
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(dist.resolve()):
            return FileResponse(candidate)
        if "." in path.rsplit("/", 1)[-1]:
            # A missing file (e.g. /originals/x.jpg) is a 404, not the app's HTML.
            raise NotFound("not found", code=ErrorCode.not_found)
        index = dist / "index.html"
        if not index.is_file():
            raise NotFound("web app is not built (npm run build)", code=ErrorCode.not_found)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
