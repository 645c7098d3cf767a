"""Admin import of a folder of images through the same pipeline as uploads."""

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

from app.core.config import Settings
from app.core.errors import AppError, ErrorCode
from app.media.storage import Storage, create_storage
from app.repositories import users
from app.services import uploads


@dataclass
class ImportReport:
    counts: Counter[str] = field(default_factory=Counter)
    refused: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        c = self.counts
        return (
            f"imported {c['imported']}, duplicates skipped {c['duplicate']}, refused {c['refused']}"
        )


async def resolve_owner(pool: asyncpg.Pool, owner: str) -> int:
    """An owner given as a user id or a desktop username."""
    async with pool.acquire() as conn:
        row = (
            await users.get_by_id(conn, int(owner))
            if owner.isdigit()
            else await users.get_by_username(conn, owner)
        )
    if row is None:
        raise SystemExit(f"no such user: {owner}")
    return int(row["id"])


def _title_from(path: Path) -> str:
    title = path.stem.replace("_", " ").replace("-", " ").strip()
    return (title or "Untitled")[:200]


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _read_capped(path: Path, cap: int) -> bytes | None:
    return None if path.stat().st_size > cap else path.read_bytes()


async def import_folder(
    pool: asyncpg.Pool,
    settings: Settings,
    files: list[Path],
    owner_id: int,
    progress: Callable[[Path], None] = lambda _: None,
) -> ImportReport:
    """Imports `files` one by one; `progress(path)` is called once each file is DONE (so a
    progress bar reaches 100 % only when the last one is stored, not when it starts)."""
    storage = create_storage(settings)
    report = ImportReport()
    for path in files:
        await _import_one(pool, settings, storage, owner_id, path, report)
        progress(path)
    return report


async def _import_one(
    pool: asyncpg.Pool,
    settings: Settings,
    storage: Storage,
    owner_id: int,
    path: Path,
    report: ImportReport,
) -> None:
    data = await asyncio.to_thread(_read_capped, path, settings.max_upload_bytes)
    if data is None:
        report.counts["refused"] += 1
        report.refused.append((path.name, "larger than MAX_UPLOAD_BYTES"))
        return
    try:
        await uploads.upload(pool, settings, storage, owner_id, data, _title_from(path), None)
        report.counts["imported"] += 1
    except AppError as exc:
        if exc.code is ErrorCode.duplicate_image:
            report.counts["duplicate"] += 1
            return
        report.counts["refused"] += 1
        report.refused.append((path.name, exc.message))
