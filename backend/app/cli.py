"""Command line (run from backend/, or with backend/ on PYTHONPATH; `python -m app` is the same):

python -m app serve                                  the server, every option from settings
                                                     (`serve_options`): the one way to start it
python -m app.cli migrate                            create or upgrade the schema (database.sql +
                                                     backend/migrations), then exit
python -m app.cli seed-demo                          demo users and art objects (idempotent)
python -m app.cli import-photos DIR --owner USER     mint every image in DIR for USER (id or
                                                     username); duplicates are skipped
"""

import argparse
import asyncio
import os
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import asyncpg
from tqdm import tqdm

from app.core.config import Settings, get_settings
from app.core.db import create_pool
from app.core.logs import log_config
from app.core.migrations import migrate
from app.services import bot, demo, importer
from app.services.notifier import Notifier


def database_url(settings: Settings) -> str:
    """DATABASE_URL, else the embedded PostgreSQL that `bash scripts/run.sh` is running (found
    through its postmaster.pid: socket directory and port), so admin commands need no DSN."""
    if settings.database_url:
        return settings.database_url
    found = embedded_database_url(settings.var_dir / "pgdata")
    if found is None:
        raise SystemExit(
            "DATABASE_URL is not set and the embedded PostgreSQL of scripts/run.sh is not "
            f"running (looked in {settings.var_dir / 'pgdata'}): start `bash scripts/run.sh` "
            "(or set DATABASE_URL)"
        )
    return found


def embedded_database_url(data_dir: Path) -> str | None:
    try:
        lines = (data_dir / "postmaster.pid").read_text().splitlines()
        pid, port, socket_dir = int(lines[0]), int(lines[3]), lines[4].strip()
    except (OSError, IndexError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None  # a stale file from a server that died
    except PermissionError:
        pass  # alive, run by another OS user (pgserver's, when started as root)
    if not socket_dir:
        return None
    return f"postgresql://postgres@/postgres?host={quote(socket_dir)}&port={port}"


async def _with_pool(work: Callable[[asyncpg.Pool, Settings], Awaitable[None]]) -> None:
    settings = get_settings()
    dsn = database_url(settings)
    await asyncio.to_thread(migrate, dsn)
    pool = await create_pool(dsn, 1, 2)
    try:
        await work(pool, settings)
    finally:
        await pool.close()


async def _seed_demo(pool: asyncpg.Pool, settings: Settings) -> None:
    created = await demo.seed(pool, settings)
    print(f"demo data: {created} new art objects" if created else "demo data: already there")


def _import_photos(folder: Path, owner: str) -> Callable[[asyncpg.Pool, Settings], Awaitable[None]]:
    if not folder.is_dir():
        raise SystemExit(f"not a directory: {folder}")
    files = importer.files_in(folder)

    async def work(pool: asyncpg.Pool, settings: Settings) -> None:
        owner_id = await importer.resolve_owner(pool, owner)
        with tqdm(total=len(files), unit="file", desc="importing") as bar:

            def step(path: Path) -> None:
                bar.set_postfix_str(path.name[-30:], refresh=False)
                bar.update()

            report = await importer.import_folder(pool, settings, files, owner_id, step)
        for name, reason in report.refused:
            print(f"refused: {name}: {reason}")
        print(report.summary())

    return work


def _migrate() -> None:
    settings = get_settings()
    done = migrate(database_url(settings))
    print("\n".join(f"migrate: {line}" for line in done) or "migrate: schema is up to date")


def _set_webhook() -> None:
    try:
        urls = asyncio.run(bot.register_webhooks(get_settings()))
    except RuntimeError as exc:  # a missing setting: one line for the operator, no traceback
        raise SystemExit(f"bot set-webhook: {exc}") from None
    for url in urls:
        print(f"bot: webhook {url} registered")


async def _notifier(_: asyncpg.Pool, settings: Settings) -> None:
    """The notifier alone, for a deployment that runs it as its own service (NOTIFIER=off in
    the API processes); several of these stand by for each other."""
    runtime = bot.BotRuntime(bot.make_clients(settings))
    if not runtime.clients:
        raise SystemExit("notifier: no bot token is set (TELEGRAM_BOT_TOKEN, MAX_BOT_TOKEN)")
    try:
        dsn = database_url(settings)
        await Notifier(settings, dsn, list(runtime.clients.values())).run()
    finally:
        await runtime.close()


# Above nginx's upstream keepalive_timeout (60 s): the proxy, not the backend, closes idle
# connections, so a reused connection is never closed under a request.
KEEP_ALIVE_SECONDS = 75


def serve_options(settings: Settings) -> dict[str, Any]:
    """Every uvicorn option the app needs, from settings: the only list of them (run.sh, the
    image, compose, e2e.sh and the tests all start `python -m app serve`)."""
    return {
        "host": settings.host,
        "port": settings.port,
        "workers": settings.web_concurrency,
        "timeout_worker_healthcheck": settings.worker_healthcheck_timeout,
        # Request heads get a deadline (slow-loris): HTTP_HEADER_TIMEOUT, server/http_server.py.
        "http": "app.server.http_server:HeaderTimeoutProtocol",
        # The hub writes event frames straight to the transports (server/ws_server.py).
        "ws": "app.server.ws_server:DirectSendProtocol",
        # Deflate doubled the server CPU per frame and cost ~34 KiB per socket, to shrink frames
        # of a few hundred bytes (bench/RESULTS.md, "Per-message deflate").
        "ws_per_message_deflate": False,
        # A client message larger than this closes its socket (1009) before it is buffered.
        "ws_max_size": settings.ws_max_size,
        # JSON lines (core/logs.py); the app writes one line per request (server/request_log.py)
        # with route templates, never uvicorn's access log with every query string in it.
        "log_config": log_config(),
        "access_log": False,
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
        "server_header": False,
    }


def prepare_metrics_dir() -> None:
    """PROMETHEUS_MULTIPROC_DIR, when set, must exist before any worker imports the metrics and
    hold nothing of an earlier run (it would be added in): created, then emptied. Only the
    server's parent process does this, before its workers start."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        return
    path = Path(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
        for entry in path.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    except OSError as exc:
        raise SystemExit(
            f"PROMETHEUS_MULTIPROC_DIR={folder}: cannot create or empty it ({exc.strerror}); "
            "point it at a directory this user may write, or unset it (one worker)"
        ) from exc


def _serve() -> None:
    import uvicorn  # only the server needs it

    settings = get_settings()
    prepare_metrics_dir()
    uvicorn.run("app.main:app", **serve_options(settings))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m app")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "serve", help="start the server (HOST, PORT, WEB_CONCURRENCY, ... from the environment)"
    )
    commands.add_parser("migrate", help="create or upgrade the database schema")
    commands.add_parser("seed-demo", help="create demo users and art objects (idempotent)")
    imports = commands.add_parser("import-photos", help="mint every image in a folder")
    imports.add_argument("folder", type=Path)
    imports.add_argument("--owner", required=True, help="user id or desktop username")
    bots = commands.add_parser("bot", help="the messenger bots")
    bots.add_argument("action", choices=["set-webhook"], help="register webhook, commands, menu")
    commands.add_parser("notifier", help="run the notifier alone (no HTTP server)")
    args = parser.parse_args(argv)
    if args.command == "serve":
        _serve()
    elif args.command == "migrate":
        _migrate()
    elif args.command == "bot":
        _set_webhook()
    elif args.command == "notifier":
        asyncio.run(_with_pool(_notifier))  # (the notifier opens its own pool when active)
    elif args.command == "seed-demo":
        asyncio.run(_with_pool(_seed_demo))
    else:
        asyncio.run(_with_pool(_import_photos(args.folder, args.owner)))


if __name__ == "__main__":
    main()
