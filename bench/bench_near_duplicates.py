"""Near-duplicate detection (issue 20.4): how often it is wrong on real photographs, and how
fast the indexed lookup is at 10k and 1M stored hashes.

    .venv/bin/python bench/bench_near_duplicates.py                  # accuracy + 10k + 1M
    .venv/bin/python bench/bench_near_duplicates.py --sizes 10000 --crops 2   # quick

Accuracy: every photograph bundled with scikit-image (its `data` folder, 3-channel and grey
photos of at least 300 px) is "uploaded" through the app's own pipeline
(media/imaging.process_image: hashes + thumbnail) and its variants are checked against all of
them exactly as an upload is (hash views within CANDIDATE_BITS, then media/perceptual.same_picture
on the thumbnails):
- false negatives: a variant (resized, re-encoded, metadata stripped, PNG/JPEG/WebP, random
  crops of up to 5 %) of a stored photo that is NOT refused;
- false positives: a different stored photo that WOULD be refused as a copy — every ordered pair
  of distinct photos, the stereo pair motorcycle_left/right (two shots of one scene) included.
Lookup: a database made from database.sql gets N hashes (6 views per image, N/6 images), then
the candidate query of repositories/image_hashes.py runs for real photos' views and random ones.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import random
import secrets
import statistics
import subprocess
import time
from collections import Counter
from pathlib import Path

import asyncpg
import skimage
from PIL import Image

import _common  # noqa: F401  (puts backend/ on sys.path)
from _common import dsn_for, pct
from app.core.migrations import migrate
from app.media import imaging, perceptual
from app.repositories import image_hashes

DATA = Path(skimage.__file__).parent / "data"
MIN_SIDE = 300


def photos() -> dict[str, Image.Image]:
    found = {}
    for path in sorted(DATA.iterdir()):
        if path.suffix.lower() not in (".png", ".jpg") or "chessboard" in path.name:
            continue
        with Image.open(path) as img:
            if min(img.size) < MIN_SIDE or img.mode not in ("RGB", "RGBA", "L"):
                continue
            found[path.stem] = img.convert("RGB")
    return found


def encoded(img: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **options)
    return out.getvalue()


def crop(img: Image.Image, box: tuple[float, float, float, float]) -> Image.Image:
    w, h = img.size
    left, top, right, bottom = box
    return img.crop(
        (round(w * left), round(h * top), round(w * (1 - right)), round(h * (1 - bottom)))
    )


def random_crop(rng: random.Random) -> tuple[float, float, float, float]:
    """Up to 5 % of the width and of the height cut off, split between the two sides at random."""
    ax, ay, fx, fy = rng.uniform(0, 0.05), rng.uniform(0, 0.05), rng.random(), rng.random()
    return ax * fx, ay * fy, ax * (1 - fx), ay * (1 - fy)


def variants(img: Image.Image, rng: random.Random, crops: int) -> dict[str, bytes]:
    out: dict[str, bytes] = {
        "resized 50 %": encoded(img.resize((img.width // 2, img.height // 2)), "JPEG", quality=90),
        "resized 25 %": encoded(img.resize((img.width // 4, img.height // 4)), "JPEG", quality=85),
        "JPEG q95": encoded(img, "JPEG", quality=95),
        "JPEG q25": encoded(img, "JPEG", quality=25),
        "PNG": encoded(img, "PNG"),
        "WebP q70": encoded(img, "WEBP", quality=70),
        "stripped (no EXIF)": encoded(img, "JPEG", quality=92),
    }
    for k in range(crops):
        box = random_crop(rng)
        out[f"crop ≤5 % #{k}"] = encoded(crop(img, box), rng.choice(["JPEG", "PNG", "WEBP"]))
    return out


class Stored:
    def __init__(self, name: str, processed: imaging.ProcessedImage) -> None:
        self.name = name
        self.hashes = processed.hashes
        self.thumb = processed.rendition("thumb").data


def refused_as(
    new: imaging.ProcessedImage, stored: list[Stored], timings: list[float]
) -> tuple[str | None, bool]:
    """(the stored photo this upload is refused as, whether any hash was a candidate)."""
    thumb = new.rendition("thumb").data
    candidate = False
    for other in stored:
        bits = min(perceptual.distance(a, b) for a in new.hashes for b in other.hashes)
        if bits > perceptual.CANDIDATE_BITS:
            continue
        candidate = True
        started = time.perf_counter()
        same = perceptual.same_picture(thumb, other.thumb)
        timings.append(time.perf_counter() - started)
        if same:
            return other.name, True
    return None, candidate


def accuracy(crops: int, limit: int | None) -> None:
    rng = random.Random(20)
    originals = dict(list(photos().items())[:limit])
    stored = [
        Stored(name, imaging.process_image(encoded(img, "PNG"))) for name, img in originals.items()
    ]
    compare_times: list[float] = []
    misses: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    wrong_original = 0
    missed: set[str] = set()
    for name, img in originals.items():
        for kind, data in variants(img, rng, crops).items():
            group = "crop ≤5 %" if kind.startswith("crop") else kind
            totals[group] += 1
            found, _ = refused_as(imaging.process_image(data), stored, compare_times)
            if found is None:
                misses[group] += 1
                missed.add(name)
            elif found != name:
                wrong_original += 1
    false_pos, hash_only, pairs = 0, 0, 0
    for one in stored:
        others = [s for s in stored if s is not one]
        new = imaging.process_image(encoded(originals[one.name], "JPEG", quality=90))
        for other in others:
            pairs += 1
            found, candidate = refused_as(new, [other], compare_times)
            hash_only += candidate
            false_pos += found is not None
    print(f"photos: {len(originals)} ({', '.join(originals)})")
    print("\n| variant | variants | not refused (false negatives) |\n| --- | --- | --- |")
    for group in totals:
        print(
            f"| {group} | {totals[group]} | {misses[group]} "
            f"({100 * misses[group] / totals[group]:.1f} %) |"
        )
    all_variants, all_misses = sum(totals.values()), sum(misses.values())
    print(f"| **all** | {all_variants} | {all_misses} ({100 * all_misses / all_variants:.1f} %) |")
    print(f"\nphotos with a missed variant: {', '.join(sorted(missed)) or 'none'}")
    print(f"refused as the wrong original: {wrong_original}")
    print(
        f"distinct photo pairs: {pairs}; hash candidates (hash alone would refuse): {hash_only} "
        f"({100 * hash_only / pairs:.1f} %); refused after the pixel check (false positives): "
        f"{false_pos} ({100 * false_pos / pairs:.1f} %)"
    )
    print(
        "pixel check (same_picture) per candidate: "
        f"median {1000 * statistics.median(compare_times):.1f} ms, "
        f"p95 {1000 * pct(compare_times, 0.95):.1f} ms ({len(compare_times)} checks)"
    )


async def lookup(size: int, probes: list[list[int]]) -> None:
    name = f"bench_near_dup_{os.getpid()}_{secrets.token_hex(3)}"
    admin = await asyncpg.connect(dsn_for("postgres"))
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        dsn = dsn_for(name)
        await asyncio.to_thread(migrate, dsn)
        conn = await asyncpg.connect(dsn)
        try:
            images = size // len(perceptual.CROPS)
            started = time.perf_counter()
            await conn.execute(
                "INSERT INTO users (username, display_name) VALUES ('bench', 'Bench')"
            )
            await conn.execute(
                """
                INSERT INTO images (content_hash, mime, width, height, bytes, original_key,
                                    thumb_key, preview_key)
                SELECT sha256(('img-' || g)::bytea), 'image/jpeg', 640, 480, 1000,
                       'originals/b/' || g || '.jpg', 'media/b/t' || g || '.webp',
                       'media/b/p' || g || '.webp'
                  FROM generate_series(1, $1) g
                """,
                images,
            )
            await conn.execute(
                "INSERT INTO art_objects (image_id, title, creator_id, owner_id)"
                " SELECT id, 'x', 1, 1 FROM images"
            )
            # Random 64-bit hashes: every bit a coin flip (a real gallery's are less even; the
            # crowded-bucket case is bounded by MAX_CANDIDATES and measured below with real views).
            await conn.execute(
                """
                INSERT INTO image_hashes (image_id, variant, hash)
                SELECT i.id, v,
                       ((random() * 4294967296)::bigint << 32) # (random() * 4294967296)::bigint
                  FROM images i CROSS JOIN generate_series(0, $1 - 1) v
                """,
                len(perceptual.CROPS),
            )
            await conn.execute("VACUUM ANALYZE image_hashes")
            load = time.perf_counter() - started
            rows = await conn.fetchval("SELECT count(*) FROM image_hashes")
            size_mb = await conn.fetchval(
                "SELECT pg_total_relation_size('image_hashes') / 1048576.0"
            )
            times = []
            found = 0
            for _round in range(3):
                for probe in probes:
                    t0 = time.perf_counter()
                    result = await image_hashes.candidates(
                        conn, probe, perceptual.CANDIDATE_BITS, 4
                    )
                    times.append(time.perf_counter() - t0)
                    found += len(result)
            plan = "\n".join(
                r[0]
                for r in await conn.fetch(
                    "EXPLAIN (ANALYZE, BUFFERS) SELECT image_id FROM image_hashes x WHERE "
                    "((x.hash >> 48) & 65535) = ANY($1::bigint[])"
                    " OR ((x.hash >> 32) & 65535) = ANY($2::bigint[])"
                    " OR ((x.hash >> 16) & 65535) = ANY($3::bigint[])"
                    " OR (x.hash & 65535) = ANY($4::bigint[])",
                    *image_hashes.parts(probes[0]),
                )
            )
        finally:
            await conn.close()
        print(
            f"| {rows:,} | {size_mb:.0f} MB | {1000 * statistics.median(times):.2f} ms | "
            f"{1000 * pct(times, 0.95):.2f} ms | {1000 * max(times):.2f} ms | {len(times)} | "
            f"{load:.0f} s |"
        )
        print("\n    " + plan.replace("\n", "\n    ") + "\n")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def probes_from_photos(count: int) -> list[list[int]]:
    rng = random.Random(7)
    some = list(photos().values())[:count]
    real = [imaging.process_image(encoded(img, "JPEG", quality=90)).hashes for img in some]
    randoms = [[rng.getrandbits(64) - (1 << 63) for _ in perceptual.CROPS] for _ in range(count)]
    return real + randoms


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 1_000_000])
    parser.add_argument("--crops", type=int, default=8, help="random crops per photo")
    parser.add_argument("--photos", type=int, default=None, help="only the first N photos")
    parser.add_argument("--skip-accuracy", action="store_true")
    args = parser.parse_args()
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    if not args.skip_accuracy:
        accuracy(args.crops, args.photos)
    probes = probes_from_photos(100 if args.photos is None else args.photos)
    print(
        "\n| stored hashes | table + indexes | lookup p50 | p95 | max | lookups | load |"
        "\n| --- | --- | --- | --- | --- | --- | --- |"
    )
    for size in args.sizes:
        asyncio.run(lookup(size, probes))


if __name__ == "__main__":
    main()
