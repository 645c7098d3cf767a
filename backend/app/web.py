"""Development serving of the built web app (nginx does this in production)."""

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from app.core.config import Settings
from app.core.errors import ErrorCode, NotFound


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


def mount_webapp(app: FastAPI, settings: Settings) -> None:
    dist: Path = settings.webapp_dist
    assets = dist / "assets"
    if assets.is_dir():
        app.mount("/assets", BuildAssets(directory=assets), name="assets")

    @app.get("/{path:path}", include_in_schema=False)
    def spa(path: str) -> FileResponse:
        # Sync on purpose: FastAPI runs it in a thread, so file checks never block the loop.
        # Unknown /api paths are real 404s; every other path is a client-side route.
        if path.startswith(("api/", "media/")) or path == "api":
            raise NotFound("not found", code=ErrorCode.not_found)
        build = dist.resolve()  # once: `dist` may be swapped to another build meanwhile
        candidate = (build / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(build):
            return FileResponse(candidate)
        if "." in path.rsplit("/", 1)[-1]:
            # A missing file (e.g. /originals/x.jpg) is a 404, not the app's HTML.
            raise NotFound("not found", code=ErrorCode.not_found)
        index = build / "index.html"
        if not index.is_file():
            raise NotFound("web app is not built (npm run build)", code=ErrorCode.not_found)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
