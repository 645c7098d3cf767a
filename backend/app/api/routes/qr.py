"""QR images for this app's own deep links."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app.api.deps import ImageClientHostDep, PoolDep, QrSecret, SettingsDep
from app.api.rate_limits import limit
from app.api.responses import PNG_RESPONSE, errors, qr_png
from app.services import auth, qr

# Drawing a QR is CPU work: one bucket over every qr.png route, per address.
QR_IMAGE_LIMIT = Depends(limit("qr_image", per="ip"))
router = APIRouter(prefix="/api", tags=["qr"])


@router.get(
    "/qr.png",
    response_class=Response,
    responses={**PNG_RESPONSE, **errors(422, 429)},
    dependencies=[QR_IMAGE_LIMIT],
)
async def app_link_qr(
    settings: SettingsDep, data: Annotated[str, Query(min_length=1, max_length=qr.MAX_DATA)]
) -> Response:
    """Any of this app's own links, in its Max, Telegram or web form; anything else is a 422."""
    return qr_png(await qr.own_link_png(settings, data))


@router.get(
    "/auth/qr/{request_id}/qr.png",
    response_class=Response,
    responses={**PNG_RESPONSE, **errors(404, 410, 422, 429)},
    dependencies=[QR_IMAGE_LIMIT],
)
async def login_qr_png(
    request_id: str,
    pool: PoolDep,
    settings: SettingsDep,
    secret: QrSecret,
    host: ImageClientHostDep,
) -> Response:
    """The desktop's sign-in QR; needs the request's secret so only that desktop can show it.
    `?host=max` / `?host=telegram` pick the messenger that will scan it."""
    link = await auth.qr_login_link(pool, settings, request_id, secret, host)
    return qr_png(await qr.render(link))
