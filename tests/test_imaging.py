"""Unit tests of app.media.imaging: pure functions, no database, no conftest fixtures.

Every test image is made here with Pillow; bombs are hand-built headers/streams.
"""

from __future__ import annotations

import contextlib
import io
import math
import pickle
import struct
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops, ImageCms, ImageDraw, ImageFilter, ImageStat

from app.core.errors import ERRORS
from app.media import imaging
from app.media.imaging import (
    CorruptImage,
    ImageRejected,
    ImageTooLarge,
    ProcessedImage,
    Rendition,
    UnsupportedImageType,
    process_image,
    sniff_mime,
)

GPS_IFD = 0x8825
ORIENTATION = 0x0112
SECRET_MAKE = "LeakyCam-7f3a"  # a marker that must never reach a rendition
BOMB_SECONDS = 1.0  # refusing from the header takes milliseconds; decoding would take ages

# ----------------------------------------------------------------------------- builders


def picture(size: tuple[int, int] = (800, 600), mode: str = "RGB") -> Image.Image:
    """Something photo-like: gradient + shapes + noise, so encoders do real work."""
    w, h = size
    img = Image.merge(
        "RGB",
        (
            Image.linear_gradient("L").resize(size),
            Image.radial_gradient("L").resize(size),
            Image.effect_noise(size, 60).convert("L"),
        ),
    )
    ImageDraw.Draw(img).ellipse((w // 4, h // 4, w // 2, h // 2), fill=(200, 30, 30))
    return img.convert(mode)


def gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = SECRET_MAKE
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {1: "N", 2: (55.0, 45.0, 21.0), 3: "E", 4: (37.0, 37.0, 4.0)}
    return exif


def encode(img: Image.Image, fmt: str, **params: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **params)
    return buf.getvalue()


def jpeg_with_gps(size: tuple[int, int] = (800, 600), orientation: int = 1) -> bytes:
    return encode(picture(size), "JPEG", quality=90, exif=gps_exif(orientation).tobytes())


def png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def png_bomb(width: int, height: int) -> bytes:
    """A fully valid 1-bit PNG of zeros: tens of KB on disk, hundreds of M pixels decoded."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    raw = bytes((1 + (width + 7) // 8) * height)
    idat = zlib.compress(raw, 9)
    chunks = png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def gif_bomb() -> bytes:
    """A real 1x1 GIF whose logical screen claims 65535x65535 (the classic GIF bomb)."""
    data = bytearray(encode(Image.new("P", (1, 1)), "GIF"))
    data[6:10] = struct.pack("<HH", 65535, 65535)
    return bytes(data)


def webp_bomb() -> bytes:
    """A lossless WebP whose VP8L header claims 16384x16384 (268 M pixels, WebP's maximum)."""
    data = bytearray(encode(Image.new("RGB", (16, 16), "red"), "WEBP", lossless=True))
    at = data.index(b"VP8L") + 8  # chunk tag, 4-byte size, then the 0x2f signature
    assert data[at] == 0x2F
    bits = struct.unpack("<I", data[at + 1 : at + 5])[0]
    bits = (bits & ~0x0FFFFFFF) | (16383 << 14) | 16383  # 14-bit width-1 and height-1
    data[at + 1 : at + 5] = struct.pack("<I", bits)
    return bytes(data)


def jpeg_bomb() -> bytes:
    """A JPEG whose SOF header claims 65000x65000."""
    data = bytearray(encode(picture((16, 16)), "JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 65000, 65000)
    return bytes(data)


def webp_chunks(webp: bytes) -> list[tuple[bytes, bytes]]:
    """The RIFF chunks of a WebP file: (fourcc, payload)."""
    assert webp.startswith(b"RIFF") and webp[8:12] == b"WEBP"
    chunks, at = [], 12
    while at < len(webp):
        fourcc, size = webp[at : at + 4], int.from_bytes(webp[at + 4 : at + 8], "little")
        chunks.append((fourcc, webp[at + 8 : at + 8 + size]))
        at += 8 + size + (size & 1)  # chunks are padded to an even size
    return chunks


def assert_metadata_free(webp: bytes) -> None:
    # Metadata lives in its own chunks (EXIF, XMP, ICCP), announced by VP8X flags. Checking the
    # chunk structure, not searching the bytes for "GPS" or "Exif": compressed pixels of a noisy
    # test image contain such short byte strings by chance now and then.
    chunks = webp_chunks(webp)
    assert {fourcc for fourcc, _ in chunks} <= {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}, chunks
    for fourcc, payload in chunks:
        if fourcc == b"VP8X":
            assert payload[0] & 0b0010_1100 == 0  # ICC (0x20), EXIF (0x08), XMP (0x04) flags
    assert SECRET_MAKE.encode() not in webp
    with Image.open(io.BytesIO(webp)) as img:
        assert img.format == "WEBP"
        assert len(img.getexif()) == 0
        assert not {"exif", "xmp", "icc_profile"} & set(img.info)


def renditions(result: ProcessedImage) -> dict[str, tuple[int, int]]:
    return {r.name: (r.width, r.height) for r in result.renditions}


# ----------------------------------------------------------------------------- sniffing


@pytest.mark.parametrize(
    ("head", "mime"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"GIF87a\x01\x00", "image/gif"),
        (b"GIF89a\x01\x00", "image/gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", None),
        (b"<svg xmlns='http://www.w3.org/2000/svg'>", None),
        (b"<!DOCTYPE html><html>", None),
        (b"BM\x00\x00", None),
        (b"", None),
    ],
)
def test_sniff_mime(head: bytes, mime: str | None) -> None:
    assert sniff_mime(head) == mime


# ----------------------------------------------------------------------------- happy paths


def test_jpeg_with_gps_gives_metadata_free_webp_renditions() -> None:
    source = jpeg_with_gps((2000, 1500))
    assert b"Exif" in source and SECRET_MAKE.encode() in source  # the test is meaningful

    result = process_image(source)

    assert (result.mime, result.width, result.height) == ("image/jpeg", 2000, 1500)
    assert renditions(result) == {
        "thumb": (320, 240),
        "thumb_2x": (640, 480),
        "preview": (1440, 1080),
    }
    for rendition in result.renditions:
        assert_metadata_free(rendition.data)
        with Image.open(io.BytesIO(rendition.data)) as img:
            assert img.size == (rendition.width, rendition.height)


def test_placeholder_is_a_blurhash_and_colour_is_hex() -> None:
    result = process_image(encode(Image.new("RGB", (300, 200), (200, 30, 30)), "PNG"))
    # size flag + max AC + 4-char DC + 2 chars per AC component; 'L' encodes 4x3.
    assert len(result.placeholder) == 6 + 2 * (4 * 3 - 1)
    assert result.placeholder[0] == "L"
    assert result.dominant_color == "#c81e1e"


def test_exif_orientation_6_is_applied() -> None:
    # Stored landscape, left half red and right half blue; orientation 6 = rotate 90° CW,
    # so it displays as portrait with red on top.
    stored = Image.new("RGB", (400, 200), "blue")
    ImageDraw.Draw(stored).rectangle((0, 0, 199, 199), fill="red")
    source = encode(stored, "JPEG", quality=95, exif=gps_exif(orientation=6).tobytes())

    result = process_image(source, thumb_size=100, thumb_2x_size=200)

    assert (result.width, result.height) == (200, 400)
    assert renditions(result) == {"thumb": (50, 100), "thumb_2x": (100, 200), "preview": (200, 400)}
    preview = next(r for r in result.renditions if r.name == "preview")
    with Image.open(io.BytesIO(preview.data)) as img:
        top, bottom = img.convert("RGB").getpixel((100, 50)), img.getpixel((100, 350))
    assert top[0] > 200 and top[2] < 60, top
    assert bottom[2] > 200 and bottom[0] < 60, bottom


@pytest.mark.parametrize(
    ("fmt", "mode", "params", "mime"),
    [
        ("PNG", "RGB", {}, "image/png"),
        ("PNG", "RGBA", {}, "image/png"),
        ("PNG", "P", {}, "image/png"),
        ("PNG", "L", {}, "image/png"),
        ("PNG", "I;16", {}, "image/png"),
        ("PNG", "1", {}, "image/png"),
        ("GIF", "P", {}, "image/gif"),
        ("WEBP", "RGB", {"quality": 80}, "image/webp"),
        ("WEBP", "RGBA", {"lossless": True}, "image/webp"),
        ("JPEG", "L", {}, "image/jpeg"),
        ("JPEG", "CMYK", {}, "image/jpeg"),
    ],
)
def test_formats_and_modes_are_accepted(
    fmt: str, mode: str, params: dict[str, object], mime: str
) -> None:
    result = process_image(encode(picture((640, 480), mode), fmt, **params))

    assert (result.mime, result.width, result.height) == (mime, 640, 480)
    assert renditions(result) == {
        "thumb": (320, 240),
        "thumb_2x": (640, 480),
        "preview": (640, 480),
    }
    for rendition in result.renditions:
        assert_metadata_free(rendition.data)


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_animated_images_use_the_first_frame(fmt: str) -> None:
    frames = [Image.new("RGB", (200, 100), colour) for colour in ("red", "lime", "blue")]
    source = encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100)

    result = process_image(source)

    assert (result.width, result.height) == (200, 100)
    with Image.open(io.BytesIO(result.renditions[0].data)) as img:
        assert getattr(img, "n_frames", 1) == 1
        red, green, _blue = img.convert("RGB").getpixel((50, 25))
    assert red > 200 and green < 60


SRGB_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


@pytest.mark.parametrize(
    ("mode", "icc"),
    [
        ("RGB", SRGB_ICC),
        ("L", SRGB_ICC),  # RGB profile on a greyscale image: mismatch, falls back
        ("RGB", b"not an icc profile at all"),
    ],
    ids=["srgb", "mismatched", "garbage"],
)
def test_icc_profile_is_not_carried_into_renditions(mode: str, icc: bytes) -> None:
    source = encode(picture(mode=mode), "JPEG", icc_profile=icc)
    assert b"ICC_PROFILE" in source

    result = process_image(source)

    assert (result.width, result.height) == (800, 600)
    for rendition in result.renditions:
        assert_metadata_free(rendition.data)


def test_small_image_is_not_upscaled() -> None:
    result = process_image(encode(picture((50, 40)), "PNG"))

    assert (result.width, result.height) == (50, 40)
    assert renditions(result) == {"thumb": (50, 40), "thumb_2x": (50, 40), "preview": (50, 40)}


def test_path_input_is_read_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "upload.bin"  # the name is irrelevant: type comes from the bytes
    path.write_bytes(jpeg_with_gps())

    assert process_image(path).mime == "image/jpeg"
    assert process_image(str(path)).width == 800


def test_polyglot_png_with_script_is_processed_without_the_script() -> None:
    script = b"<script>alert(document.cookie)</script>"
    source = encode(picture((300, 200)), "PNG") + script

    result = process_image(source)

    assert result.mime == "image/png"
    for rendition in result.renditions:
        assert script not in rendition.data and b"<script" not in rendition.data
        assert_metadata_free(rendition.data)


def test_is_safe_to_call_from_a_thread_pool() -> None:
    sources = [jpeg_with_gps((900, 600)), encode(picture(), "PNG"), jpeg_with_gps()] * 3
    expected = [process_image(s) for s in sources]

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(process_image, sources))

    assert results == expected


# ----------------------------------------------------------------------------- rejections


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"just some text, definitely a photo\n",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>",
        b"%PDF-1.7\n",
        b"BM" + bytes(60),
    ],
    ids=["empty", "text", "svg", "svg-xml", "html", "pdf", "bmp"],
)
def test_non_images_are_unsupported(content: bytes) -> None:
    with pytest.raises(UnsupportedImageType) as caught:
        process_image(content)
    assert ERRORS[caught.value.code].status == 415
    assert caught.value.reason


def test_text_file_named_jpg_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "holiday.jpg"
    path.write_text("I am not a JPEG")

    with pytest.raises(UnsupportedImageType):
        process_image(path)


@pytest.mark.parametrize(
    "content",
    [
        jpeg_with_gps()[:2000],
        jpeg_with_gps()[:-5000],
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
        encode(picture(), "PNG")[:3000],
        b"GIF89a" + b"\xff" * 100,
        b"RIFF\x00\x01\x00\x00WEBPVP8 " + b"\x00" * 64,
        b"\xff\xd8\xff",
    ],
    ids=["jpeg-head", "jpeg-tail", "png-random", "png-cut", "gif-junk", "webp-junk", "soi"],
)
def test_truncated_or_corrupt_images_are_corrupt(content: bytes) -> None:
    with pytest.raises(CorruptImage) as caught:
        process_image(content)
    assert ERRORS[caught.value.code].status == 422


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP"])
@pytest.mark.parametrize("keep", [0.1, 0.3, 0.5, 0.7, 0.9, 0.99])
def test_any_truncation_is_processed_or_rejected_never_crashes(fmt: str, keep: float) -> None:
    whole = encode(picture((320, 240)), fmt)
    # Only our own rejections may escape; an OSError, SyntaxError, ... fails the test.
    with contextlib.suppress(ImageRejected):
        process_image(whole[: int(len(whole) * keep)])


@pytest.mark.parametrize(
    "build",
    [
        lambda: png_bomb(20_000, 20_000),  # 400 M pixels in ~50 KB
        gif_bomb,
        webp_bomb,
        jpeg_bomb,
        lambda: png_bomb(8000, 6000),  # 48 M: below Pillow's own cap, caught by ours
    ],
    ids=["png", "gif", "webp", "jpeg", "png-over-max-pixels"],
)
def test_decompression_bombs_are_refused_fast(build: Callable[[], bytes]) -> None:
    source = build()
    assert len(source) < 100_000

    started = time.perf_counter()
    with pytest.raises(ImageTooLarge) as caught:
        process_image(source)

    assert time.perf_counter() - started < BOMB_SECONDS
    assert ERRORS[caught.value.code].status == 422
    assert caught.value.reason == "image has too many pixels"


def test_max_pixels_is_configurable() -> None:
    source = encode(picture((200, 100)), "PNG")

    with pytest.raises(ImageTooLarge):
        process_image(source, max_pixels=19_999)
    assert process_image(source, max_pixels=20_000).width == 200


def test_results_and_errors_survive_a_process_pool_round_trip() -> None:
    # ProcessPoolExecutor pickles both the return value and any raised exception.
    result = process_image(encode(picture((64, 48)), "PNG"))
    assert pickle.loads(pickle.dumps(result)) == result

    error = pickle.loads(pickle.dumps(CorruptImage("image file is corrupt or truncated")))
    assert isinstance(error, CorruptImage)
    assert (ERRORS[error.code].status, error.reason) == (422, "image file is corrupt or truncated")


# ----------------------------------------------------------------------------- renditions (issue 15)
# The renditions are made fast (1/2-scale JPEG draft, BILINEAR, the preview resized in two
# halves on two threads, its encode beside the thumbnails'); these prove that none of it shows.

# EXIF orientation -> the transpose that turns the displayed image back into the stored one.
TO_STORED = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def psnr(a: Image.Image, b: Image.Image) -> float:
    diff = ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB")))
    mse = sum(diff.sum2) / (a.width * a.height * 3)
    return 10 * math.log10(255**2 / mse) if mse else 99.0


def decoded(rendition: Rendition) -> Image.Image:
    with Image.open(io.BytesIO(rendition.data)) as img:
        return img.convert("RGB")


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_gives_upright_renditions_of_the_right_shape(orientation: int) -> None:
    # Displayed: 3000x1500, red top-left quadrant, blue bottom-right, on grey. Large enough
    # for the draft decode and the two-thread resize.
    shown = Image.new("RGB", (3000, 1500), (128, 128, 128))
    ImageDraw.Draw(shown).rectangle((0, 0, 1499, 749), fill=(220, 20, 20))
    ImageDraw.Draw(shown).rectangle((1500, 750, 2999, 1499), fill=(20, 20, 220))
    undo = TO_STORED[orientation]
    stored = shown.transpose(undo) if undo is not None else shown
    source = encode(stored, "JPEG", quality=90, exif=gps_exif(orientation).tobytes())

    result = process_image(source)

    assert (result.width, result.height) == (3000, 1500)
    assert renditions(result) == {
        "thumb": (320, 160),
        "thumb_2x": (640, 320),
        "preview": (1440, 720),
    }
    for rendition in result.renditions:
        img = decoded(rendition)
        w, h = img.size
        top_left, bottom_right = (
            img.getpixel((w // 4, h // 4)),
            img.getpixel((3 * w // 4, 3 * h // 4)),
        )
        assert top_left[0] > 180 and top_left[2] < 70, (rendition.name, top_left)
        assert bottom_right[2] > 180 and bottom_right[0] < 70, (rendition.name, bottom_right)
        assert_metadata_free(rendition.data)


@pytest.mark.parametrize("size", [(4000, 100), (100, 4000), (2999, 1999), (1441, 1081)])
def test_extreme_and_odd_aspect_ratios_keep_their_shape(size: tuple[int, int]) -> None:
    result = process_image(encode(picture(size), "JPEG", quality=85))

    width, height = size
    for rendition in result.renditions:
        box = {"thumb": 320, "thumb_2x": 640, "preview": 1440}[rendition.name]
        assert max(rendition.width, rendition.height) == box
        assert min(rendition.width, rendition.height) >= 1
        # The aspect ratio is kept to within the rounding of the short side.
        assert abs(rendition.width / rendition.height - width / height) <= width / height / min(
            rendition.width, rendition.height
        )
        assert decoded(rendition).size == (rendition.width, rendition.height)


def sharp_picture(size: tuple[int, int]) -> Image.Image:
    """Thin lines and rings on gradients, no noise: where a soft filter or a seam shows (the
    noisy `picture` hides filter differences under noise the WebP encode removes anyway)."""
    w, h = size
    grad = Image.linear_gradient("L")
    img = Image.merge(
        "RGB",
        (grad.resize(size), Image.radial_gradient("L").resize(size), grad.rotate(90).resize(size)),
    )
    draw = ImageDraw.Draw(img)
    for x in range(0, w, 23):
        draw.line((x, 0, x + h // 3, h), fill=(255, 255, 255), width=3)
    for r in range(10, min(w, h) // 2, 17):
        draw.ellipse((w // 2 - r, h // 2 - r, w // 2 + r, h // 2 + r), outline=(0, 0, 0), width=2)
    return img.filter(ImageFilter.GaussianBlur(1.2))


def test_preview_is_as_good_as_a_full_quality_lanczos_resize() -> None:
    # The reference: full-size decode, one LANCZOS straight to 1440 (what the fast path - 1/2
    # scale draft, two halves on two threads - replaces). On this sharp picture the preview is
    # ~0.1 dB below the reference's own WebP encode; BILINEAR would be ~2.7 dB below, NEAREST
    # ~4.8, and a seam between the halves or a wrong draft scale would show as well.
    source = encode(sharp_picture((3200, 2400)), "JPEG", quality=92)
    with Image.open(io.BytesIO(source)) as img:
        reference = img.convert("RGB").resize((1440, 1080), Image.Resampling.LANCZOS)
    ceiling = psnr(decoded_webp(reference), reference)  # the WebP encode's own loss

    preview = next(r for r in process_image(source).renditions if r.name == "preview")

    assert psnr(decoded(preview), reference) > ceiling - 1.0


def decoded_webp(img: Image.Image) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, "WEBP", quality=80, method=2)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def test_thumbnails_are_the_preview_made_smaller() -> None:
    # Made from the preview in the same pass, so they agree with it (same crop, orientation,
    # colours): resizing the served preview gives nearly the same picture as each thumbnail.
    result = process_image(jpeg_with_gps((3000, 2000), orientation=8))
    preview = decoded(next(r for r in result.renditions if r.name == "preview"))
    assert preview.size == (960, 1440)  # orientation 8: stored landscape, shown portrait

    for rendition in result.renditions:
        if rendition.name != "preview":
            again = preview.resize((rendition.width, rendition.height), Image.Resampling.LANCZOS)
            assert psnr(decoded(rendition), again) > 30, rendition.name


def test_preview_resized_in_two_halves_equals_one_resize() -> None:
    source = picture((2000, 1500))

    halves = imaging._resize_in_halves(source, (1440, 1080))

    whole = source.resize((1440, 1080), imaging.PREVIEW_RESAMPLE)
    assert ImageChops.difference(halves, whole).getbbox() is None


def _renditions_in_child(source: bytes, results: Any) -> None:
    results.put([(r.name, r.width, r.height) for r in process_image(source).renditions])


def test_a_forked_child_gets_helper_threads_of_its_own() -> None:
    # process_image hands work to a helper pool; a fork copies the pool but not its threads.
    # Without a fresh pool in the child, the child's first call would wait forever.
    import multiprocessing

    source = jpeg_with_gps((2000, 1500))
    expected = [(r.name, r.width, r.height) for r in process_image(source).renditions]
    context = multiprocessing.get_context("fork")  # after the parent's helper threads exist
    results = context.Queue()
    child = context.Process(target=_renditions_in_child, args=(source, results))
    child.start()
    try:
        # The timeout only turns a deadlock into a failure; the call takes well under a second.
        assert results.get(timeout=120) == expected
    finally:
        child.kill()
        child.join()


def test_every_accepted_format_has_a_decode_budget_per_pixel() -> None:
    # A format without one would fail every upload of it (issue 19's budget meets issue 20's HEIC).
    from app.media.imaging import DECODE_BYTES_PER_PIXEL, PIL_FORMATS

    assert set(PIL_FORMATS.values()) <= set(DECODE_BYTES_PER_PIXEL)
