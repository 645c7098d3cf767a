"""Where photo files live. Local disk now; an S3-compatible store can implement `Storage` later.

Keys are random names relative to the storage root (`media/ab/<random>.webp` for public
renditions, `originals/ab/<random>.<ext>` for the private originals); no user input ever becomes
part of a path.
"""

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

PUBLIC_PREFIX = "media"
ORIGINALS_PREFIX = "originals"
_TMP = ".tmp"


class Storage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...
    def keys(self, older_than: float) -> Iterator[str]: ...


def new_key(prefix: str, extension: str) -> str:
    name = secrets.token_urlsafe(18)
    return f"{prefix}/{secrets.token_hex(1)}/{name}.{extension}"


class LocalStorage:
    """Files on a local (or shared network) disk under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        (self.root / _TMP).mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root) or _TMP in path.relative_to(self.root).parts:
            raise ValueError(f"storage key escapes the root: {key!r}")
        return path

    def put(self, key: str, data: bytes) -> None:
        """Crash-safe write: temp file, fsync, rename into place, fsync the directory."""
        final = self._path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.root / _TMP / f"{secrets.token_hex(8)}.part"
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, final)
        directory = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def keys(self, older_than: float) -> Iterator[str]:
        """Stored keys whose files were last modified before `older_than` (epoch seconds)."""
        for prefix in (PUBLIC_PREFIX, ORIGINALS_PREFIX):
            base = self.root / prefix
            if not base.is_dir():
                continue
            for path in base.rglob("*"):
                if path.is_file() and path.stat().st_mtime < older_than:
                    yield path.relative_to(self.root).as_posix()

    def clear_temp(self, older_than: float) -> int:
        removed = 0
        for path in (self.root / _TMP).glob("*.part"):
            if path.stat().st_mtime < older_than:
                path.unlink(missing_ok=True)
                removed += 1
        return removed
