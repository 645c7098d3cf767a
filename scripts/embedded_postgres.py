"""Start (or reuse) an embedded PostgreSQL 16 from the pgserver wheel and print its DSN.

Used by scripts/run.sh and scripts/test.sh when no DATABASE_URL / TEST_DATABASE_URL is given.
The server keeps running after this process exits (cleanup_mode=None) so the next command
reuses it; its data lives in the directory given as the only argument.
"""

import sys
from pathlib import Path

import pgserver


def main() -> None:
    data_dir = Path(sys.argv[1]).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode=None)
    print(server.get_uri())


if __name__ == "__main__":
    main()
