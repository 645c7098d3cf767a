"""Image processing for uploads: sniff, refuse bombs, make stripped WebP renditions.

Pure and synchronous: the upload service runs ``process_image`` in a thread or process pool.
Pillow was chosen over pyvips by measurement (bench/IMAGING.md, again in issue 15 with the
cheaper preview encode): latency is a tie on 12 MP JPEGs (thanks to JPEG draft mode), peak
memory is lower, and it is one dependency fewer.

Thread safety: nothing here mutates module or Pillow globals (Image.MAX_IMAGE_PIXELS and
ImageFile.LOAD_TRUNCATED_IMAGES are left at their safe defaults); every call owns its images.
A call hands up to three jobs to a small shared helper pool (half the preview resize, the two
large encodes) and returns only after they have ended.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import blurhash
import pillow_heif
from PIL import Image, ImageCms

from app.core.errors import ErrorCode
from app.media import perceptual

# HEIC/HEIF (iPhone photos) decode through libheif's Pillow plugin, registered once here at
# import (the only Pillow global this module touches; before any pool thread runs). libheif
# applies the container's rotation itself and reports EXIF orientation 1, so _orientation never
# turns a HEIC twice. AVIF is Pillow's own plugin (libavif, built into the wheel).
pillow_heif.register_heif_opener()

T = TypeVar("T")

# Bytes, a path, or an open binary file (an upload's spooled temp file: never read whole).
ImageSource = bytes | bytearray | memoryview | str | os.PathLike[str] | BinaryIO

SNIFF_BYTES = 12  # longest signatures we need: RIFF....WEBP and ....ftypheic
WEBP_QUALITY = 80
# libwebp effort 0-6, chosen by bench/IMAGING.md's size/speed table. The 1440 px preview is
# the costliest encode of an upload: method 2 takes about a third of method 4's time for
# ~5 % more bytes. The thumbnails are what the gallery grid downloads most, so they keep
# libwebp's default 4 for the smaller files; their encodes run beside the preview's (see
# _process), so the upload does not wait for them.
WEBP_METHOD = 4
PREVIEW_WEBP_METHOD = 2
# Resampling filters, chosen by bench/IMAGING.md's time + PSNR table (each step against a
# full-size decode resized straight to its size with LANCZOS). On noisy photos every filter
# ties once WebP-encoded, but on sharp detail (lines, text) BILINEAR loses 2.6 dB and BICUBIC
# 0.7 dB of the preview, so the preview and the 640 px keep LANCZOS, paid for by resizing the
# preview on two threads (_resize_in_halves). 640 → 320: BICUBIC is within 0.1 dB of LANCZOS.
PREVIEW_RESAMPLE = Image.Resampling.LANCZOS
THUMB_2X_RESAMPLE = Image.Resampling.LANCZOS
THUMB_RESAMPLE = Image.Resampling.BICUBIC
REDUCING_GAP = 3.0
HELPER_THREADS = os.cpu_count() or 2
SPLIT_MIN_ROWS = 256  # below this a second thread costs more than half a resize saves
PLACEHOLDER_BOX = 32  # blurhash only needs a few dozen pixels; keeps the encode ~1 ms
BLURHASH_COMPONENTS = (4, 3)
PLACEHOLDER_BACKGROUND = (255, 255, 255)  # transparent areas are shown on a light page

# Pillow format names for each MIME we accept; also used to pin Image.open to one plugin so
# a file can never be parsed by a format other than the one its magic bytes claim.
PIL_FORMATS: dict[str, str] = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
    "image/heic": "HEIF",
    "image/heif": "HEIF",
    "image/avif": "AVIF",
}
# ISO base media files (HEIF, AVIF) name their kind by the major brand of the leading `ftyp` box.
FTYP_BRANDS: dict[bytes, str] = {
    **dict.fromkeys((b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"), "image/heic"),
    **dict.fromkeys((b"mif1", b"msf1"), "image/heif"),
    **dict.fromkeys((b"avif", b"avis"), "image/avif"),
}
ACCEPTED = "a JPEG, PNG, GIF, WebP, HEIC/HEIF or AVIF image"

# EXIF orientation -> transpose that makes the image upright (same table as ImageOps).
ORIENTATION_TRANSPOSE: dict[int, Image.Transpose] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
EXIF_ORIENTATION_TAG = 0x0112
# Peak memory of one call per decoded pixel (issue 19, N3), measured with ru_maxrss on the
# worst inputs of each format (bench/ATTACKS.md, N3): a lossless RGBA WebP 21.8 bytes a pixel,
# RGB WebP 16.2, transparent palette PNG/GIF 14.6, RGBA PNG 13.3 (the decoded image, its
# RGB(A) conversion and the reduced copy at once); a JPEG decoded in draft mode ~14 per pixel
# of the draft. Counted from the header, before any pixel is decoded. HEIF and AVIF (libheif,
# libavif) are not measured yet: they count as the worst measured format, WebP's 24.
DECODE_BYTES_PER_PIXEL = {"JPEG": 17, "PNG": 17, "GIF": 17, "WEBP": 24, "HEIF": 24, "AVIF": 24}


class DecodeBudget:
    """Decoded bytes that the image work of one process may hold at once, shared by every
    thread that calls ``process_image`` with it: a call waits (in its pool thread, never on the
    event loop) until its estimate fits, and an image whose estimate alone is larger than the
    whole budget is refused (``ImageTooLarge``). So concurrent decodes cannot exceed it,
    whatever the formats; the worker's memory ceiling is its baseline plus this budget
    (docs/operations.md)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.free = capacity
        self._changed = threading.Condition()

    @contextmanager
    def hold(self, nbytes: int) -> Iterator[None]:
        if nbytes > self.capacity:
            raise ImageTooLarge("image is too large to decode (too many pixels for its format)")
        with self._changed:
            self._changed.wait_for(lambda: self.free >= nbytes)
            self.free -= nbytes
        try:
            yield
        finally:
            with self._changed:
                self.free += nbytes
                self._changed.notify_all()


# --------------------------------------------------------------------------- errors


class ImageRejected(Exception):
    """An upload we refuse: ``code`` and ``fields`` become the HTTP error (core/errors.py has
    the code's status and message)."""

    code: ErrorCode = ErrorCode.image_corrupt

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    @property
    def fields(self) -> dict[str, Any]:
        return {"reason": self.reason}


class UnsupportedImageType(ImageRejected):
    """The bytes are not an image type we accept (whatever the file name or header says)."""

    code = ErrorCode.unsupported_media_type

    @property
    def fields(self) -> dict[str, Any]:
        return {"accepted": ACCEPTED}


class ImageTooLarge(ImageRejected):
    """Too many pixels (decompression bomb). 422, not 413: 413 is the byte cap, which the
    upload service enforces before the body is read."""

    code = ErrorCode.image_too_large


class CorruptImage(ImageRejected):
    """Right magic bytes, but the file is truncated or undecodable."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Rendition:
    name: str  # 'thumb' | 'thumb_2x' | 'preview'
    data: bytes  # WebP, no EXIF/XMP/ICC
    width: int
    height: int


@dataclass(frozen=True)
class ProcessedImage:
    mime: str
    width: int  # full size, after EXIF orientation
    height: int
    renditions: list[Rendition] = field(default_factory=list)
    placeholder: str = ""  # blurhash
    dominant_color: str = "#000000"
    hashes: list[int] = field(default_factory=list)  # perceptual.hash_views of the thumbnail

    def rendition(self, name: str) -> Rendition:
        return next(r for r in self.renditions if r.name == name)


# --------------------------------------------------------------------------- sniffing


def sniff_mime(head: bytes) -> str | None:
    """MIME type from magic bytes only; ``None`` for anything we do not accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(head) >= 12 and head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return FTYP_BRANDS.get(head[8:12])
    return None


# --------------------------------------------------------------------------- entry point


def process_image(
    path_or_bytes: ImageSource,
    *,
    max_pixels: int = 40_000_000,
    thumb_size: int = 320,
    thumb_2x_size: int = 640,
    preview_size: int = 1440,
    budget: DecodeBudget | None = None,
) -> ProcessedImage:
    """Validate an uploaded image and derive its renditions, placeholder and colour.

    Raises only ``ImageRejected`` subclasses for bad input. Animated GIF/WebP: only the
    first frame is decoded and checked (renditions are stills), so work is bounded by
    ``max_pixels`` however many frames the file has. With ``budget`` the decode first waits
    for its estimated bytes in that shared budget (``DecodeBudget``).
    """
    budget = budget or DecodeBudget(1 << 62)
    with _open_source(path_or_bytes) as stream:
        mime = sniff_mime(stream.read(SNIFF_BYTES))
        if mime is None:
            raise UnsupportedImageType(f"file is not {ACCEPTED}")
        stream.seek(0)
        try:
            sizes = (thumb_size, thumb_2x_size, preview_size)
            return _process(stream, mime, max_pixels, sizes, budget)
        except ImageRejected:
            raise
        except Image.DecompressionBombError as exc:  # Pillow's own hard cap (~179 MP)
            raise ImageTooLarge("image has too many pixels") from exc
        except MemoryError as exc:
            raise ImageTooLarge("image is too large to process") from exc
        # The boundary: OSError, SyntaxError, ValueError, struct.error, EOFError,
        # zlib.error... from any decoder all mean "cannot decode this file".
        except Exception as exc:
            raise CorruptImage("image file is corrupt or truncated") from exc


def placeholder_of(rendition: bytes, max_pixels: int = 4_000_000) -> tuple[str, str]:
    """Blurhash and dominant colour of a stored rendition (our own WebP thumbnail): for images
    minted without them (seeds/mint_objects.sql), filled in by services/maintenance.py."""
    try:
        with Image.open(io.BytesIO(rendition)) as img:
            _check_pixels(img.width, img.height, max_pixels)
            img.draft("RGB", (PLACEHOLDER_BOX, PLACEHOLDER_BOX))
            tiny = _normalise_mode(img).resize(
                _fit(img.width, img.height, PLACEHOLDER_BOX), Image.Resampling.BOX
            )
        return _placeholder(tiny)
    except ImageRejected:
        raise
    except Exception as exc:  # any decoder error: not an image we can read
        raise CorruptImage("rendition file is corrupt or truncated") from exc


@contextmanager
def _open_source(source: ImageSource) -> Iterator[BinaryIO]:
    if isinstance(source, bytes | bytearray | memoryview):
        yield io.BytesIO(source)
    elif isinstance(source, str | os.PathLike):
        # A path is opened lazily: Pillow reads only the header until pixels are needed.
        with Path(source).open("rb") as handle:
            yield handle
    else:
        source.seek(0)  # the caller's file: read from the start, left open
        yield source


def _process(
    stream: BinaryIO, mime: str, max_pixels: int, sizes: tuple[int, int, int], budget: DecodeBudget
) -> ProcessedImage:
    with Image.open(stream, formats=[PIL_FORMATS[mime]]) as img:
        _check_pixels(*img.size, max_pixels)
        # JPEG only: libjpeg decodes at 1/2..1/8 scale when asked (see below), so its decoded
        # size is the draft's; other formats decode whole. Measured before any pixel is read.
        # Asked for at least the preview box in both directions, so never a smaller scale than
        # the decode below picks (whatever the orientation): the estimate is never short.
        img.draft(None, (min(img.width, sizes[2]), min(img.height, sizes[2])))
        cost = img.size[0] * img.size[1] * DECODE_BYTES_PER_PIXEL[PIL_FORMATS[mime]]
    stream.seek(0)
    with budget.hold(cost):
        return _decode_and_encode(stream, mime, max_pixels, sizes)


def _decode_and_encode(
    stream: BinaryIO, mime: str, max_pixels: int, sizes: tuple[int, int, int]
) -> ProcessedImage:
    thumb_size, thumb_2x_size, preview_size = sizes
    with Image.open(stream, formats=[PIL_FORMATS[mime]]) as img:
        stored_w, stored_h = img.size  # from the header; no pixels decoded yet
        _check_pixels(stored_w, stored_h, max_pixels)
        orientation = _orientation(img)
        transpose = ORIENTATION_TRANSPOSE.get(orientation)
        swapped = orientation in (5, 6, 7, 8)
        width, height = (stored_h, stored_w) if swapped else (stored_w, stored_h)
        preview_w, preview_h = _fit(width, height, preview_size)
        stored_target = (preview_h, preview_w) if swapped else (preview_w, preview_h)
        # JPEG only: let libjpeg decode at 1/2..1/8 scale (never below the target), which
        # is most of the speed-up over a full 12 MP decode. A no-op for other formats.
        img.draft(None, stored_target)
        icc = img.info.get("icc_profile")
        # Resize inside the block: closing a Pillow image frees its pixels.
        preview = _resize_in_halves(_normalise_mode(img), stored_target)
    if transpose is not None:
        preview = preview.transpose(transpose)
    preview = _to_srgb(preview, icc)
    preview.info = {}  # before the threads below share it (read-only)
    # The two large encodes run on helper threads (_HELPERS) while this one makes the 320 px
    # thumbnail and the placeholder: Pillow releases the GIL in resize and WebP encode, so on
    # two cores the renditions take about half their summed CPU time. Each size is made from
    # the next larger one, in the same pass: 1440 → 640 → 320.
    encodes = [_in_thread(_rendition, "preview", preview, PREVIEW_WEBP_METHOD)]
    try:
        thumb_2x = preview.resize(_fit(preview_w, preview_h, thumb_2x_size), THUMB_2X_RESAMPLE)
        encodes.append(_in_thread(_rendition, "thumb_2x", thumb_2x))
        thumb = thumb_2x.resize(_fit(preview_w, preview_h, thumb_size), THUMB_RESAMPLE)
        thumb_rendition = _rendition("thumb", thumb)
        tiny = thumb.resize(_fit(*thumb.size, PLACEHOLDER_BOX), Image.Resampling.BOX)
        placeholder, colour = _placeholder(tiny)
        hashes = perceptual.hash_views(thumb)
    finally:
        wait(encodes)  # never leave while another thread still reads one of these images
    preview_rendition, thumb_2x_rendition = (encode.result() for encode in encodes)
    return ProcessedImage(
        mime=mime,
        width=width,
        height=height,
        renditions=[thumb_rendition, thumb_2x_rendition, preview_rendition],
        placeholder=placeholder,
        dominant_color=colour,
        hashes=hashes,
    )


def _resize_in_halves(img: Image.Image, size: tuple[int, int]) -> Image.Image:
    """``img.resize(size, PREVIEW_RESAMPLE)``, top and bottom halves on two threads.

    Resizing a ``box`` of the source to a band of the output gives the very same pixels as
    the whole resize (the filter weights are computed against the whole image), so the two
    halves pasted together equal one call; each takes half the time. A much larger source
    (PNG/WebP, which have no draft mode) is first cut down by an integer ``reduce()``, as
    ``reducing_gap`` would.
    """
    factor = int(min(img.width / size[0], img.height / size[1]) / REDUCING_GAP)
    source = img.reduce(factor) if factor > 1 else img
    source.load()  # decode here, once: both halves then only read the pixels
    width, height = source.size
    if size[1] < SPLIT_MIN_ROWS:
        return source.resize(size, PREVIEW_RESAMPLE)
    rows = size[1] // 2
    split = height * rows / size[1]  # the source row where output row `rows` begins
    top = _in_thread(source.resize, (size[0], rows), PREVIEW_RESAMPLE, (0, 0, width, split))
    try:
        bottom = source.resize(
            (size[0], size[1] - rows), PREVIEW_RESAMPLE, (0, split, width, height)
        )
    finally:
        upper = top.result()
    whole = Image.new(source.mode, size)
    whole.paste(upper, (0, 0))
    whole.paste(bottom, (0, rows))
    return whole


def _in_thread(fn: Callable[..., T], *args: object) -> Future[T]:
    """Run ``fn`` on the helper pool (see _HELPERS)."""
    return _HELPERS.submit(fn, *args)


def _new_helpers() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=HELPER_THREADS, thread_name_prefix="imaging-helper")


def _renew_helpers_after_fork() -> None:
    global _HELPERS  # a forked child has none of the parent's threads: a pool of its own
    _HELPERS = _new_helpers()


# Half the preview's resize and the two large encodes run here, beside the caller. A few
# long-lived threads rather than one per call: glibc gives each thread that allocates its own
# heap arena, and the arenas of short-lived threads kept their image buffers after they were
# freed: peak RSS under 40 parallel 9 MiB uploads was 364 MiB with a thread per call, 230 MiB
# with this pool (213-220 MiB before any helper thread; bench/RESULTS.md).
# Jobs here never wait for other jobs, so callers blocked on them cannot deadlock the pool.
_HELPERS = _new_helpers()
os.register_at_fork(after_in_child=_renew_helpers_after_fork)


def _check_pixels(width: int, height: int, max_pixels: int) -> None:
    if width <= 0 or height <= 0:
        raise CorruptImage("image has no pixels")
    if width * height > max_pixels:
        raise ImageTooLarge("image has too many pixels")


def _orientation(img: Image.Image) -> int:
    # Broken EXIF must not sink an otherwise good photo: fall back to "as stored".
    try:
        value = img.getexif().get(EXIF_ORIENTATION_TAG, 1)
    except Exception:  # any EXIF parse error means "unknown orientation"
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _fit(width: int, height: int, box: int) -> tuple[int, int]:
    """Largest size within ``box`` x ``box`` keeping the aspect ratio; never upscales."""
    scale = min(1.0, box / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _normalise_mode(img: Image.Image) -> Image.Image:
    """Convert to a mode LANCZOS resizes well and an ICC transform understands.

    Keeps L/CMYK (their ICC profiles are grey/CMYK) and alpha; palette images are expanded
    because Pillow resizes 'P' with nearest-neighbour only.
    """
    mode = img.mode
    if mode in ("L", "LA", "RGB", "RGBA", "CMYK"):
        return img
    if mode.startswith("I"):  # 16-bit greyscale PNG: scale 0..65535 down, do not clip
        return img.point(lambda value: value / 256).convert("L")
    if mode == "1":
        return img.convert("L")
    has_alpha = mode in ("PA", "RGBa", "La") or "transparency" in img.info
    return img.convert("RGBA" if has_alpha else "RGB")


def _to_srgb(img: Image.Image, icc: bytes | None) -> Image.Image:
    """RGB(A) in sRGB. Renditions carry no ICC profile, so pixels must already be sRGB;
    otherwise wide-gamut (Display P3, Adobe RGB) photos would look washed out."""
    alpha = img.getchannel("A") if img.mode in ("LA", "RGBA") else None
    colour = img.convert({"LA": "L", "RGBA": "RGB"}[img.mode]) if alpha else img
    colour = _apply_icc(colour, icc) if icc else colour.convert("RGB")
    if alpha is not None:
        colour.putalpha(alpha)
    return colour


def _apply_icc(img: Image.Image, icc: bytes) -> Image.Image:
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if img.mode == "RGB" and _is_srgb(source):
            return img  # the common case; a transform would cost ~50 ms per preview for nothing
        converted = ImageCms.profileToProfile(
            img, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        # A bogus or mismatched profile (e.g. RGB profile on a greyscale image) is common
        # in the wild; a plain conversion is the same thing browsers fall back to.
        return img.convert("RGB")
    return converted if converted is not None else img.convert("RGB")


def _is_srgb(profile: ImageCms.ImageCmsProfile) -> bool:
    description = profile.profile.profile_description or ""
    return description.strip().lower().startswith("srgb")


def _rendition(name: str, img: Image.Image, method: int = WEBP_METHOD) -> Rendition:
    buf = io.BytesIO()
    # Pillow's WebP writer embeds EXIF/XMP/ICC only when passed explicitly, and none are:
    # the rendition is metadata-free. The empty info dict is belt and braces for that (set
    # here for the thumbnails, by the caller for the preview that two threads share).
    if img.info:
        img.info = {}
    img.save(buf, "WEBP", quality=WEBP_QUALITY, method=method)
    return Rendition(name=name, data=buf.getvalue(), width=img.width, height=img.height)


def _placeholder(tiny: Image.Image) -> tuple[str, str]:
    rgb = _flatten(tiny)
    code = blurhash.encode(rgb.copy(), *BLURHASH_COMPONENTS)  # encode() closes its argument
    return code, _dominant_colour(rgb)


def _flatten(img: Image.Image) -> Image.Image:
    if img.mode != "RGBA":
        return img.convert("RGB")
    background = Image.new("RGB", img.size, PLACEHOLDER_BACKGROUND)
    background.paste(img, mask=img.getchannel("A"))
    return background


def _dominant_colour(rgb: Image.Image) -> str:
    """Most common of a few median-cut clusters: a real colour of the photo, where a plain
    mean of a red-and-blue photo would be a grey that appears nowhere in it."""
    quantised = rgb.quantize(colors=5, method=Image.Quantize.MEDIANCUT)
    # A palette ("P") image counts palette indexes: each colour is an int.
    colours: list[tuple[int, int]] = quantised.getcolors() or [(1, 0)]  # type: ignore[assignment]
    _count, index = max(colours)
    palette = quantised.getpalette() or [0, 0, 0]
    r, g, b = palette[index * 3 : index * 3 + 3]
    return f"#{r:02x}{g:02x}{b:02x}"
