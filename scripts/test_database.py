"""Create or drop a throwaway database on the server of TEST_DATABASE_URL; prints its DSN.

python scripts/test_database.py create NAME   -> prints the new database's DSN
python scripts/test_database.py drop NAME
"""

import asyncio
import os
import sys
from urllib.parse import urlsplit, urlunsplit

import asyncpg


async def main(action: str, name: str) -> None:
    base = os.environ["TEST_DATABASE_URL"]
    admin = await asyncpg.connect(base)
    try:
        if action == "create":
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{name}"')
            print(urlunsplit(urlsplit(base)._replace(path=f"/{name}")))
        else:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
