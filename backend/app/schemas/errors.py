"""The one error shape, for HTTP bodies and WebSocket error frames."""

from pydantic import BaseModel, ConfigDict

from app.core.errors import ErrorCode


class ErrorDetail(BaseModel):
    """`code` is stable (clients branch on it); `message` is English for people. Some codes add
    fields: `photo_id` (duplicate_image), `photo_ids` (photo_not_found in a trade), `status`
    (*_not_pending), `failure_reason` (trade_items_changed), `fields` (validation_error)."""

    model_config = ConfigDict(extra="allow")
    code: ErrorCode
    message: str


class ErrorOut(BaseModel):
    detail: ErrorDetail
