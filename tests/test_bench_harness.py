"""bench/run_all.py: a figure that cannot be measured is printed as "not measured" with its
reason, and never stops the table; measured ones show min / median / max of the rounds."""

from __future__ import annotations

import sys
from pathlib import Path

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
