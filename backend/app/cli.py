"""Command line: `python -m app.cli seed-demo` (demo data for the run command).

Admin commands (import-photos) are added next to it; see README "For admins".
"""

import argparse
import asyncio

from app.core.config import get_settings
from app.core.db import create_pool, ensure_schema
from app.services import demo


async def _seed_demo() -> None:
    settings = get_settings()
    if not settings.database_url:
        raise SystemExit("DATABASE_URL is not set")
    pool = await create_pool(settings.database_url, 1, 2)
    try:
        await ensure_schema(pool)
        created = await demo.seed(pool, settings)
        print(f"demo data: {created} new art objects" if created else "demo data: already there")
    finally:
        await pool.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m app.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("seed-demo", help="create demo users and art objects (idempotent)")
    args = parser.parse_args(argv)
    if args.command == "seed-demo":
        asyncio.run(_seed_demo())


if __name__ == "__main__":
    main()
