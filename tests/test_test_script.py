"""scripts/test.sh as a newcomer meets it (issue 22.7), run on a copy of the repository so that a
lint error and a failing test can be planted: every stage runs even after one failed, the run
fails at the end naming what failed, skipped tests are repeated loudly with what to install,
and without REDIS_URL it starts a Redis of its own instead of using someone's database 0."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.server_support import REPO_ROOT

pytestmark = pytest.mark.slow

PLANTED = """
import pytest


def test_planted_failure() -> None:
    assert 1 + 1 == 3


@pytest.mark.skip(reason="needs frobnicate (apt-get install frobnicate)")
def test_planted_skip() -> None:
    pass
"""


def _copy_of_the_repository(target: Path) -> Path:
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, files):
        source = REPO_ROOT / name.decode()
        if source.is_file():
            (target / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            (target / name.decode()).write_bytes(source.read_bytes())
    (target / ".venv").symlink_to(REPO_ROOT / ".venv")  # its lock stamp matches: no install
    # mypy's cache of the same sources (test.sh's mypy stage ran before pytest): the copy's mypy
    # stage then checks only what changed, instead of all of backend/app from nothing.
    if (REPO_ROOT / ".mypy_cache").is_dir():
        shutil.copytree(REPO_ROOT / ".mypy_cache", target / ".mypy_cache")
    return target


def test_a_failing_stage_lets_the_others_run_and_fails_at_the_end(tmp_path: Path) -> None:
    repo = _copy_of_the_repository(tmp_path / "repo")
    (repo / "tests" / "test_planted.py").write_text(PLANTED)
    (repo / "tests" / "planted_lint.py").write_text("import os\n")  # an unused import: F401
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "VAR_DIR", "PYTHONPATH")}
    env["VAR_DIR"] = str(tmp_path / "var")
    done = subprocess.run(
        ["bash", "scripts/test.sh", "tests/test_planted.py"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 1, out[-3000:]
    # ruff failed first, and mypy and pytest still ran.
    assert "F401" in out and "mypy (strict, backend/app)" in out and "test_planted_failure" in out
    failed = out[out.index("FAILED after") :]
    assert "- ruff (exit 1)" in failed and "- pytest tests/test_planted.py (exit 1)" in failed
    not_run = out[out.index("NOT RUN") :]
    assert "needs frobnicate (apt-get install frobnicate)" in not_run
    # Its own Redis, never 127.0.0.1:6379, stopped at the end.
    assert "REDIS_URL is unset: starting a redis-server of this run's own" in out
    url = re.search(r"Redis: redis://127\.0\.0\.1:(\d+)/0", out)
    assert url and url.group(1) != "6379"
    assert "stopping the redis-server this run started" in out
    assert not list((tmp_path / "var").glob("redis-*.pid"))
