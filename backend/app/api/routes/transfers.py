"""Transfers: direct gifts and claim codes."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from app.api.deps import (
    ClientHostDep,
    OptionalUserId,
    PoolDep,
    SettingsDep,
    UserId,
)
from app.api.rate_limits import limit
from app.api.responses import errors
from app.api.routes.qr import add_link_qr_route
from app.schemas.ids import INT64_MAX, PathId
from app.schemas.transfers import (
    ClaimPreview,
    Transfer,
    TransferClaim,
    TransferCreate,
    TransferList,
    TransferNoteUpdate,
)
from app.services import transfers

router = APIRouter(prefix="/api/transfers", tags=["transfers"])


@router.post(
    "",
    status_code=201,
    responses=errors(401, 403, 404, 409, 422, 429),
    dependencies=[Depends(limit("transfer_create", per="user"))],
)
async def create_transfer(
    body: TransferCreate,
    pool: PoolDep,
    settings: SettingsDep,
    user_id: UserId,
    host: ClientHostDep,
) -> Transfer:
    """A direct gift (`to_user_id`) or a claim code. 409 `claim_code_pending` (with
    `transfer_id`) when the object already has your live code: show it again
    (`GET /pending-code`) or replace it (`POST /{id}/replace`)."""
    return await transfers.create(
        pool, settings, user_id, body.photo_id, body.to_user_id, host, body.note
    )


@router.get("/pending-code", responses=errors(401, 422))
async def pending_code(
    photo_id: Annotated[int, Query(ge=1, le=INT64_MAX)],
    pool: PoolDep,
    settings: SettingsDep,
    user_id: UserId,
    host: ClientHostDep,
) -> Transfer | None:
    """Your live claim code for this object again (link and QR), so reopening "Give" shows it
    instead of making another; null when there is none (or it cannot be shown again: replace
    it). The code is in the reply's body only, never in a URL."""
    return await transfers.pending_code(pool, settings, user_id, photo_id, host)


@router.post(
    "/{transfer_id}/replace",
    status_code=201,
    responses=errors(401, 404, 409, 422, 429),
    dependencies=[Depends(limit("transfer_create", per="user"))],
)
async def replace_code(
    transfer_id: PathId, pool: PoolDep, settings: SettingsDep, user_id: UserId, host: ClientHostDep
) -> Transfer:
    """A new claim code in place of your live one (same note). The old link then reads as
    replaced (`ClaimPreview.cancel_reason`), never as "the giver keeps it"."""
    return await transfers.replace_code(pool, settings, user_id, transfer_id, host)


@router.post(
    "/claim",
    responses=errors(401, 404, 409, 410, 422, 429),
    dependencies=[Depends(limit("claim", per="user"))],
)
async def claim_transfer(body: TransferClaim, pool: PoolDep, user_id: UserId) -> Transfer:
    return await transfers.claim(pool, user_id, body.token)


@router.post(
    "/claim/preview",
    responses=errors(401, 404, 422, 429),
    dependencies=[Depends(limit("claim_preview", per="user", setting="rate_limit_claim"))],
)
async def preview_claim(
    body: TransferClaim, pool: PoolDep, viewer_id: OptionalUserId, response: Response
) -> ClaimPreview:
    """What a claim code gives (photo, giver, expiry, state) without using it. The code travels
    in the body, never in the URL. Works signed out too (then `is_giver` is false); limited like
    claims (per user, else per address). 404 `claim_not_found` for an unknown code."""
    response.headers["Cache-Control"] = "no-store"
    return await transfers.preview(pool, viewer_id, body.token)


@router.post(
    "/{transfer_id}/cancel",
    responses=errors(401, 404, 409, 422),
    dependencies=[Depends(limit("event_write", per="user"))],
)
async def cancel_transfer(transfer_id: PathId, pool: PoolDep, user_id: UserId) -> Transfer:
    return await transfers.cancel(pool, user_id, transfer_id)


@router.post(
    "/{transfer_id}/return",
    responses=errors(401, 404, 409, 422),
    dependencies=[Depends(limit("event_write", per="user"))],
)
async def return_gift(
    transfer_id: PathId, pool: PoolDep, settings: SettingsDep, user_id: UserId
) -> Transfer:
    """The recipient of a direct gift sends it back (within `GIFT_RETURN_WINDOW`, 7 days, while
    still owning it): the object goes back to the sender with a provenance row. Answers the
    return transfer."""
    return await transfers.return_gift(pool, settings, user_id, transfer_id)


@router.put(
    "/{transfer_id}/note",
    responses=errors(401, 404, 422),
    dependencies=[Depends(limit("event_write", per="user"))],
)
async def set_note_visibility(
    transfer_id: PathId, body: TransferNoteUpdate, pool: PoolDep, user_id: UserId
) -> Transfer:
    """The recipient of a gift hides its note from everyone but the giver and themselves
    (provenance, stories), or shows it again. 404 for anyone else."""
    return await transfers.set_note_hidden(pool, user_id, transfer_id, body.hidden)


@router.get("", responses=errors(401, 422))
async def list_transfers(
    pool: PoolDep, user_id: UserId, role: Literal["sent", "received"] = "sent"
) -> TransferList:
    return TransferList(items=await transfers.list_transfers(pool, user_id, role))


add_link_qr_route(router, "transfer_id", transfers.claim_link_for, "transfer_qr")
