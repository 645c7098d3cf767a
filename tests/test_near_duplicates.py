"""Issue 20.4-5: one original however it was re-saved (near-duplicate refusal on real
photographs: scikit-image's bundled sample photos), and iPhone HEIC / AVIF uploads."""

import asyncio
import io
from functools import partial
from pathlib import Path

import asyncpg
import httpx
import pillow_heif
import pytest
import skimage
from PIL import Image

from app.media import imaging, perceptual
from tests import support
from tests.support import sign_in

PHOTOS = Path(skimage.__file__).parent / "data"
GPS_IFD = 0x8825


def photo(name: str) -> Image.Image:
    return Image.open(PHOTOS / name).convert("RGB")


def encoded(img: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **options)
    return out.getvalue()


def crop(img: Image.Image, left: float, top: float, right: float, bottom: float) -> Image.Image:
    w, h = img.size
    return img.crop(
        (round(w * left), round(h * top), round(w * (1 - right)), round(h * (1 - bottom)))
    )


def with_exif(img: Image.Image) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "TestCam"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (55.0, 45.0, 0.0), 3: "E", 4: (37.0, 37.0, 0.0)})
    return encoded(img, "JPEG", quality=92, exif=exif.tobytes())


# Every kind of re-save the product promises to see through, from one original.
VARIANTS = {
    "resized": lambda img: encoded(
        img.resize((img.width // 2, img.height // 2)), "JPEG", quality=90
    ),
    "low_quality": lambda img: encoded(img, "JPEG", quality=25),
    "stripped": lambda img: encoded(img, "JPEG", quality=92),  # the original carries EXIF + GPS
    "as_png": lambda img: encoded(img, "PNG"),
    "as_webp": lambda img: encoded(img, "WEBP", quality=70),
    "cropped_left_5": lambda img: encoded(crop(img, 0.05, 0, 0, 0), "JPEG", quality=90),
    "cropped_around_4": lambda img: encoded(crop(img, 0.01, 0.02, 0.03, 0.02), "PNG"),
    "cropped_corner": lambda img: encoded(crop(img, 0.0, 0.03, 0.04, 0.0), "WEBP", quality=80),
}


# The file as a phone's picker may send it: no extension, no image type; the server sniffs.
upload = partial(support.upload, filename="photo", content_type="application/octet-stream")


@pytest.mark.parametrize("variant", sorted(VARIANTS))
async def test_a_near_copy_of_a_real_photo_is_refused_with_a_link_to_the_original(
    client: httpx.AsyncClient, pool: asyncpg.Pool, variant: str
) -> None:
    anna, boris = await sign_in(client, 1, "anna"), await sign_in(client, 2, "boris")
    original = photo("coffee.png")
    first = await upload(client, anna, with_exif(original))
    assert first.status_code == 201, first.text
    copy = await upload(client, boris, VARIANTS[variant](original))
    assert copy.status_code == 409, (variant, copy.text)
    detail = copy.json()["detail"]
    assert detail["code"] == "duplicate_image" and detail["photo_id"] == first.json()["id"]
    assert await pool.fetchval("SELECT count(*) FROM art_objects") == 1


async def test_distinct_photos_and_burst_shots_of_one_scene_are_accepted(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    anna = await sign_in(client, 1, "anna")
    # motorcycle_left/right: two shots of one scene a few centimetres apart (a stereo pair), the
    # closest pair of distinct photos in the data set; the others are different pictures.
    names = [
        "motorcycle_left.png",
        "motorcycle_right.png",
        "astronaut.png",
        "chelsea.png",
        "rocket.jpg",
        "hubble_deep_field.jpg",
        "brick.png",
        "grass.png",
        "gravel.png",
    ]
    for name in names:
        response = await upload(client, anna, encoded(photo(name), "JPEG", quality=90), name)
        assert response.status_code == 201, (name, response.text)
    left, right = (perceptual.hash_views(photo(n))[0] for n in names[:2])
    assert perceptual.distance(left, right) <= perceptual.CANDIDATE_BITS  # found as a candidate...
    assert await pool.fetchval("SELECT count(*) FROM art_objects") == len(
        names
    )  # ...and let through


async def test_two_near_copies_uploaded_at_once_mint_once(
    client: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    people = [await sign_in(client, i, f"u{i}") for i in range(1, 5)]
    original = photo("chelsea.png")
    copies = [VARIANTS[v](original) for v in ("resized", "as_png", "as_webp", "low_quality")]
    results = await asyncio.gather(
        *(upload(client, p, c) for p, c in zip(people, copies, strict=True))
    )
    assert sorted(r.status_code for r in results) == [201, 409, 409, 409], [r.text for r in results]
    assert await pool.fetchval("SELECT count(*) FROM art_objects") == 1


async def test_the_lookup_uses_the_part_indexes(pool: asyncpg.Pool) -> None:
    """Multi-index hashing: the four 16-bit part indexes serve the candidate query (20k hashes)."""
    from app.repositories import image_hashes
    from tests.support import mint_objects

    owner = await pool.fetchval(
        "INSERT INTO users (username, display_name) VALUES ('h', 'H') RETURNING id"
    )
    [obj] = await mint_objects(pool, owner, 1)
    image_id = await pool.fetchval("SELECT image_id FROM art_objects WHERE id = $1", obj)
    await pool.execute(
        """INSERT INTO image_hashes (image_id, variant, hash)
           SELECT $1, g, (random() * 9e18)::bigint - 4500000000000000000 FROM generate_series(0, 19999) g""",
        image_id,
    )
    await pool.execute("ANALYZE image_hashes")
    probe = [123456789012345, -98765432101234]
    p0, p1, p2, p3 = image_hashes.parts(probe)
    plan = "\n".join(
        r[0]
        for r in await pool.fetch(
            """EXPLAIN SELECT image_id FROM image_hashes x
                WHERE ((x.hash >> 48) & 65535) = ANY($1::bigint[]) OR ((x.hash >> 32) & 65535) = ANY($2::bigint[])
                   OR ((x.hash >> 16) & 65535) = ANY($3::bigint[]) OR (x.hash & 65535) = ANY($4::bigint[])""",
            p0,
            p1,
            p2,
            p3,
        )
    )
    assert all(f"image_hashes_part{k}_idx" in plan for k in range(4)), plan


# --- HEIC / HEIF / AVIF --------------------------------------------------------------------------


def heic_with_orientation_and_gps(img: Image.Image, fmt: str = "HEIF") -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: the picture is shown turned 90° clockwise
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (55.0, 45.0, 0.0), 3: "E", 4: (37.0, 37.0, 0.0)})
    return encoded(img, fmt, quality=80, exif=exif.tobytes())


@pytest.mark.parametrize(
    ("fmt", "mime", "extension"), [("HEIF", "image/heic", "heic"), ("AVIF", "image/avif", "avif")]
)
async def test_heic_and_avif_round_trip_oriented_and_without_location(
    client: httpx.AsyncClient,
    pool: asyncpg.Pool,
    upload_dir: Path,
    fmt: str,
    mime: str,
    extension: str,
) -> None:
    anna = await sign_in(client, 1, "anna")
    # Left half red, right half blue: which way it is turned shows in the rendition.
    sideways = Image.new("RGB", (600, 400), (220, 20, 20))
    sideways.paste((20, 20, 220), (300, 0, 600, 400))
    data = heic_with_orientation_and_gps(sideways, fmt)
    assert imaging.sniff_mime(data[: imaging.SNIFF_BYTES]) == mime
    response = await upload(client, anna, data, f"iPhone {fmt}")
    assert response.status_code == 201, response.text
    photo_ = response.json()
    assert photo_["mime"] == mime
    # The encoders turn orientation 6 into the container's rotation, which the decoders apply:
    # the picture arrives upright, 400 wide and 600 tall, and is not turned a second time.
    assert (photo_["width"], photo_["height"]) == (400, 600)
    # The original keeps its format and bytes; renditions are WebP without EXIF (no location).
    original_key = await pool.fetchval("SELECT original_key FROM images")
    assert original_key.endswith("." + extension)
    assert (upload_dir / original_key).read_bytes() == data
    for key in ("thumb_url", "thumb_2x_url", "preview_url"):
        rendition = (upload_dir / photo_[key].lstrip("/")).read_bytes()
        with Image.open(io.BytesIO(rendition)) as img:
            assert img.format == "WEBP"
            assert not img.getexif() and "exif" not in img.info and b"Exif" not in rendition
            upright = img.convert("RGB")
        top, bottom = (
            upright.getpixel((upright.width // 2, 5)),
            upright.getpixel((upright.width // 2, upright.height - 5)),
        )
        assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0], (key, top, bottom)


def test_heif_plugin_is_registered_for_the_image_pool() -> None:
    assert imaging.PIL_FORMATS["image/heic"] in Image.registered_extensions().values()
    assert pillow_heif.__version__


def test_the_documented_benchmark_runs() -> None:
    """bench/README.md and bench/RESULTS.md quote bench/bench_near_duplicates.py: it still runs
    (small: three photos, 600 hashes), through the app's own pipeline."""
    from tests.test_bench_harness import _run_bench

    out = _run_bench(
        "bench/bench_near_duplicates.py", "--photos", "3", "--crops", "1", "--sizes", "600"
    )
    assert "| **all** | 24 |" in out
    assert "refused as the wrong original: 0" in out
    assert (
        "| 600 |" in out and "Execution Time" in out
    )  # (index use: test_the_lookup_uses_the_part_indexes)
