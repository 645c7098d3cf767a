"""Benchmark: Pillow (JPEG draft mode) vs pyvips (shrink-on-load) for upload renditions.

Generates realistic 12-megapixel JPEGs (4000x3000, gradients + shapes + sensor-like noise,
quality 90, EXIF with GPS) and times the whole per-upload job: header check, thumb (320) +
preview (1440) WebP renditions, blurhash placeholder and dominant colour.

Each library runs in its own fresh subprocess so that peak RSS (ru_maxrss) is attributable;
rounds alternate the order (A B B A ...) so slow phases of a noisy machine hit both equally.

    .venv/bin/python bench/bench_imaging.py              # default: 2 rounds x 15 runs per library
    .venv/bin/python bench/bench_imaging.py --rounds 3 --runs 10
    .venv/bin/python bench/bench_imaging.py --settings   # preview WebP method table
    .venv/bin/python bench/bench_imaging.py --resample   # filters: ms + PSNR vs full quality
    .venv/bin/python bench/bench_imaging.py --stages     # per-stage floor for one 12 MP JPEG
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import os
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

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps, ImageStat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))
sys.path.insert(0, str(ROOT / "bench"))

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
    """The same renditions as the module: preview 1440 (WebP effort 2), thumbnails 640 and
    320 made from it (effort 4), blurhash from a 32 px image."""
    import pyvips

    head = pyvips.Image.new_from_buffer(data, "")  # header only, pixels stay lazy
    if head.width * head.height > MAX_PIXELS:
        raise ValueError("too many pixels")
    # thumbnail_buffer picks the JPEG shrink-on-load factor itself and auto-rotates.
    preview = pyvips.Image.thumbnail_buffer(
        data, PREVIEW, height=PREVIEW, size="down", option_string="fail_on=error"
    )
    preview = preview.copy_memory()  # decode once, reuse for the thumbs
    thumb_2x = preview.thumbnail_image(640, height=640, size="down").copy_memory()
    thumb = thumb_2x.thumbnail_image(THUMB, height=THUMB, size="down").copy_memory()
    out = {}
    jobs = (("preview", preview, 2), ("thumb_2x", thumb_2x, 4), ("thumb", thumb, 4))
    for name, im, effort in jobs:
        out[name] = len(im.webpsave_buffer(Q=WEBP_QUALITY, effort=effort, keep="none"))
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


# --------------------------------------------------------------------------- resampling table


def psnr(a: Image.Image, b: Image.Image) -> float:
    """PSNR in dB over all RGB samples (no numpy: ImageStat sums the squared differences)."""
    diff = ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB")))
    mse = sum(diff.sum2) / (a.width * a.height * 3)
    return 10 * math.log10(255**2 / mse) if mse else 99.0


def _webp_round_trip(img: Image.Image, method: int) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, "WEBP", quality=WEBP_QUALITY, method=method)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def _median_ms(fn: Callable[[Image.Image], Image.Image], sources: list[Image.Image], rounds: int):
    per_round = []
    for _ in range(rounds):
        times = []
        for src in sources:
            started = time.perf_counter()
            fn(src)
            times.append((time.perf_counter() - started) * 1000)
        per_round.append(statistics.median(times))
    return per_round


def make_sharp(size: tuple[int, int] = (4000, 3000)) -> bytes:
    """A sharp, noise-free JPEG (thin lines and rings on gradients, like text, branches or
    architecture): where a softer filter shows. The noisy `make_photo` hides the difference
    under its sensor noise, which the WebP encode smooths away anyway."""
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
    buf = io.BytesIO()
    img.filter(ImageFilter.GaussianBlur(1.2)).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def resample_table(photos: list[bytes], rounds: int) -> None:
    """Each resampling step of the renditions: time (on the photos), and quality as PSNR
    against the full-quality result (full-size decode, one LANCZOS straight to the target
    size), before and after the rendition's own WebP q80 encode (what a viewer gets), for the
    noisy photos and for one sharp image. Each step starts from the previous step's output as
    imaging.py makes it (its *_RESAMPLE settings)."""
    from app.media import imaging

    R = Image.Resampling
    kinds = {"photo": photos, "sharp": [make_sharp()]}
    sizes = {"preview": (PREVIEW, 1080), "thumb_2x": (640, 480), "thumb": (320, 240)}
    methods = {"preview": 2, "thumb_2x": 4, "thumb": 4}
    chosen = {
        "preview": imaging.PREVIEW_RESAMPLE,
        "thumb_2x": imaging.THUMB_2X_RESAMPLE,
        "thumb": imaging.THUMB_RESAMPLE,
    }
    refs: dict[str, dict[str, list[Image.Image]]] = {}
    sources: dict[str, list[Image.Image]] = {}  # per kind: the input of the current step
    for kind, datas in kinds.items():
        full, half = [], []
        for data in datas:
            with Image.open(io.BytesIO(data)) as img:
                full.append(img.convert("RGB"))
            with Image.open(io.BytesIO(data)) as img:
                img.draft("RGB", sizes["preview"])  # what imaging.py decodes: 1/2 scale
                half.append(img.convert("RGB"))
        refs[kind] = {n: [f.resize(size, R.LANCZOS) for f in full] for n, size in sizes.items()}
        sources[kind] = half

    def quality(kind: str, name: str, fn) -> tuple[float, float, float]:
        outs = [fn(src) for src in sources[kind]]
        pairs = list(zip(outs, refs[kind][name], strict=True))
        before = statistics.mean(psnr(o, r) for o, r in pairs)
        after = statistics.mean(psnr(_webp_round_trip(o, methods[name]), r) for o, r in pairs)
        size = statistics.mean(len(_webp_bytes(o, methods[name])) for o in outs)
        return before, after, size

    for name, candidates in (
        (
            "preview",
            [
                ("LANCZOS", R.LANCZOS, None),
                ("BICUBIC", R.BICUBIC, None),
                ("HAMMING", R.HAMMING, None),
                ("BILINEAR", R.BILINEAR, None),
            ],
        ),
        (
            "thumb_2x",
            [
                ("LANCZOS", R.LANCZOS, None),
                ("LANCZOS, reducing_gap=1", R.LANCZOS, 1.0),
                ("BICUBIC", R.BICUBIC, None),
                ("BICUBIC, reducing_gap=1", R.BICUBIC, 1.0),
                ("BILINEAR", R.BILINEAR, None),
            ],
        ),
        (
            "thumb",
            [
                ("LANCZOS", R.LANCZOS, None),
                ("BICUBIC", R.BICUBIC, None),
                ("BILINEAR", R.BILINEAR, None),
            ],
        ),
    ):
        size = sizes[name]
        src = sources["photo"][0]
        print(
            f"\n| {name} {size[0]}x{size[1]} from {src.width}x{src.height} | ms (min / median "
            f"/ max) | photo PSNR dB: resized / after WebP m{methods[name]} | WebP bytes "
            "| sharp PSNR dB: resized / after WebP | WebP bytes |"
        )
        print("|---|---|---|---|---|---|")
        for label, filt, gap in candidates:
            fn = (lambda f, g, sz: lambda im: im.resize(sz, f, reducing_gap=g))(filt, gap, size)
            ms = _median_ms(fn, sources["photo"], rounds)
            cells = [f"{min(ms):.1f} / {statistics.median(ms):.1f} / {max(ms):.1f}"]
            for kind in kinds:
                before, after, nbytes = quality(kind, name, fn)
                cells += [f"{before:.2f} / {after:.2f}", f"{nbytes:,.0f}"]
            mark = " (kept)" if filt == chosen[name] and gap is None else ""
            print(f"| {label}{mark} | " + " | ".join(cells) + " |")
        ceiling = [
            statistics.mean(psnr(_webp_round_trip(r, methods[name]), r) for r in refs[k][name])
            for k in kinds
        ]
        print(
            f"| the full-quality result, WebP-encoded | | 99 / {ceiling[0]:.2f} | "
            f"| 99 / {ceiling[1]:.2f} | |"
        )
        for kind in kinds:  # the next step starts from this one's output, as imaging.py does
            sources[kind] = [im.resize(size, chosen[name]) for im in sources[kind]]


def _webp_bytes(img: Image.Image, method: int) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "WEBP", quality=WEBP_QUALITY, method=method)
    return buf.getvalue()


# --------------------------------------------------------------------------- per-stage floor


def stages_table(photos: list[bytes], rounds: int) -> None:
    """The floor of each stage for one 12 MP JPEG: decode alone at each draft scale, resize
    alone, each encode alone, then the whole `process_image`."""
    from app.media import imaging

    R = Image.Resampling

    def decode(scale: int) -> Callable[[bytes], object]:
        def run(data: bytes) -> object:
            with Image.open(io.BytesIO(data)) as img:
                if scale > 1:
                    img.draft("RGB", (img.width // scale, img.height // scale))
                img.load()
                return img.size

        return run

    with Image.open(io.BytesIO(photos[0])) as img:
        img.draft("RGB", (PREVIEW, 1080))
        half = img.convert("RGB")
    pv = (PREVIEW, 1080)
    preview = half.resize(pv, imaging.PREVIEW_RESAMPLE)
    thumb_2x = preview.resize((640, 480), imaging.THUMB_2X_RESAMPLE)
    thumb = thumb_2x.resize((320, 240), imaging.THUMB_RESAMPLE)

    def encode(img: Image.Image, method: int) -> Callable[[bytes], object]:
        return lambda _data: img.save(io.BytesIO(), "WEBP", quality=WEBP_QUALITY, method=method)

    def one_core(data: bytes) -> object:
        # Linux: affinity 0 = this thread; the threads process_image starts inherit it.
        before = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {min(before)})
        try:
            return imaging.process_image(data)
        finally:
            os.sched_setaffinity(0, before)

    steps: list[tuple[str, Callable[[bytes], object]]] = [
        ("decode, full size 4000x3000", decode(1)),
        ("decode, draft 1/2 (2000x1500; what imaging.py uses)", decode(2)),
        ("decode, draft 1/4 (1000x750)", decode(4)),
        ("decode, draft 1/8 (500x375; entropy decoding floor)", decode(8)),
        ("resize 2000x1500 -> 1440x1080, LANCZOS, one call", lambda _d: half.resize(pv, R.LANCZOS)),
        (
            "resize 2000x1500 -> 1440x1080, LANCZOS, two halves on two threads",
            lambda _d: imaging._resize_in_halves(half, pv),
        ),
        ("resize 1440 -> 640, LANCZOS", lambda _d: preview.resize((640, 480), R.LANCZOS)),
        ("resize 640 -> 320, BICUBIC", lambda _d: thumb_2x.resize((320, 240), R.BICUBIC)),
        ("WebP q80 1440x1080, method 2", encode(preview, 2)),
        ("WebP q80 1440x1080, method 0", encode(preview, 0)),
        ("WebP q80 640x480, method 4", encode(thumb_2x, 4)),
        ("WebP q80 320x240, method 4", encode(thumb, 4)),
        ("sha256 of the 3.7 MB file", lambda d: hashlib.sha256(d).digest()),
        ("whole `process_image`, 2 cores", imaging.process_image),
        ("whole `process_image`, pinned to 1 core (its CPU time)", one_core),
    ]
    print("\n| stage (one 4000x3000 q90 JPEG) | ms (min / median / max of rounds) |")
    print("|---|---|")
    for label, fn in steps:
        per_round = []
        for _ in range(rounds):
            times = []
            for data in photos:
                started = time.perf_counter()
                fn(data)
                times.append((time.perf_counter() - started) * 1000)
            per_round.append(statistics.median(times))
        print(
            f"| {label} | {min(per_round):.1f} / {statistics.median(per_round):.1f} / "
            f"{max(per_round):.1f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--settings", action="store_true", help="WebP method and resampling table only"
    )
    parser.add_argument("--resample", action="store_true", help="resampling time + PSNR table only")
    parser.add_argument("--stages", action="store_true", help="per-stage floor table only")
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
    if args.resample or args.stages:
        photos = [make_photo(seed) for seed in range(args.photos)]
        from _common import busy_note

        print(f"{busy_note()}; {args.photos} photos, {max(args.rounds, 3)} rounds")
        table = resample_table if args.resample else stages_table
        table(photos, max(args.rounds, 3))
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
