"""/api/docs works offline: the page references only assets the app serves itself, and they
load; in production the docs and the schema are off unless API_DOCS enables them."""

import re
from pathlib import Path

import httpx

from app.main import create_app
from tests.conftest import make_settings


async def test_docs_page_loads_only_local_assets(client: httpx.AsyncClient) -> None:
    page = await client.get("/api/docs")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page.text)
    refs += re.findall(r"""url:\s*["']([^"']+)["']""", page.text)  # the schema SwaggerUI fetches
    assert refs, page.text
    assert not re.search(r"(?i)\b(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", page.text), page.text
    for ref in refs:
        assert ref.startswith("/api/"), ref  # same origin, under the API prefix nginx proxies
        asset = await client.get(ref)
        assert asset.status_code == 200, ref
        assert len(asset.content) > 1000, ref
    bundle = await client.get("/api/docs/assets/swagger-ui-bundle.js")
    assert "javascript" in bundle.headers["content-type"]
    assert "SwaggerUIBundle" in bundle.text


async def _status(settings, path: str) -> int:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        return (await http.get(path)).status_code


async def test_production_hides_docs_and_schema_unless_enabled(
    database_url: str, tmp_path: Path
) -> None:
    production = {"app_env": "production", "jwt_secret": "p" * 48}
    off = make_settings(database_url, tmp_path, **production)
    for path in ("/api/docs", "/api/openapi.json", "/api/docs/assets/swagger-ui.css"):
        assert await _status(off, path) == 404, path
    on = make_settings(database_url, tmp_path, api_docs=True, **production)
    for path in ("/api/docs", "/api/openapi.json", "/api/docs/assets/swagger-ui.css"):
        assert await _status(on, path) == 200, path
