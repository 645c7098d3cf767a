"""OpenAPI documentation of error responses, so the schema tells the truth about statuses."""

from typing import Any

from fastapi import Response
from pydantic import BaseModel

from app.schemas.errors import ErrorOut

_DESCRIPTIONS = {
    400: "Bad request",
    401: "Not signed in, or the credentials are invalid",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict with the current state",
    410: "Expired",
    413: "Too large",
    415: "Unsupported media type",
    422: "Invalid input (validation_error lists the fields, never their values)",
    429: "Too many requests (see Retry-After)",
    503: "A dependency is unavailable",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error statuses a route returns. 400 (a body that can't be parsed at all) and 503
    (database unavailable) can come from any route, so they are always listed."""
    return {
        status: {"model": ErrorOut, "description": _DESCRIPTIONS[status]}
        for status in sorted({400, 503, *statuses})
    }


def json_model(model: BaseModel) -> Response:
    """Serialise a response model once (pydantic-core), skipping FastAPI's re-validation of
    what the service already built. For hot routes; declare `response_model=` for the docs."""
    return Response(model.model_dump_json(), media_type="application/json")


PNG_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {"image/png": {}}}}


def qr_png(image: bytes) -> Response:
    """A QR image that encodes a secret: never cached anywhere."""
    return Response(image, media_type="image/png", headers={"Cache-Control": "no-store"})
