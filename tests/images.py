"""Image bytes made in code for API tests (no binary fixtures)."""

import io
import random
import struct
import zlib

from PIL import Image

GPS_IFD = 0x8825


def unique_png(seed: int, size: tuple[int, int] = (64, 48)) -> bytes:
    """A small PNG that is a different picture for every seed (so each mints its own object:
    near copies are refused, services/near_duplicates.py): a grid of random tiles."""
    out = io.BytesIO()
    unique_picture(seed, size).save(out, "PNG")
    return out.getvalue()


def unique_picture(seed: int, size: tuple[int, int] = (64, 48)) -> Image.Image:
    rng = random.Random(seed)
    tiles = Image.new("RGB", (8, 6))
    tiles.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(48)])
    return tiles.resize(size, Image.Resampling.NEAREST)


def jpeg_of(img: Image.Image, quality: int = 70) -> bytes:
    out = io.BytesIO()
    img.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def jpeg_with_gps(size: tuple[int, int] = (640, 480)) -> bytes:
    img = Image.linear_gradient("L").resize(size).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "TestCam"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (55.0, 45.0, 0.0), 3: "E", 4: (37.0, 37.0, 0.0)})
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes(), quality=85)
    return out.getvalue()


def png_bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A few KB that claim width x height pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width + 1) * 16, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )
