"""Benchmark: Pillow (JPEG draft mode) vs pyvips (shrink-on-load) for upload renditions.

Generates realistic 12-megapixel JPEGs (4000x3000, gradients + shapes + sensor-like noise,
quality 90, EXIF with GPS) and times the whole per-upload job: header check, thumb (320) +
preview (1440) WebP renditions, blurhash placeholder and dominant colour.

Each library runs in its own fresh subprocess so that peak RSS (ru_maxrss) is attributable;
rounds alternate the order (A B B A ...) so slow phases of a noisy machine hit both equally.

    .venv/bin/python bench/bench_imaging.py              # default: 2 rounds x 15 runs per library
    .venv/bin/python bench/bench_imaging.py --rounds 3 --runs 10
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageOps

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))

THUMB, PREVIEW, MAX_PIXELS = 320, 1440, 40_000_000
WEBP_QUALITY = 80  # same setting for both libraries so the encode cost is comparable
LIBS = ("pillow", "pyvips", "module")  # "module" = the real app.media.imaging.process_image


# --------------------------------------------------------------------------- sample images


def make_photo(seed: int, size: tuple[int, int] = (4000, 3000)) -> bytes:
    """A photo-like JPEG: smooth gradients, blurred blobs and sensor-like noise, with GPS EXIF."""
    w, h = size
    rnd = random.Random(seed)
    grad = Image.linear_gradient("L").rotate(rnd.choice((0, 90, 180, 270))).resize(size)
    base = Image.merge("RGB", (grad, Image.radial_gradient("L").resize(size), grad.rotate(180)))
    blobs = Image.new("RGB", (w // 8, h // 8))
    draw = ImageDraw.Draw(blobs)
    for _ in range(80):
        x, y, s = rnd.randrange(w // 8), rnd.randrange(h // 8), rnd.randrange(5, 120)
        draw.ellipse((x, y, x + s, y + s), fill=tuple(rnd.randrange(256) for _ in range(3)))
    blobs = blobs.filter(ImageFilter.GaussianBlur(3)).resize(size, Image.Resampling.BICUBIC)
    noise = Image.merge("RGB", [Image.effect_noise(size, 40) for _ in range(3)])
    img = Image.blend(Image.blend(base, blobs, 0.5), noise, 0.25)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "Canon", "EOS 90D", 1
    exif[0x8825] = {1: "N", 2: (55.0, 45.0, 21.0), 3: "E", 4: (37.0, 37.0, 4.0)}
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, exif=exif.tobytes())
    return buf.getvalue()


def png_bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A valid 1-bit greyscale PNG of all zeros: a few hundred KB that inflate to 312 MB raw
    (2.5 G pixels, i.e. 7.5 GB as RGB once a decoder expands it)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    raw_len = (1 + (width + 7) // 8) * height  # filter byte + packed bits per row
    comp = zlib.compressobj(9)
    block = bytes(8 << 20)
    parts = [comp.compress(block) for _ in range(raw_len // len(block))]
    parts += [comp.compress(bytes(raw_len % len(block))), comp.flush()]
    idat = b"".join(parts)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


# --------------------------------------------------------------------------- shared finishing


def placeholder_and_colour(tiny: Image.Image) -> tuple[str, str]:
    import blurhash

    rgb = tiny.convert("RGB")
    colour = rgb.resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    return blurhash.encode(rgb.copy(), 4, 3), "#{:02x}{:02x}{:02x}".format(*colour)


# --------------------------------------------------------------------------- (a) Pillow


def pillow_pipeline(data: bytes) -> dict[str, int]:
    with Image.open(io.BytesIO(data)) as img:
        if img.width * img.height > MAX_PIXELS:
            raise ValueError("too many pixels")
        # draft() makes libjpeg decode at 1/2, 1/4 or 1/8 scale (DCT scaling) while staying
        # >= the requested box, so a 12 MP JPEG decodes as ~2000x1500 instead of 4000x3000.
        img.draft("RGB", (PREVIEW, PREVIEW))
        upright = ImageOps.exif_transpose(img.convert("RGB"))
    preview = upright.copy()
    preview.thumbnail((PREVIEW, PREVIEW), Image.Resampling.LANCZOS)
    thumb = preview.copy()
    thumb.thumbnail((THUMB, THUMB), Image.Resampling.LANCZOS)
    out = {}
    for name, im in (("preview", preview), ("thumb", thumb)):
        buf = io.BytesIO()
        im.save(buf, "WEBP", quality=WEBP_QUALITY, method=4)  # no exif=/icc_profile= passed
        out[name] = len(buf.getvalue())
    tiny = thumb.copy()
    tiny.thumbnail((32, 32), Image.Resampling.BOX)
    placeholder_and_colour(tiny)
    return out


# --------------------------------------------------------------------------- (b) pyvips


def pyvips_pipeline(data: bytes) -> dict[str, int]:
    import pyvips

    head = pyvips.Image.new_from_buffer(data, "")  # header only, pixels stay lazy
    if head.width * head.height > MAX_PIXELS:
        raise ValueError("too many pixels")
    # thumbnail_buffer picks the JPEG shrink-on-load factor itself and auto-rotates.
    preview = pyvips.Image.thumbnail_buffer(
        data, PREVIEW, height=PREVIEW, size="down", option_string="fail_on=error"
    )
    preview = preview.copy_memory()  # decode once, reuse for the thumb
    thumb = preview.thumbnail_image(THUMB, height=THUMB, size="down")
    out = {}
    for name, im in (("preview", preview), ("thumb", thumb)):
        out[name] = len(im.webpsave_buffer(Q=WEBP_QUALITY, effort=4, keep="none"))
    tiny = thumb.thumbnail_image(32, height=32)
    pil = Image.frombytes("RGB", (tiny.width, tiny.height), tiny.write_to_memory())
    placeholder_and_colour(pil)
    return out


def module_pipeline(data: bytes) -> dict[str, int]:
    from app.media.imaging import process_image

    result = process_image(data)
    return {r.name: len(r.data) for r in result.renditions}


PIPELINES: dict[str, Callable[[bytes], dict[str, int]]] = {
    "pillow": pillow_pipeline,
    "pyvips": pyvips_pipeline,
    "module": module_pipeline,
}


# --------------------------------------------------------------------------- worker process


def max_rss_mb() -> float:
    # VmHWM, not getrusage().ru_maxrss: Linux carries ru_maxrss over fork+exec, so a child
    # would report the parent's peak (the parent builds 12 MP images in memory).
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def bomb_check(fn: Callable[[bytes], dict[str, int]], bomb: bytes) -> dict[str, object]:
    rss_before = max_rss_mb()
    started = time.perf_counter()
    try:
        fn(bomb)
        verdict = "ACCEPTED (unsafe)"
    except Exception as exc:  # any refusal counts; we report which one
        verdict = f"refused: {type(exc).__name__}: {str(exc).splitlines()[0][:70]}"
    return {
        "verdict": verdict,
        "ms": (time.perf_counter() - started) * 1000,
        "rss_growth_mb": max_rss_mb() - rss_before,
    }


def worker(lib: str, image_dir: Path, runs: int, bomb_path: Path | None) -> None:
    import pyvips

    # Same bytes are processed repeatedly here; without this libvips' operation cache
    # could return a cached result and flatter pyvips.
    pyvips.cache_set_max(0)
    # Imported up front so the baseline includes them and the bomb timing excludes imports.
    import blurhash  # noqa: F401

    import app.media.imaging  # noqa: F401

    fn = PIPELINES[lib]
    photos = [p.read_bytes() for p in sorted(image_dir.glob("photo_*.jpg"))]
    baseline = max_rss_mb()
    # Bomb first, while the RSS high-water mark is still the baseline, so growth is visible.
    bomb = bomb_check(fn, bomb_path.read_bytes()) if bomb_path is not None else None
    fn(photos[0])  # warm-up: imports, codec init, thread pools
    times = []
    for i in range(runs):
        data = photos[i % len(photos)]
        started = time.perf_counter()
        sizes = fn(data)
        times.append((time.perf_counter() - started) * 1000)
    # Throughput with 2 concurrent callers, like a 2-worker thread pool in the app.
    started = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(fn, [photos[i % len(photos)] for i in range(runs)]))
    per_s = runs / (time.perf_counter() - started)
    result = {
        "lib": lib,
        "times": times,
        "rss_baseline_mb": baseline,
        "rss_peak_mb": max_rss_mb(),
        "pool2_per_s": per_s,
        "sizes": sizes,
    }
    if bomb is not None:
        result["bomb"] = bomb
    print(json.dumps(result))


# --------------------------------------------------------------------------- driver


def interleaved(libs: list[str], image_dir: Path, runs: int) -> None:
    """Latency only: libraries take turns on every photo in ONE process, so a slow phase of
    the (noisy, shared) machine hits all of them alike. The ratio is the robust number."""
    import pyvips

    pyvips.cache_set_max(0)
    photos = [p.read_bytes() for p in sorted(image_dir.glob("photo_*.jpg"))]
    times: dict[str, list[float]] = {lib: [] for lib in libs}
    for lib in libs:
        PIPELINES[lib](photos[0])  # warm-up
    for i in range(runs):
        turn = libs if i % 2 == 0 else list(reversed(libs))
        for lib in turn:
            started = time.perf_counter()
            PIPELINES[lib](photos[i % len(photos)])
            times[lib].append((time.perf_counter() - started) * 1000)
    print(json.dumps(times))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_worker(lib: str, image_dir: Path, runs: int, bomb: Path | None) -> dict:
    cmd = [sys.executable, __file__, "--worker", lib, "--dir", str(image_dir), "--runs", str(runs)]
    if bomb is not None:
        cmd += ["--bomb", str(bomb)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


# --------------------------------------------------------------------------- settings table


def _decode_preview(data: bytes, resample: str) -> Image.Image:
    """The 1440 px preview as imaging.py makes it (draft decode, then one resize)."""
    with Image.open(io.BytesIO(data), formats=["JPEG"]) as img:
        target = (PREVIEW, PREVIEW * img.height // img.width)
        img.draft("RGB", target)
        if resample == "thumbnail":
            img.thumbnail((PREVIEW, PREVIEW), Image.Resampling.LANCZOS, reducing_gap=2.0)
            return img.copy()
        filt, gap = {
            "lanczos gap 3": (Image.Resampling.LANCZOS, 3.0),
            "lanczos gap 2": (Image.Resampling.LANCZOS, 2.0),
            "lanczos (no gap)": (Image.Resampling.LANCZOS, None),
            "bicubic gap 2": (Image.Resampling.BICUBIC, 2.0),
        }[resample]
        return img.convert("RGB").resize(target, filt, reducing_gap=gap)


def settings_table(photos: list[bytes], rounds: int) -> None:
    """Preview WebP `method` (libwebp effort) and resampling: ms and bytes, per round
    min / median / max of the per-round medians over the sample photos."""
    previews = [_decode_preview(d, "lanczos gap 3") for d in photos]
    print("\n| preview WebP q80 | encode ms (min / median / max of rounds) | bytes (mean) |")
    print("|---|---|---|")
    for method in range(7):
        per_round, sizes = [], []
        for _ in range(rounds):
            times = []
            for img in previews:
                buf = io.BytesIO()
                t = time.perf_counter()
                img.save(buf, "WEBP", quality=WEBP_QUALITY, method=method)
                times.append((time.perf_counter() - t) * 1000)
                sizes.append(buf.tell())
            per_round.append(statistics.median(times))
        print(
            f"| method={method} | {min(per_round):.0f} / {statistics.median(per_round):.0f} / "
            f"{max(per_round):.0f} | {statistics.mean(sizes):,.0f} |"
        )
    print("\n| decode + resize to 1440 px | ms (min / median / max of rounds) |")
    print("|---|---|")
    for resample in (
        "lanczos gap 3",
        "lanczos gap 2",
        "lanczos (no gap)",
        "bicubic gap 2",
        "thumbnail",
    ):
        per_round = []
        for _ in range(rounds):
            times = []
            for d in photos:
                t = time.perf_counter()
                _decode_preview(d, resample)
                times.append((time.perf_counter() - t) * 1000)
            per_round.append(statistics.median(times))
        print(
            f"| {resample} | {min(per_round):.0f} / {statistics.median(per_round):.0f} / "
            f"{max(per_round):.0f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--settings", action="store_true", help="WebP method and resampling table only"
    )
    parser.add_argument("--worker", choices=(*LIBS, "interleaved"))
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--runs", type=int, default=15, help="timed runs per round per library")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--photos", type=int, default=4, help="distinct sample photos")
    parser.add_argument("--bomb", type=Path)
    parser.add_argument("--libs", default="pillow,pyvips,module")
    args = parser.parse_args()
    if args.settings:
        settings_table([make_photo(seed) for seed in range(args.photos)], max(args.rounds, 3))
        return
    if args.worker == "interleaved":
        interleaved(args.libs.split(","), args.dir, args.runs)
        return
    if args.worker:
        worker(args.worker, args.dir, args.runs, args.bomb)
        return

    libs = args.libs.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        image_dir = Path(tmp)
        for seed in range(args.photos):
            (image_dir / f"photo_{seed}.jpg").write_bytes(make_photo(seed))
        bomb_path = image_dir / "bomb.png"
        bomb_path.write_bytes(png_bomb())
        sizes = [p.stat().st_size for p in image_dir.glob("photo_*.jpg")]
        print(
            f"samples: {args.photos} x 4000x3000 JPEG q90 + GPS EXIF, "
            f"{min(sizes) / 1e6:.1f}-{max(sizes) / 1e6:.1f} MB; "
            f"PNG bomb 50000x50000 = {bomb_path.stat().st_size / 1e3:.0f} KB"
        )
        results: dict[str, list[dict]] = {lib: [] for lib in libs}
        for rnd in range(args.rounds):
            order = libs if rnd % 2 == 0 else list(reversed(libs))
            for lib in order:
                results[lib].append(run_worker(lib, image_dir, args.runs, bomb_path))
        cmd = [sys.executable, __file__, "--worker", "interleaved", "--dir", str(image_dir)]
        cmd += ["--runs", str(args.runs * args.rounds), "--libs", args.libs]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        turns: dict[str, list[float]] = json.loads(out.strip().splitlines()[-1])

    print(
        "\n| library | runs | p50 ms | p99 ms | mean ms | 2-thread pool img/s "
        "| peak RSS MB (baseline) | preview / thumb bytes | 50k x 50k PNG bomb |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for lib, rs in results.items():
        times = [t for r in rs for t in r["times"]]
        bomb = rs[-1]["bomb"]
        print(
            f"| {lib} | {len(times)} | {pct(times, 0.5):.0f} | {pct(times, 0.99):.0f} "
            f"| {statistics.mean(times):.0f} "
            f"| {statistics.mean(r['pool2_per_s'] for r in rs):.1f} "
            f"| {max(r['rss_peak_mb'] for r in rs):.0f} "
            f"({min(r['rss_baseline_mb'] for r in rs):.0f}) "
            f"| {rs[-1]['sizes'].get('preview')} / {rs[-1]['sizes'].get('thumb')} "
            f"| {bomb['verdict']} in {bomb['ms']:.1f} ms, "
            f"+{bomb['rss_growth_mb']:.1f} MB RSS |"
        )
    first = libs[0]
    print(f"\nInterleaved in one process (ratio vs {first}):\n")
    print(f"| library | runs | p50 ms | p99 ms | p50 / {first} p50 |")
    print("|---|---|---|---|---|")
    for lib, times in turns.items():
        ratio = pct(times, 0.5) / pct(turns[first], 0.5)
        print(
            f"| {lib} | {len(times)} | {pct(times, 0.5):.0f} | {pct(times, 0.99):.0f} "
            f"| {ratio:.2f} |"
        )


if __name__ == "__main__":
    main()
