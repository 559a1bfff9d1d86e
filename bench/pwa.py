"""Resident app benchmark: its gzipped size, Send → "saved on your phone", a 12 MP photo's upload."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from bench.db import create_database, drop_database, log
from bench.intake import gunicorn
from bench.markdown import value_table
from bench.photos import camera_like

ROOT = Path(__file__).resolve().parent.parent
PWA = ROOT / "pwa"
STATS = PWA / "dist" / "build-stats.json"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
GRAND_PLACE = {"latitude": 50.8467, "longitude": 4.3525, "accuracy": 12}
SENDS = 8
# Lighthouse's mobile profile slows the CPU four times: a mid-range phone, not a laptop. The
# slowdown reaches the page's thread only, not the photo worker's; the last setting takes
# OffscreenCanvas away, as in older Safari and Firefox, so the page downscales the photo.
SETTINGS = (
    (1, "photo in the worker", ""),
    (4, "photo in the worker", ""),
    (4, "no OffscreenCanvas, photo on the page", "delete window.OffscreenCanvas;"),
)
TIMEOUT_MS = 60_000

# In the page, before the app: the time of the tap on Send (the input event's own time
# stamp), when the confirmation is written, and the frame that first shows it. Long tasks
# are summed to see how much a photo's downscale blocks the page.
PROBE = """
window.__bench = { longTasks: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__bench.longTasks += entry.duration;
}).observe({ type: 'longtask', buffered: true });
window.addEventListener('click', (event) => {
  if (event.target.id !== 'send') return;
  const b = window.__bench;
  b.tap = event.timeStamp; b.written = null; b.painted = null;
  const status = document.getElementById('send-status');
  const seen = new MutationObserver(() => {
    if (!/saved|enregistr|opgeslagen|gespeichert/i.test(status.textContent)) return;
    seen.disconnect();
    b.written = performance.now();
    requestAnimationFrame(() => setTimeout(() => { b.painted = performance.now(); }, 0));
  });
  seen.observe(status, { childList: true, characterData: true, subtree: true });
}, true);
window.__bench.uploads = [];
const realFetch = window.fetch;
window.fetch = async (url, init = {}) => {
  if (init.body instanceof FormData && init.body.get('photo')) {
    const encoded = await new Response(init.body).arrayBuffer();
    window.__bench.uploads.push({ photo: init.body.get('photo').size, body: encoded.byteLength });
  }
  return realFetch(url, init);
};
"""


@dataclass
class Slowdown:
    """The measures under one CPU slowdown."""

    rate: int
    label: str
    written_ms: list[float] = field(default_factory=list)
    painted_ms: list[float] = field(default_factory=list)
    prepare_ms: list[float] = field(default_factory=list)
    blocked_ms: list[float] = field(default_factory=list)
    uploads: list[dict] = field(default_factory=list)


def build_stats() -> dict:
    """The build's own numbers; builds the app first when pwa/dist has none."""
    if not STATS.exists():
        subprocess.run(["node", "build.mjs"], cwd=PWA, check=True)
    return json.loads(STATS.read_text())


def phone_photo(path: Path) -> Path:
    """A 12 MP camera-like JPEG with a phone's EXIF: Orientation 6 (stored sideways)."""
    jpeg = camera_like(seed=7)
    exif = Image.Exif()
    exif[0x0112] = 6
    app1 = exif.tobytes()
    # The EXIF segment goes in as a phone writes it, without re-encoding the pixels.
    segment = b"\xff\xe1" + (len(app1) + 2).to_bytes(2, "big") + app1
    path.write_bytes(jpeg[:2] + segment + jpeg[2:])
    return path


@contextmanager
def served_app() -> Iterator[str]:
    """The real app under gunicorn with a throwaway database and photo folder."""
    url = create_database("pwa")
    previous = os.environ.get("PHOTO_DIR")
    try:
        with tempfile.TemporaryDirectory(prefix="pave-bench-photos-") as photos:
            os.environ["PHOTO_DIR"] = photos
            with gunicorn("app:create_app()", url, ["--workers", "2", "--threads", "4"]) as base:
                yield base
    finally:
        if previous is None:
            os.environ.pop("PHOTO_DIR", None)
        else:
            os.environ["PHOTO_DIR"] = previous
        drop_database(url)


def one_report(page, photo: Path, result: Slowdown, n: int) -> None:
    """Photo, position, category, Send; waits until the photo has reached the server."""
    from playwright.sync_api import expect

    page.evaluate("window.__bench.longTasks = 0")
    started = page.evaluate("performance.now()")
    page.get_by_label("Take a photo").set_input_files(str(photo))
    expect(page.get_by_text("1 photo(s) will be sent with the report.")).to_be_visible()
    result.prepare_ms.append(page.evaluate("performance.now()") - started)
    result.blocked_ms.append(page.evaluate("window.__bench.longTasks"))
    page.get_by_role("button", name="Use my position").click()
    expect(page.get_by_text("Position found, accurate to about 12 m.")).to_be_visible()
    page.get_by_role("radio", name="Pothole", exact=True).check()
    page.get_by_label("Description").fill(f"Bench report {n}")
    with page.expect_request(
        lambda r: r.method == "POST" and r.url.endswith("/photos"), timeout=TIMEOUT_MS
    ) as upload:
        page.get_by_role("button", name="Send", exact=True).click()
        page.wait_for_function("window.__bench.painted !== null")
        timing = page.evaluate("window.__bench")
    result.written_ms.append(timing["written"] - timing["tap"])
    result.painted_ms.append(timing["painted"] - timing["tap"])
    upload.value.response()
    # The body is a Blob in FormData, which Playwright does not copy: the page counts it.
    result.uploads.append(page.evaluate("window.__bench.uploads.at(-1)"))


def measure(base: str, photo: Path, sends: int) -> list[Slowdown]:
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for rate, label, script in SETTINGS:
                context = browser.new_context(
                    base_url=base,
                    viewport={"width": 390, "height": 844},
                    is_mobile=True,
                    has_touch=True,
                    locale="en-GB",
                    geolocation=GRAND_PLACE,
                    permissions=["geolocation"],
                    # Every delivery then runs in the page, where the probe counts its bytes.
                    service_workers="block",
                )
                context.set_default_timeout(TIMEOUT_MS)
                context.add_init_script(script + PROBE)
                page = context.new_page()
                page.goto("/")
                page.wait_for_selector("body[data-ready='true']", state="attached")
                cdp = context.new_cdp_session(page)
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
                result = Slowdown(rate, label)
                for n in range(sends):
                    one_report(page, photo, result, n)
                log(f"pwa: {sends} reports sent at CPU slowdown {rate}x, {label}")
                results.append(result)
                context.close()
        finally:
            browser.close()
    return results


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} ms (max {max(values):.0f})"


def table(stats: dict, photo_bytes: int, results: list[Slowdown]) -> str:
    upload = statistics.median(u["body"] for u in results[0].uploads)
    jpeg = statistics.median(u["photo"] for u in results[0].uploads)
    rows = [
        (
            "app JS + CSS, gzipped, map library excluded "
            f"(budget {stats['budgetGzipBytes'] / 1024:.0f} KB)",
            f"**{stats['appGzipBytes'] / 1024:.1f} KB**",
        ),
        (
            "map library (Leaflet JS + CSS, loaded on demand), raw",
            f"{stats['mapRawBytes'] / 1024:.1f} KB",
        ),
        ("12 MP camera photo (4000x3000 JPEG, Orientation 6)", f"{photo_bytes / 1024:.0f} KB"),
        (
            "**bytes uploaded for it** (multipart request body)",
            f"**{upload / 1024:.0f} KB** ({upload / photo_bytes:.0%}), "
            f"of which the JPEG {jpeg / 1024:.0f} KB",
        ),
    ]
    for r in results:
        cpu = ("CPU as is" if r.rate == 1 else f"CPU slowed {r.rate}x") + f", {r.label}"
        n = len(r.written_ms)
        rows += [
            (
                f'tap on Send → "saved on your phone" written, {cpu}, median of {n}',
                f"**{_ms(r.written_ms)}**",
            ),
            (f"tap on Send → first frame showing it, {cpu}", _ms(r.painted_ms)),
            (f"photo picked → ready (downscale, re-encode), {cpu}", _ms(r.prepare_ms)),
            (f"main thread blocked by long tasks meanwhile, {cpu}", _ms(r.blocked_ms)),
        ]
    return value_table("Resident app (headless chromium, 390x844 phone viewport)", rows)


def run(sends: int = SENDS) -> str:
    stats = build_stats()
    with tempfile.TemporaryDirectory(prefix="pave-bench-pwa-") as tmp:
        photo = phone_photo(Path(tmp) / "camera.jpg")
        with served_app() as base:
            results = measure(base, photo, sends)
        return table(stats, photo.stat().st_size, results)


if __name__ == "__main__":
    print(run())
