"""The embedded PostgreSQL 16 (pgserver wheel) of scripts/run.sh and scripts/test.sh.

  python scripts/embedded_postgres.py start DIR   start (or reuse) the server in DIR; print its DSN
  python scripts/embedded_postgres.py stop DIR    stop it if it runs ("stopped" / "not running")
  python scripts/embedded_postgres.py dsn DIR     print its DSN if it runs, else exit 1

The server listens on a Unix socket only (no TCP port), so it works without any network.
`start` leaves it running (cleanup_mode=None) for the caller to stop: run.sh stops it when it
ends, test.sh when it started it.
"""

import subprocess
import sys
import time
from pathlib import Path

import pgserver
from pgserver._commands import pg_ctl
from pgserver.utils import PostmasterInfo


def _running(data_dir: Path) -> PostmasterInfo | None:
    info = PostmasterInfo.read_from_pgdata(data_dir)
    return info if info is not None and info.is_running() else None


def _start(data_dir: Path, within: float = 180.0) -> str:
    """pgserver gives `pg_ctl start` 10 s; on a loaded machine a first start (or a recovery) takes
    longer, and the server keeps starting after pg_ctl's wait is cut. Wait for postmaster.pid to
    say "ready", then attach to it."""
    deadline = time.monotonic() + within
    while True:
        try:
            return str(pgserver.get_server(data_dir, cleanup_mode=None).get_uri())
        except subprocess.TimeoutExpired:
            print("the embedded PostgreSQL is slow to start: waiting for it", file=sys.stderr)
        while True:
            info = PostmasterInfo.read_from_pgdata(data_dir)
            if info is not None and info.is_running() and info.status == "ready":
                break
            if time.monotonic() > deadline:
                sys.exit(
                    f"the embedded PostgreSQL in {data_dir} did not start in {within:.0f} s "
                    f"(its log: {data_dir / 'log'})"
                )
            time.sleep(0.5)


def main() -> None:
    action, data_dir = sys.argv[1], Path(sys.argv[2]).resolve()
    if action == "start":
        data_dir.mkdir(parents=True, exist_ok=True)
        print(_start(data_dir))
    elif action == "dsn":
        info = _running(data_dir) if data_dir.exists() else None
        if info is None:
            sys.exit(1)
        print(info.get_uri())
    elif action == "stop":
        if not data_dir.exists() or _running(data_dir) is None:
            print("not running")
            return
        server = pgserver.get_server(data_dir, cleanup_mode=None)  # attaches, knows the OS user
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir, user=server.system_user)
        print("stopped")
    else:
        sys.exit(f"unknown action: {action}")


if __name__ == "__main__":
    main()
