"""QR images for this app's own deep links."""

from collections.abc import Awaitable, Callable
from typing import Annotated

import asyncpg
from fastapi import APIRouter, Depends, Path, Query, Response

from app.api.deps import ImageClientHostDep, LinkToken, PoolDep, QrSecret, SettingsDep, UserId
from app.api.rate_limits import limit
from app.api.responses import PNG_RESPONSE, errors, qr_png
from app.core.config import Settings
from app.schemas.ids import INT64_MAX
from app.schemas.links import ClientHost
from app.services import auth_qr, qr

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
    """The desktop's sign-in QR; needs the request's secret (`X-QR-Secret`) so only that
    desktop can show it. `?host=max` / `?host=telegram` pick the messenger that will scan it."""
    link = await auth_qr.qr_login_link(pool, settings, request_id, secret, host)
    return qr_png(await qr.render(link))


# A service call that checks a secret token against the item and answers its deep link.
LinkFor = Callable[[asyncpg.Pool, Settings, int, int, str, ClientHost | None], Awaitable[str]]


def add_link_qr_route(router: APIRouter, id_param: str, link_for: LinkFor, name: str) -> None:
    """`GET /{<id_param>}/qr.png` with `X-Link-Token`: the QR image of an item's deep link (a
    claim code, an open trade) for its owner, who holds the token. One route shape for every
    such item."""

    async def link_qr(
        item_id: Annotated[int, Path(alias=id_param, ge=1, le=INT64_MAX)],
        pool: PoolDep,
        settings: SettingsDep,
        user_id: UserId,
        token: LinkToken,
        host: ImageClientHostDep,
    ) -> Response:
        link = await link_for(pool, settings, user_id, item_id, token, host)
        return qr_png(await qr.render(link))

    router.add_api_route(
        f"/{{{id_param}}}/qr.png",
        link_qr,
        methods=["GET"],
        name=name,
        response_class=Response,
        responses={**PNG_RESPONSE, **errors(401, 404, 422, 429)},
        dependencies=[QR_IMAGE_LIMIT],
    )
