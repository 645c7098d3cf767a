# ruff: noqa: E501
"""Long API fuzzing run (issue 8.1): >= 10,000 schemathesis requests against a real server.

Same engine as the CI test (`tests/test_fuzz_api.py`: `seed_world`, `fuzz`), more examples, several
hypothesis seeds, a fresh database of its own and a fresh seeded world per round.

    .venv/bin/python bench/fuzz_long.py                     # until 10,000 requests (or 40 min)
    .venv/bin/python bench/fuzz_long.py --requests 20000 --examples 150 --json out.json

Prints requests, statuses, 5xx and every schema violation found (first example of each).
Exit status 1 when any 5xx or violation was found.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT, ROOT / "backend"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

import asyncpg  # noqa: E402
from tests.server_support import running_server  # noqa: E402
from tests.test_fuzz_api import fuzz, load_schema, seed_world, server_env  # noqa: E402

from app.core.migrations import migrate  # noqa: E402

BASE_DSN = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _dsn(name: str) -> str:
    return urlunsplit(urlsplit(BASE_DSN)._replace(path=f"/{name}"))


async def run(target: int, examples: int, budget: float) -> dict:
    name = f"fuzz_long_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(BASE_DSN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    dsn = _dsn(name)
    await asyncio.to_thread(migrate, dsn)  # database.sql + migrations marked applied
    total_requests = 0
    statuses: Counter[int] = Counter()
    failures: dict[str, dict[str, str]] = {}
    server_errors = 0
    rounds = 0
    started = time.monotonic()
    deadline = started + budget
    try:
        with tempfile.TemporaryDirectory(prefix="fuzz-long-") as tmp:
            async with running_server(server_env(dsn, Path(tmp))) as base_url:
                schema = load_schema(base_url)
                while total_requests < target and time.monotonic() < deadline:
                    world = await seed_world(base_url, seed=rounds + 1)
                    report = await asyncio.to_thread(
                        fuzz,
                        schema,
                        base_url,
                        world.token,
                        examples,
                        seed=1000 + rounds,
                        deadline=deadline,
                    )
                    rounds += 1
                    total_requests += report.requests
                    statuses.update(report.statuses)
                    server_errors += report.server_errors
                    for op, found in report.failures.items():
                        for title, example in found.items():
                            failures.setdefault(op, {}).setdefault(title, example)
                    print(
                        f"round {rounds}: {report.requests} requests in {report.seconds:.0f} s "
                        f"(total {total_requests}), 5xx {report.server_errors}",
                        flush=True,
                    )
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    seconds = time.monotonic() - started
    return {
        "requests": total_requests,
        "rounds": rounds,
        "examples_per_operation_and_mode": examples,
        "seconds": round(seconds, 1),
        "requests_per_second": round(total_requests / seconds, 1),
        "statuses": dict(sorted(statuses.items())),
        "server_errors": server_errors,
        "violations": sum(len(v) for v in failures.values()),
        "failures": failures,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--examples", type=int, default=120)
    parser.add_argument("--budget", type=float, default=2400, help="seconds at most")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = asyncio.run(run(args.requests, args.examples, args.budget))
    print(
        f"\nrequests {result['requests']} in {result['seconds']} s ({result['requests_per_second']}/s), "
        f"rounds {result['rounds']}, statuses {result['statuses']}"
    )
    print(
        f"5xx: {result['server_errors']}; distinct schema/status violations: {result['violations']}"
    )
    for op, found in sorted(result["failures"].items()):
        for title, example in found.items():
            print(f"- {op}: {title}\n    {example[:400]}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return 1 if result["server_errors"] or result["violations"] else 0


if __name__ == "__main__":
    sys.exit(main())
