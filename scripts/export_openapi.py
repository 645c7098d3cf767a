"""Write the backend's OpenAPI document (REST routes, errors, WebSocket messages) as JSON.

  python scripts/export_openapi.py webapp/openapi.json

The web app generates its types from that file (`cd webapp && npm run gen:types` runs this and
then openapi-typescript); tests/test_contract.py fails when the committed file is stale.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))

from app.core.config import Settings  # noqa: E402
from app.main import create_app  # noqa: E402


def document() -> str:
    app = create_app(Settings())
    return json.dumps(app.openapi(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(document(), encoding="utf-8")
