"""Near-duplicate detection: is a new upload the same picture as one already minted? A hash
finds candidates, the pixels decide. Pure Pillow, synchronous (the upload's image pool). The
two steps and their measurements: docs/internals.md, "Near duplicates".
"""

from __future__ import annotations

import io
from itertools import product

from PIL import Image, ImageChops, ImageStat

HASH_BITS = 64
# Left, top, right, bottom fractions cut off each stored view: the picture itself, 5 % off one
# side, and 2.5 % off every side. A crop of up to 5 % is within a few bits of one of them.
CROPS: tuple[tuple[float, float, float, float], ...] = (
    (0.0, 0.0, 0.0, 0.0),
    (0.05, 0.0, 0.0, 0.0),
    (0.0, 0.05, 0.0, 0.0),
    (0.0, 0.0, 0.05, 0.0),
    (0.0, 0.0, 0.0, 0.05),
    (0.025, 0.025, 0.025, 0.025),
)
# Candidates are hashes within this many bits of any view (the bench's crops reach 12).
CANDIDATE_BITS = 14
# The fingerprint's side and the crop offsets tried when confirming (either picture may be the
# cropped one); MAX_CROP is the 5 % the product promises.
FINGERPRINT = 48
MAX_CROP = 0.05
# Steps of 2.5 %: a crop between two steps is at most 1.25 % (under one fingerprint pixel) off
# the nearest, and 36 alignments per direction keep a check near 10 ms (bench/RESULTS.md).
_STEPS = (0.0, 0.025, 0.05)
# Mean absolute grey difference (0-255) after the best alignment. Re-saved, resized and cropped
# copies of the bench's photos stay below 4.5; distinct photos, the closest a stereo pair,
# start at 12 (bench/RESULTS.md).
SAME_PICTURE_MAX_DIFF = 8.0


def _signed(value: int) -> int:
    """A 64-bit hash as PostgreSQL's signed bigint."""
    return value - (1 << HASH_BITS) if value >= 1 << (HASH_BITS - 1) else value


def dhash(grey: Image.Image, box: tuple[float, float, float, float] | None = None) -> int:
    """Difference hash of (a box of) a greyscale image, as a signed 64-bit integer."""
    small = grey.resize((9, 8), Image.Resampling.BILINEAR, box=box)
    pixels = small.tobytes()
    value = 0
    for row in range(8):
        line = pixels[row * 9 : row * 9 + 9]
        for col in range(8):
            value = (value << 1) | (line[col] > line[col + 1])
    return _signed(value)


def hash_views(image: Image.Image) -> list[int]:
    """The hashes of an image and of its slightly cropped views (`CROPS`), in that order."""
    grey = image.convert("L")
    width, height = grey.size
    return [
        dhash(grey, (width * left, height * top, width * (1 - right), height * (1 - bottom)))
        for left, top, right, bottom in CROPS
    ]


def distance(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << HASH_BITS) - 1)).bit_count()


def _grey(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as img:
        img.draft("L", (FINGERPRINT * 2, FINGERPRINT * 2))
        grey = img.convert("L")
    grey.thumbnail((FINGERPRINT * 2, FINGERPRINT * 2), Image.Resampling.BILINEAR)
    return grey


def _crops() -> list[tuple[float, float, float, float]]:
    sides = [(a, b) for a, b in product(_STEPS, _STEPS) if a + b <= MAX_CROP + 1e-9]
    return [(left, top, right, bottom) for (left, right), (top, bottom) in product(sides, sides)]


_CROP_BOXES = _crops()


def _best_difference(cropped: Image.Image, whole: Image.Image) -> float:
    """Smallest mean grey difference between `cropped` and a crop of `whole` of up to 5 %."""
    target = cropped.resize((FINGERPRINT, FINGERPRINT), Image.Resampling.BILINEAR)
    width, height = whole.size
    best = 255.0
    for left, top, right, bottom in _CROP_BOXES:
        box = (width * left, height * top, width * (1 - right), height * (1 - bottom))
        view = whole.resize((FINGERPRINT, FINGERPRINT), Image.Resampling.BILINEAR, box=box)
        best = min(best, ImageStat.Stat(ImageChops.difference(target, view)).mean[0])
    return best


def same_picture(thumbnail: bytes, candidate_thumbnail: bytes) -> bool:
    """Whether two renditions (the new upload's thumbnail and a candidate's stored one) show the
    same picture, one possibly cropped by up to 5 % of the other."""
    new, old = _grey(thumbnail), _grey(candidate_thumbnail)
    return min(_best_difference(new, old), _best_difference(old, new)) <= SAME_PICTURE_MAX_DIFF
