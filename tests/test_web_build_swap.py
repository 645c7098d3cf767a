"""The development server keeps serving while `run.sh` swaps the `dist` link to a new build.

Starlette's StaticFiles resolves the requested file and its directory in two `realpath` calls;
a swap between them made an existing asset answer 404 (seen once in CI). The swap is forced here
exactly between those calls, so the test does not depend on timing.
"""

import os
from pathlib import Path

import pytest
from fastapi.staticfiles import StaticFiles

from app.web import BuildAssets


def two_builds(tmp_path: Path) -> Path:
    for name in ("dist-a", "dist-b"):
        (tmp_path / name / "assets").mkdir(parents=True)
        (tmp_path / name / "assets" / "app.js").write_text(f"// {name}")
    link = tmp_path / "dist"
    link.symlink_to("dist-a")
    return link


def swap_after_first_realpath(monkeypatch: pytest.MonkeyPatch, link: Path) -> None:
    real = os.path.realpath
    calls = 0

    def realpath_then_swap(path: str) -> str:
        nonlocal calls
        resolved = real(path)
        calls += 1
        if calls == 1:
            (link.parent / "dist.new").symlink_to("dist-b")
            os.replace(link.parent / "dist.new", link)
        return resolved

    monkeypatch.setattr(os.path, "realpath", realpath_then_swap)


def test_starlette_alone_loses_an_asset_during_a_swap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Documents why BuildAssets exists: if Starlette ever fixes this, the subclass can go.
    link = two_builds(tmp_path)
    static = StaticFiles(directory=link / "assets")
    swap_after_first_realpath(monkeypatch, link)
    assert static.lookup_path("app.js") == ("", None)


def test_build_assets_finds_the_asset_in_one_build_during_a_swap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = two_builds(tmp_path)
    static = BuildAssets(directory=link / "assets")
    swap_after_first_realpath(monkeypatch, link)
    full_path, stat = static.lookup_path("app.js")
    assert stat is not None and full_path == str(tmp_path / "dist-a" / "assets" / "app.js")


def test_build_assets_still_refuses_paths_outside_the_build(tmp_path: Path) -> None:
    link = two_builds(tmp_path)
    (tmp_path / "secret.txt").write_text("no")
    static = BuildAssets(directory=link / "assets")
    assert static.lookup_path("../../secret.txt") == ("", None)
    assert static.lookup_path("/etc/passwd") == ("", None)
    assert static.lookup_path("missing.js") == ("", None)
