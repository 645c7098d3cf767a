"""Benchmark (issue 23.1): event-writing commits per second, with and without the wake-up lock.

    .venv/bin/python bench/bench_event_commits.py [--seconds 10] [--rounds 3] [--clients 20]

`pgbench -c CLIENTS` commits one `INSERT INTO events` per transaction, in three modes, the
rounds alternating so a busy neighbour moves every mode alike:
- `trigger NOTIFY` — what every app write did before: the insert trigger NOTIFYs, so each
  commit holds PostgreSQL's notify lock through its WAL flush;
- `deferred` — what the app does now: its sessions set `gallery.wakeup = deferred` (the trigger
  does not notify) while one more client sends the process's wake-ups non-stop
  (`SELECT pg_notify(...)`, `synchronous_commit = off`) — the worst case of core/wakeup.py,
  whose waker sends at most one wake-up per round trip;
- `no trigger` — the same inserts with the NOTIFY trigger disabled: the ceiling.
Prints TPS per round and the ratios to `no trigger` of the same round (median of rounds).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import busy_note, drop_db, dsn_for, fresh_db, machine, rx

DB = f"bench_event_commits_{os.getpid()}"
INSERT = "INSERT INTO events (type, data) VALUES ('bench.commit', '{}');\n"
WAKE = "SELECT pg_notify('gallery_events', '');\n"


def _pgbench(script: Path, clients: int, seconds: int, options: str, out: list[float]) -> None:
    cmd = [
        "pgbench", "-n", "-c", str(clients), "-j", str(min(clients, 2)), "-T", str(seconds),
        "-f", str(script), dsn_for(DB),  # pgbench takes a connection URI as its database
    ]  # fmt: skip
    env = {**os.environ, "PGOPTIONS": options}
    result = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    out.append(float(rx(r"tps = ([\d.]+)", result)))


def run_mode(mode: str, clients: int, seconds: int, scripts: dict[str, Path]) -> float:
    trigger = "DISABLE" if mode == "no trigger" else "ENABLE"
    subprocess.run(
        ["psql", dsn_for(DB), "-qc",
         f"TRUNCATE events; ALTER TABLE events {trigger} TRIGGER events_notify_after_insert"],
        check=True, capture_output=True,
    )  # fmt: skip
    writers: list[float] = []
    options = "-c gallery.wakeup=deferred" if mode == "deferred" else ""
    waker = None
    if mode == "deferred":
        waker = threading.Thread(
            target=_pgbench,
            args=(scripts["wake"], 1, seconds, "-c synchronous_commit=off", []),
        )
        waker.start()
    _pgbench(scripts["insert"], clients, seconds, options, writers)
    if waker is not None:
        waker.join()
    return writers[0]


MODES = ("trigger NOTIFY", "deferred", "no trigger")


def measure(rounds: int, clients: int, seconds: int) -> dict[str, list[float]]:
    """TPS per round of each mode, the modes alternating inside each round."""
    asyncio.run(fresh_db(DB))
    tps: dict[str, list[float]] = {mode: [] for mode in MODES}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            scripts = {"insert": Path(tmp, "insert.sql"), "wake": Path(tmp, "wake.sql")}
            scripts["insert"].write_text(INSERT)
            scripts["wake"].write_text(WAKE)
            for _ in range(rounds):
                for mode in MODES:
                    tps[mode].append(run_mode(mode, clients, seconds, scripts))
    finally:
        asyncio.run(drop_db(DB))
    return tps


def ratio_to_ceiling(tps: dict[str, list[float]], mode: str) -> list[float]:
    return [a / b for a, b in zip(tps[mode], tps["no trigger"], strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    tps = measure(args.rounds, args.clients, args.seconds)
    print(f"machine: {machine()}; {busy_note()}")
    print(f"`pgbench -c {args.clients} -T {args.seconds}`, one INSERT INTO events per commit\n")
    print("| mode | TPS per round | ÷ no trigger (median of rounds) |")
    print("|---|---|---|")
    for mode in MODES:
        rounds = " / ".join(f"{x:,.0f}" for x in tps[mode])
        print(f"| {mode} | {rounds} | {statistics.median(ratio_to_ceiling(tps, mode)):.2f} |")


if __name__ == "__main__":
    main()
