"""The published OpenAPI document: FastAPI's, with the one error shape everywhere and the
WebSocket messages (schemas/events.py) as components, so clients generate every type from it."""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import TypeAdapter

from app.schemas.errors import ErrorOut
from app.schemas.events import ClientMessage, ServerEvent, ServerMessage

_FASTAPI_422 = "#/components/schemas/HTTPValidationError"
_REF = "#/components/schemas/{model}"
# Named unions: ServerEvent (stored events), ServerMessage (everything /api/ws sends),
# ClientMessage (everything it accepts).
_UNIONS: dict[str, Any] = {
    "ServerEvent": ServerEvent,
    "ServerMessage": ServerMessage,
    "ClientMessage": ClientMessage,
}


def _replace_refs(node: Any, old: str, new: str) -> None:
    if isinstance(node, dict):
        if node.get("$ref") == old:
            node["$ref"] = new
        for value in node.values():
            _replace_refs(value, old, new)
    elif isinstance(node, list):
        for value in node:
            _replace_refs(value, old, new)


def _add(components: dict[str, Any], name: str, schema: dict[str, Any]) -> None:
    for def_name, definition in schema.pop("$defs", {}).items():
        components.setdefault(def_name, definition)
    components.setdefault(name, schema)


def build_openapi(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    # FastAPI documents its own 422 body; ours is ErrorOut (validation_error + fields).
    _replace_refs(schema["paths"], _FASTAPI_422, "#/components/schemas/ErrorOut")
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    _add(components, "ErrorOut", ErrorOut.model_json_schema(ref_template=_REF))
    for name, union in _UNIONS.items():
        _add(
            components,
            name,
            TypeAdapter(union).json_schema(ref_template=_REF, mode="serialization"),
        )
    return dict(sorted(schema.items()))


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
