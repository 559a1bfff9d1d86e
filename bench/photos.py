"""Photo benchmark: 12 MP camera-like JPEGs through plain Pillow, Pavé's pipeline and pyvips."""

from __future__ import annotations

import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# One core: pyvips would otherwise spread one photo over every core and flatter itself.
os.environ.setdefault("VIPS_CONCURRENCY", "1")

from PIL import Image, ImageDraw, ImageFilter

from app.media.processing import JPEG, WEBP, fit, process_photo

SIZE = (4000, 3000)
PHOTOS = 3
ROUNDS = 4


def camera_like(seed: int, size: tuple[int, int] = SIZE) -> bytes:
    """A 12 MP JPEG of 3 to 6 MB: soft shapes over gradients, under sensor noise (not flat)."""
    import random

    rnd = random.Random(seed)
    width, height = size
    gradient = Image.linear_gradient("L")
    image = Image.merge(
        "RGB",
        (
            gradient.resize(size),
            gradient.transpose(Image.Transpose.ROTATE_90).resize(size),
            Image.radial_gradient("L").resize(size),
        ),
    )
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y, s = (
            rnd.randrange(width),
            rnd.randrange(height),
            rnd.randrange(width // 40, width // 6),
        )
        colour = (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
        draw.ellipse((x, y, x + s, y + s * 2 // 3), fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(2))
    noise = Image.merge("RGB", [Image.effect_noise(size, 40 + seed % 5) for _ in range(3)])
    buffer = io.BytesIO()
    Image.blend(image, noise, 0.25).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def plain_pillow(data: bytes) -> int:
    """What a first version does: decode everything, resize, save; thumbnail from the display."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    display = image.resize(fit(image.size, 1920), Image.Resampling.LANCZOS)
    thumbnail = display.resize(fit(display.size, 320), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    display.save(out, "JPEG", quality=82)
    thumbnail.save(io.BytesIO(), "JPEG", quality=80)
    return out.tell()


def pipeline_webp(data: bytes) -> int:
    return len(process_photo(data, "image/jpeg", output=WEBP).display.data)


def pipeline_jpeg(data: bytes) -> int:
    return len(process_photo(data, "image/jpeg", output=JPEG).display.data)


def _vips(suffix: str) -> Callable[[bytes], int]:
    def run(data: bytes) -> int:
        import pyvips

        # Held in memory once: the thumbnail is made from it, as in the other methods.
        display = pyvips.Image.thumbnail_buffer(data, 1920).copy_memory()
        encoded = display.write_to_buffer(suffix)
        display.thumbnail_image(320).write_to_buffer(suffix)
        return len(encoded)

    return run


METHODS: dict[str, Callable[[bytes], int]] = {
    "plain Pillow (full decode, LANCZOS, JPEG q82)": plain_pillow,
    "Pavé pipeline, WebP q80": pipeline_webp,
    "Pavé pipeline, JPEG q82 (as deployed)": pipeline_jpeg,
    "pyvips thumbnail, JPEG q82": _vips(".jpg[Q=82,strip]"),
    "pyvips thumbnail, WebP q80": _vips(".webp[Q=80,strip]"),
}
BASELINE = "plain Pillow (full decode, LANCZOS, JPEG q82)"


def pyvips_available() -> bool:
    try:
        import pyvips

        pyvips.cache_set_max(0)  # never answer a repeat from the operation cache
        return True
    except (ImportError, OSError):
        return False


def peak_memory_mb(method: str, path: Path) -> float:
    """Peak resident memory one photo adds, measured in a fresh process: Pillow's and
    libvips' pixel buffers are C allocations that tracemalloc cannot see."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.photos", "--peak", method, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return int(out.stdout.strip()) / 1024


def _print_peak_kb(method: str, path: str) -> None:
    data = Path(path).read_bytes()
    pyvips_available()
    # Warm up on a small photo first (imports, codec set-up), so only the photo is counted.
    small = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 80, 40)).save(small, "JPEG")
    METHODS[method](small.getvalue())
    before = _high_water_kb()
    METHODS[method](data)
    print(_high_water_kb() - before)


def _high_water_kb() -> int:
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over from the parent process
    # across exec, so a child of a large benchmark would report the parent's peak.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


ROOT = Path(__file__).resolve().parent.parent


def run(photos: int = PHOTOS, rounds: int = ROUNDS) -> str:
    """Measure every method on the same photos, interleaved, and return a Markdown table."""
    methods = dict(METHODS)
    if not pyvips_available():
        methods = {k: v for k, v in methods.items() if not k.startswith("pyvips")}
    samples = [camera_like(seed) for seed in range(photos)]
    timings: dict[str, list[float]] = {name: [] for name in methods}
    sizes: dict[str, int] = {}
    for method in methods.values():
        method(samples[0])  # warm-up: imports, codec tables
    for _ in range(rounds):
        # Interleaved, so that a noisy neighbour slows every method alike.
        for name, method in methods.items():
            for data in samples:
                started = time.perf_counter()
                sizes[name] = method(data)
                timings[name].append(time.perf_counter() - started)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "photo.jpg"
        path.write_bytes(samples[0])
        memory = {name: peak_memory_mb(name, path) for name in methods}

    # Ratios use each method's best time: on a shared machine the best is the least disturbed
    # measure of the work itself; the median is shown beside it.
    base = min(timings[BASELINE])
    mb = [len(d) / 1e6 for d in samples]
    lines = [
        f"{photos} camera-like {SIZE[0]} x {SIZE[1]} JPEGs of {min(mb):.1f}-{max(mb):.1f} MB, "
        f"{rounds} interleaved rounds, one core (VIPS_CONCURRENCY=1); each run makes the "
        "1920 px display image and the 320 px thumbnail.",
        "",
        "| Photos, 12 MP JPEG | best ms/photo | median | photos/s per core | vs plain Pillow "
        "| peak memory | display size |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in methods:
        best, median = min(timings[name]), statistics.median(timings[name])
        lines.append(
            f"| {name} | {best * 1000:.0f} | {median * 1000:.0f} | {1 / best:.1f} "
            f"| {base / best:.2f}x | {memory[name]:.0f} MB | {sizes[name] / 1000:.0f} kB |"
        )
    if not pyvips_available():
        lines.append("| pyvips: not installed (apt-get install libvips42; pip install pyvips) |")
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--peak"]:
        _print_peak_kb(sys.argv[2], sys.argv[3])
    else:
        print(run())
