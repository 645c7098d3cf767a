"""Crash consistency, bounded for CI (issue 8.4): `bench/crash_consistency.py` with 3 SIGKILLs.

A mixed workload (uploads, direct transfers, claim codes and racing claims, trades and accepts)
from 12 concurrent clients against a real server process that is SIGKILLed at random moments
and restarted; then every invariant, file and event check of the bench must find zero
violations, and every write the server acknowledged must be in the database. The long run
(more kills, more clients) is `.venv/bin/python bench/crash_consistency.py`.
"""

import json
from pathlib import Path

import asyncpg
import pytest
from bench.crash_consistency import run

from tests.conftest import _TABLES

pytestmark = pytest.mark.slow


async def test_sigkill_under_mixed_load_keeps_every_invariant(
    database_url: str, tmp_path: Path
) -> None:
    conn = await asyncpg.connect(database_url)
    await conn.execute(f"TRUNCATE {_TABLES} RESTART IDENTITY CASCADE")
    await conn.close()
    upload_dir = tmp_path / "uploads"
    upload_dir.mkdir()
    result = await run(
        database_url,
        upload_dir,
        kills=3,
        clients=12,
        users=6,
        min_gap=1.5,
        max_gap=3.0,
        seed=8,
        log_path=tmp_path / "server.log",
        min_ops_per_gap=10,  # 4 stretches of work: at least 40 operations on any machine
    )
    print(
        "\n"
        + json.dumps(
            {
                k: result[k]
                for k in (
                    "kills_survived",
                    "operations_total",
                    "operations",
                    "objects",
                    "connection_errors",
                    "orphan_files_awaiting_sweep",
                    "violations_total",
                )
            }
        )
    )
    assert result["server_starts"] == 5  # first start, 3 restarts after SIGKILL, the final one
    assert result["operations_total"] >= 40, f"the workload barely ran: {result['operations']}"
    assert result["operations"].get("upload", 0) and result["operations"].get("direct transfer", 0)
    assert result["server_errors_5xx"] == 0, result["server_error_examples"]
    assert result["violations_total"] == 0, json.dumps(result, indent=2)
