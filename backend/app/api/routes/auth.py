"""Sign-in routes: thin wrappers over services/auth_*.py (one module per sign-in kind)."""

from fastapi import APIRouter, Depends, Request, Response

from app.api import cookies
from app.api.deps import ClientHostDep, LoginGuardDep, PoolDep, QrSecret, SettingsDep, UserId
from app.api.rate_limits import limit
from app.api.responses import errors
from app.core.errors import AppError, ErrorCode
from app.schemas.auth import (
    MessengerSignIn,
    PasswordSignIn,
    QrLoginApprove,
    QrLoginCreated,
    QrLoginDetails,
    QrLoginStatus,
    SessionRefresh,
    TokenPair,
)
from app.services import auth_messenger, auth_password, auth_qr, auth_sessions

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post(
    "/max",
    responses=errors(401, 422, 429),
    dependencies=[Depends(limit("messenger_signin", per="ip"))],
)
async def sign_in_max(body: MessengerSignIn, pool: PoolDep, settings: SettingsDep) -> TokenPair:
    return await auth_messenger.sign_in_with_messenger(pool, settings, "max", body.init_data)


@router.post(
    "/telegram",
    responses=errors(401, 422, 429),
    dependencies=[Depends(limit("messenger_signin", per="ip"))],
)
async def sign_in_telegram(
    body: MessengerSignIn, pool: PoolDep, settings: SettingsDep
) -> TokenPair:
    return await auth_messenger.sign_in_with_messenger(pool, settings, "telegram", body.init_data)


@router.post(
    "/register",
    status_code=201,
    responses=errors(409, 422, 429, 503),
    dependencies=[Depends(limit("password_signin", per="ip"))],
)
async def register(
    body: PasswordSignIn,
    pool: PoolDep,
    settings: SettingsDep,
    response: Response,
    host: ClientHostDep,
) -> TokenPair:
    """`X-Client-Host: web`: the refresh token comes as an HttpOnly cookie, not in the body."""
    pair = await auth_password.register(pool, settings, body.username, body.password)
    return cookies.deliver(pair, response, settings, host)


@router.post(
    "/login",
    responses=errors(401, 422, 429, 503),
    dependencies=[Depends(limit("password_signin", per="ip"))],
)
async def login(
    body: PasswordSignIn,
    pool: PoolDep,
    settings: SettingsDep,
    response: Response,
    host: ClientHostDep,
    guard: LoginGuardDep,
) -> TokenPair:
    """`X-Client-Host: web`: the refresh token comes as an HttpOnly cookie, not in the body.
    Limited per IP and, with back-off, per username (429 `login_throttled`)."""
    pair = await auth_password.login(pool, settings, guard, body.username, body.password)
    return cookies.deliver(pair, response, settings, host)


@router.post("/refresh", responses=errors(401, 403, 422))
async def refresh(
    request: Request,
    response: Response,
    pool: PoolDep,
    settings: SettingsDep,
    body: SessionRefresh | None = None,
) -> TokenPair:
    """The token from the body, or else the desktop's cookie (then `X-Requested-With` is
    required, 403 without it); a cookie refresh answers with a new cookie."""
    if body is not None and body.refresh_token:
        return await auth_sessions.refresh(pool, settings, body.refresh_token)
    token = cookies.cookie_refresh_token(request)
    if token is None:
        raise AppError(ErrorCode.refresh_token_missing)
    pair = await auth_sessions.refresh(pool, settings, token)
    return cookies.deliver(pair, response, settings, "web")


@router.post("/logout", status_code=204, responses=errors(403, 422))
async def logout(
    request: Request, pool: PoolDep, settings: SettingsDep, body: SessionRefresh | None = None
) -> Response:
    """Ends the session of the body's token, or else of the desktop's cookie (clearing it).
    Clearing the cookie is a cookie-authenticated act: it needs `X-Requested-With` like
    refresh (403 `csrf_header_missing` without it), so a cross-site form cannot sign the
    desktop out (issue 19, N7)."""
    token = body.refresh_token if body is not None else None
    if token:
        await auth_sessions.logout(pool, token)
        return Response(status_code=204)
    cookies.require_csrf_header(request)
    token = cookies.cookie_refresh_token(request)
    if token is not None:
        await auth_sessions.logout(pool, token)
    response = Response(status_code=204)
    cookies.clear_refresh_cookie(response, settings)
    return response


@router.post(
    "/qr",
    status_code=201,
    responses=errors(429),
    dependencies=[Depends(limit("qr_login", per="ip"))],
)
async def create_qr_login(
    request: Request, pool: PoolDep, settings: SettingsDep, host: ClientHostDep
) -> QrLoginCreated:
    """`qr_payload` takes the X-Client-Host form; `deep_links` has every form, so the desktop
    can offer a QR for each messenger. The desktop's address and User-Agent are kept for the
    approving phone (`GET /api/auth/qr/{request_id}/details`)."""
    client_ip = request.client.host if request.client else None
    user_agent = request.headers.get("user-agent", "")
    return await auth_qr.create_qr_login(pool, settings, host, client_ip, user_agent)


@router.get("/qr/{request_id}/details", responses=errors(401, 404, 409, 410, 422))
async def qr_login_details(request_id: str, pool: PoolDep, user_id: UserId) -> QrLoginDetails:
    """For the signed-in phone, before it approves: which browser and OS (from the desktop's
    User-Agent), from which address, made when, valid until when."""
    return await auth_qr.qr_login_details(pool, request_id)


@router.post(
    "/qr/{request_id}/approve",
    status_code=204,
    responses=errors(401, 404, 409, 410, 422),
    dependencies=[Depends(limit("event_write", per="user"))],
)
async def approve_qr_login(
    request_id: str, pool: PoolDep, user_id: UserId, body: QrLoginApprove | None = None
) -> Response:
    await auth_qr.approve_qr_login(pool, request_id, user_id, body.token if body else None)
    return Response(status_code=204)


@router.get("/qr/{request_id}", responses=errors(404, 410, 422))
async def poll_qr_login(
    request_id: str,
    pool: PoolDep,
    settings: SettingsDep,
    response: Response,
    host: ClientHostDep,
    secret: QrSecret,
) -> QrLoginStatus:
    """The request's secret goes in the `X-QR-Secret` header (`?secret=` is still read for
    older clients, but a URL ends up in access logs). `X-Client-Host: web`: on success the
    refresh token comes as an HttpOnly cookie."""
    response.headers["Cache-Control"] = "no-store"
    status = await auth_qr.poll_qr_login(pool, settings, request_id, secret)
    return cookies.deliver(status, response, settings, host)
