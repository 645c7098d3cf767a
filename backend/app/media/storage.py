"""Where image files live: a local (or shared network) disk, or an S3-compatible bucket
(`STORAGE=s3`). Both implement `Storage`; `create_storage(settings)` picks one.

Keys are random names relative to the storage root (`media/ab/<random>.webp` for public
renditions, `originals/ab/<random>.<ext>` for the private originals); no user input ever becomes
part of a path. The interface is synchronous: callers run it in a thread (services/uploads.py's
image pool, maintenance's `asyncio.to_thread`), never on the event loop.
"""

import errno
import logging
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

import obstore
from obstore.store import S3Store

from app.core.config import Settings

log = logging.getLogger(__name__)

PUBLIC_PREFIX = "media"
ORIGINALS_PREFIX = "originals"
_TMP = ".tmp"
COPY_CHUNK = 1024 * 1024
# What a key may look like (ours are `<prefix>/<2 hex>/<random>.<ext>`; seeds may place others).
_PART = r"[A-Za-z0-9_-][A-Za-z0-9._-]*"
_KEY = re.compile(rf"^(?:{PUBLIC_PREFIX}|{ORIGINALS_PREFIX})/(?:{_PART}/)*{_PART}$")


# Below this many free bytes on the uploads disk, /health reports storage "full".
MIN_FREE_BYTES = 64 * 1024 * 1024
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class StorageFault(Exception):
    """A write the storage could not take (issue 19, N9): `full` (no space, quota) or not
    (the disk or bucket is unreachable, missing or refuses us). Never "database unavailable":
    the upload service answers 507 `storage_full` or 503 `storage_unavailable` and logs it."""

    def __init__(self, full: bool, reason: str) -> None:
        super().__init__(reason)
        self.full = full
        self.reason = reason


class Storage(Protocol):
    def put(self, key: str, data: bytes | BinaryIO) -> None: ...  # a file: copied from 0
    def get(self, key: str) -> bytes: ...  # FileNotFoundError when absent
    def delete(self, key: str) -> None: ...  # absent is fine
    def exists(self, key: str) -> bool: ...
    def keys(self, older_than: float) -> Iterator[str]: ...
    def clear_temp(self, older_than: float) -> int: ...
    def check(self) -> str: ...  # "ok", "full" or "down": for /health


def create_storage(settings: Settings) -> Storage:
    if settings.storage == "s3":
        return S3Storage(
            bucket=settings.s3_bucket,
            endpoint=settings.s3_endpoint,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key,
        )
    return LocalStorage(settings.upload_dir)


def check_key(key: str) -> str:
    if not _KEY.match(key) or ".." in key.split("/"):
        raise ValueError(f"not a storage key: {key!r}")
    return key


def new_key(prefix: str, extension: str) -> str:
    name = secrets.token_urlsafe(18)
    return f"{prefix}/{secrets.token_hex(1)}/{name}.{extension}"


class LocalStorage:
    """Files on a local (or shared network) disk under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        (self.root / _TMP).mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        if not path.is_relative_to(self.root) or _TMP in path.relative_to(self.root).parts:
            raise ValueError(f"storage key escapes the root: {key!r}")
        return path

    def put(self, key: str, data: bytes | BinaryIO) -> None:
        """Crash-safe write: temp file, fsync, rename into place, fsync the directory."""
        final = self._path(key)
        tmp = self.root / _TMP / f"{secrets.token_hex(8)}.part"
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            self._write(tmp, final, data)
        except OSError as exc:
            # A failed write leaves no `.part` behind (a full disk would keep them forever).
            tmp.unlink(missing_ok=True)
            full = exc.errno in _FULL_ERRNOS
            raise StorageFault(full, f"{os.strerror(exc.errno or 0) or exc} writing {key}") from exc

    @staticmethod
    def _write(tmp: Path, final: Path, data: bytes | BinaryIO) -> None:
        with open(tmp, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:  # streamed in chunks: an upload is never held in memory whole
                data.seek(0)
                shutil.copyfileobj(data, handle, COPY_CHUNK)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, final)
        directory = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def check(self) -> str:
        """ "full" below MIN_FREE_BYTES free, "down" when the directory cannot be written."""
        try:
            stats = os.statvfs(self.root / _TMP)
        except OSError:
            return "down"
        if not os.access(self.root / _TMP, os.W_OK):
            return "down"
        return "full" if stats.f_bavail * stats.f_frsize < MIN_FREE_BYTES else "ok"

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

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


class S3Storage:
    """Objects in one bucket of an S3-compatible service (AWS S3, MinIO, ...), through obstore.

    obstore (Rust object_store) was chosen by measurement over aioboto3 and the minio SDK
    (bench/S3_CLIENTS.md): least client CPU per request, no dependencies of its own. An S3 PUT
    is atomic (a reader sees the whole object or none), so no temp-file dance is needed; a crash
    between the PUT and the row's commit leaves an orphan object that the sweep removes like an
    orphan file. Public renditions (`media/`) are served by the backend's /media route (and nginx
    in front of it); originals are never served.
    """

    def __init__(
        self,
        bucket: str,
        endpoint: str = "",
        region: str = "us-east-1",
        access_key_id: str = "",
        secret_access_key: str = "",
    ) -> None:
        self.bucket = bucket
        self._store = S3Store(
            bucket,
            client_options={"allow_http": endpoint.startswith("http://")},
            region=region,
            endpoint=endpoint or None,
            access_key_id=access_key_id or None,
            secret_access_key=secret_access_key if access_key_id else None,
        )

    def put(self, key: str, data: bytes | BinaryIO) -> None:
        if not isinstance(data, bytes):
            data.seek(0)  # obstore reads a file in chunks (multipart upload when large)
        key = check_key(key)  # a bad key is the caller's ValueError, not a storage fault
        try:
            obstore.put(self._store, key, data)
        except Exception as exc:  # obstore's errors: no such bucket, refused, unreachable
            raise StorageFault(False, f"{type(exc).__name__} writing {key}: {exc}"[:300]) from exc

    def check(self) -> str:
        """ "down" when the bucket cannot be listed (missing, refused, unreachable)."""
        try:
            next(iter(obstore.list(self._store, prefix=PUBLIC_PREFIX + "/", chunk_size=1)), None)
        except Exception:  # any obstore error: the bucket is not usable
            return "down"
        return "ok"

    def get(self, key: str) -> bytes:
        return bytes(obstore.get(self._store, check_key(key)).bytes())

    def delete(self, key: str) -> None:
        obstore.delete(self._store, check_key(key))  # S3 DELETE of a missing key succeeds

    def exists(self, key: str) -> bool:
        try:
            obstore.head(self._store, check_key(key))
        except FileNotFoundError:
            return False
        return True

    def keys(self, older_than: float) -> Iterator[str]:
        for prefix in (PUBLIC_PREFIX, ORIGINALS_PREFIX):
            for batch in obstore.list(self._store, prefix=prefix + "/"):
                for meta in batch:
                    if meta["last_modified"].timestamp() < older_than:
                        yield meta["path"]

    def clear_temp(self, older_than: float) -> int:
        return 0  # no temp objects: a PUT is atomic


def delete_files(storage: Storage, keys: list[str]) -> None:
    """Delete each file, logging (not raising) a failure: the start-up sweep retries it."""
    for key in keys:
        try:
            storage.delete(key)
        except OSError:
            log.exception("could not delete %s; the start-up sweep will retry", key)
