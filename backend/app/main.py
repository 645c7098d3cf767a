"""Application factory: settings → pool → routers; background work lives in the lifespan."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.api.docs import OPENAPI_URL, docs_enabled, mount_api_docs
from app.api.openapi import install_openapi
from app.api.routes import (
    auth,
    bot,
    health,
    me,
    photos,
    profile_requests,
    qr,
    share,
    trades,
    transfers,
    users,
    ws,
)
from app.core import logs, wakeup
from app.core.config import Settings, get_settings
from app.core.db import create_pool
from app.core.errors import install_error_handlers
from app.core.migrations import migrate
from app.core.rates import check_rates
from app.core.redis import create_redis
from app.media.qr_image import DRAWER as QR_DRAWER
from app.media.serving import mount_media
from app.media.storage import create_storage
from app.realtime.hub import Hub
from app.realtime.listener import EventListener
from app.server import metrics
from app.server.body_limit import BodySizeLimit
from app.server.cache_control import CacheControl
from app.server.request_log import RequestLogMiddleware
from app.services import maintenance
from app.services.bot import BotRuntime, make_clients
from app.services.login_guard import LoginGuard
from app.services.notifier import Notifier
from app.web import mount_webapp

log = logging.getLogger("app")
ROUTERS = (health, bot, auth, me, users, photos, transfers, trades, profile_requests, qr, share, ws)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.check_production()
    check_rates(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not settings.database_url:
            raise RuntimeError("DATABASE_URL is not set (scripts/run.sh starts an embedded one)")
        # Before the pool exists: nothing reads a table the migrations are still changing.
        await asyncio.to_thread(migrate, settings.database_url)
        app.state.pool = await create_pool(
            settings.database_url,
            settings.db_pool_min,
            settings.db_pool_max,
            deferred_wakeup=True,  # this process's waker notifies the listeners instead
        )
        app.state.redis = await create_redis(settings.redis_url)
        app.state.login_guard = LoginGuard(app.state.redis, settings)
        background: list[asyncio.Task[None]] = []
        try:
            app.state.hub = Hub(
                settings.ws_queue_size, settings.ws_queue_bytes, settings.ws_max_per_address
            )
            app.state.listener = EventListener(
                settings.database_url, app.state.pool, app.state.hub, settings.event_poll_seconds
            )
            # The maintenance task writes events too (expiries): it pokes this app's waker.
            wakeup.bind(app.state.waker)
            app.state.bot = BotRuntime(make_clients(settings))
            app.state.notifier = None
            if settings.notifier and app.state.bot.clients:
                clients = list(app.state.bot.clients.values())
                app.state.notifier = Notifier(settings, settings.database_url, clients)
                background.append(asyncio.create_task(app.state.notifier.run()))
            background += [
                asyncio.create_task(app.state.waker.run()),
                asyncio.create_task(app.state.listener.run()),
                asyncio.create_task(
                    maintenance.run_forever(app.state.pool, app.state.storage, settings)
                ),
            ]
            yield
        finally:
            for task in background:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if getattr(app.state, "bot", None) is not None:
                await app.state.bot.close()
            await app.state.pool.close()
            if app.state.redis is not None:
                await app.state.redis.aclose()
            metrics.shutdown()
            QR_DRAWER.shutdown()

    docs = docs_enabled(settings)
    app = FastAPI(
        title="Max Photo Gallery",
        version="1.0.0",
        openapi_url=OPENAPI_URL if docs else None,
        docs_url=None,  # served by api/docs.py from local assets
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.redis = None
    app.state.bot = None
    app.state.login_guard = LoginGuard(None, settings)  # replaced at start with Redis's
    app.state.storage = create_storage(settings)
    app.state.waker = wakeup.Waker(settings.database_url or "")
    app.add_middleware(
        BodySizeLimit,
        max_upload_bytes=settings.max_upload_bytes,
        upload_paths=("/api/photos/upload",),
        body_timeout=settings.http_body_timeout,
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            # X-Client-Host picks the deep-link form. X-Requested-With is left out on purpose:
            # it is the CSRF proof of cookie refreshes, which only the app's own origin makes.
            allow_headers=["Authorization", "Content-Type", "X-Client-Host"],
        )
    app.add_middleware(CacheControl)
    app.add_middleware(wakeup.BindWaker, waker=app.state.waker)
    # Outermost: times every request once, for its log line and its metrics, 500s included.
    app.add_middleware(RequestLogMiddleware)
    install_error_handlers(app)
    for module in ROUTERS:
        app.include_router(module.router)
    app.include_router(metrics.router)
    if docs:
        mount_api_docs(app)
    mount_media(app, app.state.storage)
    mount_webapp(app, settings)
    install_openapi(app)
    return app


# Plain `uvicorn app.main:app` logs JSON too (core/logs.py), before the app logs anything.
logs.configure_if_uvicorn_defaults()
app = create_app()
