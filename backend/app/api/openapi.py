"""The published OpenAPI document: FastAPI's, with the one error shape everywhere."""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.api.responses import ErrorOut

_FASTAPI_422 = "#/components/schemas/HTTPValidationError"
_ERROR_OUT = "#/components/schemas/ErrorOut"


def _replace_refs(node: Any, old: str, new: str) -> None:
    if isinstance(node, dict):
        if node.get("$ref") == old:
            node["$ref"] = new
        for value in node.values():
            _replace_refs(value, old, new)
    elif isinstance(node, list):
        for value in node:
            _replace_refs(value, old, new)


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            # FastAPI documents its own 422 body; ours is ErrorOut (validation_error + fields).
            _replace_refs(schema["paths"], _FASTAPI_422, _ERROR_OUT)
            components.pop("HTTPValidationError", None)
            components.pop("ValidationError", None)
            for name, definition in (
                ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
                .pop("$defs", {})
                .items()
            ):
                components.setdefault(name, definition)
            components.setdefault(
                "ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
            )
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
