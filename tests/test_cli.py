"""The admin importer and the demo seed, run as real commands against a real database."""

import os
import subprocess
import sys
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parents[1]


def run_cli(database_url: str, upload_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "UPLOAD_DIR": str(upload_dir),
        "PYTHONPATH": str(ROOT / "backend"),
    }
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_import_photos_imports_skips_duplicates_and_refuses_non_images(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    from tests.images import jpeg_of, jpeg_with_gps, unique_picture, unique_png

    owner = await pool.fetchval(
        "INSERT INTO users (username, display_name) VALUES ('curator', 'Curator') RETURNING id"
    )
    folder = tmp_path / "incoming"
    (folder / "sub").mkdir(parents=True)
    (folder / "sea_view.png").write_bytes(unique_png(1, (640, 480)))
    (folder / "sub" / "mountains.jpg").write_bytes(jpeg_with_gps())
    (folder / "copy-of-sea.png").write_bytes(unique_png(1, (640, 480)))  # same bytes: a duplicate
    # The same picture resized and re-encoded: a near copy, skipped like a duplicate.
    (folder / "sea_small.jpg").write_bytes(
        jpeg_of(unique_picture(1, (640, 480)).resize((400, 300)))
    )
    (folder / "notes.txt").write_text("not an image")
    result = run_cli(database_url, upload_dir, "import-photos", str(folder), "--owner", "curator")
    assert result.returncode == 0, result.stderr
    assert (
        "refused: notes.txt: the file is not a JPEG, PNG, GIF, WebP, HEIC/HEIF or AVIF image"
        in result.stdout
    )
    assert "imported 2, duplicates skipped 2, refused 1" in result.stdout
    assert "importing" in result.stderr  # the progress bar
    titles = {
        r["title"]
        for r in await pool.fetch("SELECT title FROM art_objects WHERE owner_id = $1", owner)
    }
    assert len(titles) == 2 and "mountains" in titles
    again = run_cli(database_url, upload_dir, "import-photos", str(folder), "--owner", str(owner))
    assert "imported 0, duplicates skipped 4, refused 1" in again.stdout
    missing = run_cli(database_url, upload_dir, "import-photos", str(folder), "--owner", "nobody")
    assert missing.returncode != 0 and "no such user: nobody" in missing.stderr


async def test_seed_demo_is_idempotent(
    database_url: str, upload_dir: Path, pool: asyncpg.Pool
) -> None:
    first = run_cli(database_url, upload_dir, "seed-demo")
    assert first.returncode == 0, first.stderr
    assert "12 new art objects" in first.stdout
    second = run_cli(database_url, upload_dir, "seed-demo")
    assert "already there" in second.stdout
    assert await pool.fetchval("SELECT count(*) FROM art_objects") == 12
    assert (
        await pool.fetchval("SELECT count(*) FROM users") == 4
    )  # three messenger people + the desktop demo login


async def test_import_progress_counts_a_file_only_when_it_is_stored(
    pool: asyncpg.Pool, settings, upload_dir: Path, tmp_path: Path
) -> None:
    """The bar reaches 100 % when the last file is done, not when it starts."""
    from app.services import importer
    from tests.images import unique_png

    owner = await pool.fetchval(
        "INSERT INTO users (username, display_name) VALUES ('curator', 'Curator') RETURNING id"
    )
    folder = tmp_path / "incoming"
    folder.mkdir()
    for i in range(3):
        (folder / f"p{i}.png").write_bytes(unique_png(100 + i))
    renditions_at_step: list[int] = []
    report = await importer.import_folder(
        pool,
        settings,
        importer.files_in(folder),
        owner,
        lambda _path: renditions_at_step.append(len(list(upload_dir.rglob("*.webp")))),
    )
    assert report.counts["imported"] == 3
    assert renditions_at_step == [3, 6, 9]  # two thumbnails + preview of every file counted so far
