"""bench/run_all.py: a figure that cannot be measured is printed as "not measured" with its
reason, and never stops the table; measured ones show min / median / max of the rounds."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import run_all


def _broken() -> list[float]:
    raise FileNotFoundError("wrk")


def test_failed_figure_prints_not_measured_and_the_rest_still_shows() -> None:
    figures = [
        run_all.measured("listing ÷ /health", "≥ 0.6", "", lambda: [0.3, 0.5, 0.4]),
        run_all.measured("fan-out p99", "< 300 ms", "ms", _broken),
        run_all.measured("skipped", "—", "", lambda: []),
    ]
    lines = run_all.table(figures)
    assert lines[2] == "| listing ÷ /health | 0.30 / 0.40 / 0.50 | ≥ 0.6 |"
    assert lines[3] == "| fan-out p99 | not measured (FileNotFoundError: wrk) | < 300 ms |"
    assert lines[4].startswith("| skipped | not measured (RuntimeError: no rounds completed)")


def _run_bench(*argv: str, extra_env: dict[str, str] | None = None) -> str:
    import os
    import subprocess

    root = Path(__file__).resolve().parents[1]
    # The server the tests use, TCP or an embedded one's socket (the benches replace the database).
    env = {
        **os.environ,
        "BENCH_PG": os.environ.get(
            "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
        ),
        **(extra_env or {}),
    }
    done = subprocess.run(
        [sys.executable, *argv], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_event_commit_bench_prints_its_three_modes() -> None:
    """docs/scaling.md and bench/RESULTS.md quote this command; it must still run."""
    out = _run_bench(
        "bench/bench_event_commits.py", "--seconds", "1", "--rounds", "1", "--clients", "2"
    )
    rows = [line for line in out.splitlines() if line.startswith("| ") and "TPS" not in line]
    assert [row.split("|")[1].strip() for row in rows] == [
        "trigger NOTIFY",
        "deferred",
        "no trigger",
    ]
    assert rows[-1].endswith("| 1.00 |")


def test_action_cost_bench_counts_each_action() -> None:
    out = _run_bench("bench/bench_action_costs.py", "--repeat", "1")
    rows = {
        line.split("|")[1].strip(): line.split("|")[2:-1]
        for line in out.splitlines()
        if line.startswith("| ") and "statements" not in line
    }
    assert (
        float(rows["trade: propose + accept (2 requests)"][3]) == 4
    )  # events: trade.created + accept's three
    assert "art_objects 1" in rows["upload a photo (64 x 48 PNG)"][2]


def test_new_search_bench_prints_its_ratios() -> None:
    """bench/RESULTS.md and run_all.py quote bench_new_search.py; it must still run."""
    import shutil

    if shutil.which("wrk") is None:
        pytest.skip("wrk is not installed — apt-get install wrk")
    out = _run_bench(
        "bench/bench_new_search.py", "--objects", "300", "--rounds", "1", "--seconds", "1"
    )
    rows = {
        line.split("|")[1].strip(): line
        for line in out.splitlines()
        if line.startswith("| new search")
    }
    assert set(rows) >= {"new search, word + number", "new search, no such word"}, out


def test_three_host_bench_runs_small() -> None:
    """bench/RESULTS.md, docs/scaling.md and run_all.py quote bench_hosts.py (30,000 sockets on
    three hosts behind nginx); at 60 sockets it must still prove its three facts."""
    import os

    from tests.nginx_support import find_nginx, free_port

    if find_nginx() is None:  # as tests/test_three_hosts.py; .ci/run installs it
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    argv = ["--sockets", "60", "--events", "2", "--interval", "0.3", "--drain", "60"]
    redis = {"BENCH_REDIS_URL": os.environ.get("REDIS_URL", "")}  # the tests' own Redis db
    out = _run_bench("bench/bench_hosts.py", *argv, "--port", str(free_port()), extra_env=redis)
    assert "its thumbnail served by hosts 2 and 3: yes" in out, out
    assert "sockets open through nginx: **60 of 60**" in out, out
    assert "**60 of 60** have every public event id" in out and "twice 0" in out, out
