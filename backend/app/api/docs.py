"""Swagger UI at /api/docs from assets the app serves itself (the pinned `swagger-ui-py`
package ships them), so the page works without internet access and loads nothing from a CDN.

In production the docs page and /api/openapi.json are off unless API_DOCS=true: the schema maps
every route for whoever asks, which an operator should choose to publish.
"""

from importlib.util import find_spec
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from app.core.config import Settings

OPENAPI_URL = "/api/openapi.json"
DOCS_URL = "/api/docs"
ASSETS_URL = "/api/docs/assets"


def _assets_dir() -> Path:
    # Located, not imported: the package's Python side (Jinja, web-framework glue) is not needed.
    spec = find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed (backend/requirements.lock)")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def docs_enabled(settings: Settings) -> bool:
    return settings.api_docs if settings.api_docs is not None else settings.app_env != "production"


def mount_api_docs(app: FastAPI) -> None:
    """Call on an app created with docs_url=None; serves the page and its assets."""
    app.mount(ASSETS_URL, StaticFiles(directory=_assets_dir()), name="api-docs-assets")

    @app.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=OPENAPI_URL,
            title=f"{app.title} — API",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon-32x32.png",
        )
