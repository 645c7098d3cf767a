"""Command line (run from backend/, or with backend/ on PYTHONPATH):

python -m app.cli migrate                            create or upgrade the schema (database.sql +
                                                     backend/migrations), then exit
python -m app.cli seed-demo                          demo users and art objects (idempotent)
python -m app.cli import-photos DIR --owner USER     mint every image in DIR for USER (id or
                                                     username); duplicates are skipped
"""

import argparse
import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import quote

import asyncpg
from tqdm import tqdm

from app.core.config import REPO_ROOT, Settings, get_settings
from app.core.db import create_pool
from app.core.migrations import migrate
from app.services import bot, demo, importer
from app.services.notifier import Notifier


def database_url(settings: Settings) -> str:
    """DATABASE_URL, else the embedded PostgreSQL that `bash scripts/run.sh` is running (found
    through its postmaster.pid: socket directory and port), so admin commands need no DSN."""
    if settings.database_url:
        return settings.database_url
    var = Path(os.environ.get("VAR_DIR") or REPO_ROOT / "var")
    found = embedded_database_url(var / "pgdata")
    if found is None:
        raise SystemExit(
            "DATABASE_URL is not set and the embedded PostgreSQL of scripts/run.sh is not "
            "running: start `bash scripts/run.sh` (or set DATABASE_URL)"
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


async def _with_pool(
    work: Callable[[asyncpg.Pool, Settings], Awaitable[None]], pool_max: int = 2
) -> None:
    settings = get_settings()
    dsn = database_url(settings)
    await asyncio.to_thread(migrate, dsn)
    pool = await create_pool(dsn, 1, pool_max)
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
    for url in asyncio.run(bot.register_webhooks(get_settings())):
        print(f"bot: webhook {url} registered")


async def _notifier(pool: asyncpg.Pool, settings: Settings) -> None:
    """The notifier alone, for a deployment that runs it as its own service (NOTIFIER=off in
    the API processes); several of these stand by for each other."""
    runtime = bot.BotRuntime(bot.make_clients(settings))
    if not runtime.clients:
        raise SystemExit("notifier: no bot token is set (TELEGRAM_BOT_TOKEN, MAX_BOT_TOKEN)")
    try:
        await Notifier(settings, pool, list(runtime.clients.values())).run()
    finally:
        await runtime.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m app.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create or upgrade the database schema")
    commands.add_parser("seed-demo", help="create demo users and art objects (idempotent)")
    imports = commands.add_parser("import-photos", help="mint every image in a folder")
    imports.add_argument("folder", type=Path)
    imports.add_argument("--owner", required=True, help="user id or desktop username")
    bots = commands.add_parser("bot", help="the messenger bots")
    bots.add_argument("action", choices=["set-webhook"], help="register webhook, commands, menu")
    commands.add_parser("notifier", help="run the notifier alone (no HTTP server)")
    args = parser.parse_args(argv)
    if args.command == "migrate":
        _migrate()
    elif args.command == "bot":
        _set_webhook()
    elif args.command == "notifier":
        # Its deliveries run in parallel (notifier.IN_FLIGHT per platform): a pool to match.
        asyncio.run(_with_pool(_notifier, pool_max=get_settings().db_pool_max))
    elif args.command == "seed-demo":
        asyncio.run(_with_pool(_seed_demo))
    else:
        asyncio.run(_with_pool(_import_photos(args.folder, args.owner)))


if __name__ == "__main__":
    main()
