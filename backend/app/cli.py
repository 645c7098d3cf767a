"""Command line (run from backend/, or with backend/ on PYTHONPATH):

python -m app.cli migrate                            create or upgrade the schema (database.sql +
                                                     backend/migrations), then exit
python -m app.cli seed-demo                          demo users and art objects (idempotent)
python -m app.cli import-photos DIR --owner USER     mint every image in DIR for USER (id or
                                                     username); duplicates are skipped
"""

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
from tqdm import tqdm

from app.core.config import Settings, get_settings
from app.core.db import create_pool
from app.core.migrations import migrate
from app.services import demo, importer


async def _with_pool(work: Callable[[asyncpg.Pool, Settings], Awaitable[None]]) -> None:
    settings = get_settings()
    if not settings.database_url:
        raise SystemExit("DATABASE_URL is not set")
    await asyncio.to_thread(migrate, settings.database_url)
    pool = await create_pool(settings.database_url, 1, 2)
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
    if not settings.database_url:
        raise SystemExit("DATABASE_URL is not set")
    done = migrate(settings.database_url)
    print("\n".join(f"migrate: {line}" for line in done) or "migrate: schema is up to date")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m app.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create or upgrade the database schema")
    commands.add_parser("seed-demo", help="create demo users and art objects (idempotent)")
    imports = commands.add_parser("import-photos", help="mint every image in a folder")
    imports.add_argument("folder", type=Path)
    imports.add_argument("--owner", required=True, help="user id or desktop username")
    args = parser.parse_args(argv)
    if args.command == "migrate":
        _migrate()
    elif args.command == "seed-demo":
        asyncio.run(_with_pool(_seed_demo))
    else:
        asyncio.run(_with_pool(_import_photos(args.folder, args.owner)))


if __name__ == "__main__":
    main()
