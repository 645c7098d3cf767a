"""The web app's types come from the backend's contract and cannot drift from it.

`webapp/openapi.json` (committed) must equal what the backend publishes now; the web app's
`src/api/schema.test.ts` checks that `schema.d.ts` is generated from that file. Refresh both
with `cd webapp && npm run gen:types`. WebSocket messages are in the same document, and every
event the services emit is built from its model (services/publish.py).
"""

import json
from typing import get_args

import pytest
from pydantic import BaseModel
from scripts.export_openapi import ROOT, document

from app.schemas.events import EVENT_DATA, EventType, ServerEvent
from app.schemas.photos import Photo
from app.schemas.trades import Trade
from app.services.publish import publish

COMMITTED = ROOT / "webapp" / "openapi.json"


def test_committed_openapi_is_what_the_backend_publishes() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == document(), (
        "webapp/openapi.json is stale: run `cd webapp && npm run gen:types` and commit"
    )


def test_every_event_type_has_one_model_in_the_document() -> None:
    components = json.loads(COMMITTED.read_text(encoding="utf-8"))["components"]["schemas"]
    union = components["ServerEvent"]["discriminator"]["mapping"]
    assert set(union) == set(EVENT_DATA) == set(get_args(EventType))
    for event_type, ref in union.items():
        data_ref = components[ref.rsplit("/", 1)[1]]["properties"]["data"]["$ref"]
        assert data_ref.endswith("/" + EVENT_DATA[event_type].__name__)
    server = components["ServerMessage"]["discriminator"]["mapping"]
    assert {"ping", "resumed", "error"} <= set(server)
    assert set(components["ClientMessage"]["discriminator"]["mapping"]) == {
        "auth",
        "resume",
        "pong",
        "auth_qr",
    }
    # The trade an event carries names who accepted it; a transfer names its recipient.
    assert "accepted_by" in components["TradeInfo"]["properties"]
    assert "to_user" in components["Transfer"]["properties"]


def test_server_event_union_parses_each_type() -> None:
    from pydantic import TypeAdapter

    adapter = TypeAdapter(ServerEvent)
    frame = {"id": 1, "type": "photo.deleted", "data": {"id": 5}, "ts": "2026-01-01T00:00:00Z"}
    assert adapter.validate_python(frame).data.id == 5  # type: ignore[union-attr]


class _Other(BaseModel):
    id: int


async def test_publish_refuses_a_payload_of_another_model() -> None:
    with pytest.raises(TypeError):
        await publish(None, "photo.deleted", _Other(id=1))  # type: ignore[arg-type]


def test_viewer_fields_never_reach_an_event_model() -> None:
    assert "is_favorite" in Photo.model_fields
    assert "is_favorite" not in EVENT_DATA["photo.created"].model_fields
    assert "viewer_can_accept" in Trade.model_fields
    assert "viewer_can_accept" not in EVENT_DATA["trade.updated"].model_fields
