"""The read-side load test: 50 wrk clients for 60 s against gunicorn with `make run`'s settings.

The mix (one request a line, sent round robin by bench/readside.lua) is what the public reads
at once when the dashboard is linked from a newspaper: the dashboard's four figures under
several filters, the communes' outlines revalidated with If-None-Match (304 expected), OGC
API items in three bboxes, Open311 GET (default window, and filtered), and the snapshots'
HEAD and Range requests (what GDAL's /vsicurl/ sends). Each line is requested once before the
run, and its status is shown: a 404 there means that address is not on this main, and every
404 of the run counts as an error.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "readside.lua"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
# make run: the Procfile's web line (4 sync workers, the default worker class; WORKERS=4).
MAKE_RUN_WORKERS = [
    "--workers",
    "4",
    "--graceful-timeout",
    "3",
    "--access-logfile",
    "-",
    "--logger-class",
    "app.accesslog.TokenMaskingLogger",
]
MAKE_RUN_APP = "app.web:create_app()"
# The reference deployment (`python -m bench.readside --deploy`): deploy/gunicorn.conf.py with
# its defaults, 2 x cores + 1 gthread workers of 4 threads each, with keep-alive.
DEPLOY_WORKERS = ["--config", "deploy/gunicorn.conf.py"]


def server_label(deploy: bool) -> str:
    """How the app is served, as the tables say it."""
    if not deploy:
        return "4 sync workers (make run)"
    return f"{2 * (os.cpu_count() or 1) + 1} gthread workers x 4 threads (deploy/gunicorn.conf.py)"


# Brussels' centre, Antwerp's, Liège's: (min lon, min lat, max lon, max lat).
BBOXES = (
    (4.340, 50.835, 4.370, 50.855),
    (4.390, 51.200, 4.430, 51.230),
    (5.550, 50.620, 5.600, 50.650),
)


@dataclass
class LoadResult:
    connections: int
    seconds: float
    requests: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    bad_status: int
    socket_errors: int
    timeouts: int
    statuses: dict[int, int] = field(default_factory=dict)
    # Each line of the mix, asked once before the run: (method, path, status).
    checked: list[tuple[str, str, int]] = field(default_factory=list)
    heads: HeadResult | None = None

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    @property
    def head_errors(self) -> int:
        """The HEAD client's answers other than 2xx, and its timeouts."""
        if self.heads is None:
            return 0
        bad = sum(n for code, n in self.heads.statuses.items() if not 200 <= code < 300)
        return bad + self.heads.timeouts

    @property
    def errors(self) -> int:
        return self.bad_status + self.socket_errors + self.timeouts + self.head_errors


def _q(path: str, **params: str) -> str:
    return path + ("?" + urllib.parse.urlencode(params) if params else "")


def mix(start: str, end: str, etag: str | None) -> list[tuple[str, str, dict[str, str]]]:
    """The requests of the load test, in order: (method, path with query, headers)."""
    figures = "/opendata/dashboard/"
    bbox = [",".join(str(v) for v in box) for box in BBOXES]
    outlines = ("GET", figures + "outlines", {"If-None-Match": etag or '"none"'})
    return [
        ("GET", _q(figures + "communes"), {}),
        ("GET", _q(figures + "communes", region="brussels"), {}),
        outlines,
        ("GET", _q(figures + "categories", region="flanders"), {}),
        ("GET", _q(figures + "statuses", region="wallonia", category="pothole"), {}),
        ("GET", _q("/ogc/collections/reports/items", bbox=bbox[0], limit="100"), {}),
        ("GET", _q(figures + "trend", region="brussels"), {}),
        ("GET", _q(figures + "categories", start=start, end=end), {}),
        outlines,
        ("GET", _q("/ogc/collections/reports/items", bbox=bbox[1], limit="100"), {}),
        ("GET", _q("/open311/v2/requests.json"), {}),
        ("GET", _q("/open311/v2/requests.json", service_code="pothole", status="open"), {}),
        ("GET", _q(figures + "statuses"), {}),
        ("GET", _q(figures + "trend", region="flanders", category="graffiti"), {}),
        ("GET", _q("/ogc/collections/reports/items", bbox=bbox[2], limit="100"), {}),
        ("GET", "/opendata/snapshots/reports.fgb", {"Range": "bytes=0-16383"}),
        ("GET", "/opendata/snapshots/reports.gpkg", {"Range": "bytes=0-65535"}),
    ]


# wrk cannot read an answer to HEAD (it waits for the body that Content-Length announces,
# then counts a read error when gunicorn closes the connection): the snapshots' HEAD requests
# come from one more client, in Python, during the wrk run. Their answers count like wrk's.
HEADS = tuple(f"/opendata/snapshots/reports.{ext}" for ext in ("csv", "geojson", "gpkg", "fgb"))


@dataclass
class HeadResult:
    statuses: dict[int, int] = field(default_factory=dict)
    timeouts: int = 0
    samples_ms: list[float] = field(default_factory=list)


def head_client(base: str, stop: threading.Event, out: HeadResult) -> None:
    """HEAD each snapshot in turn until `stop` is set (2 s timeout, as wrk's)."""
    with httpx.Client(base_url=base, timeout=2) as client:
        n = 0
        while not stop.is_set():
            started = time.perf_counter()
            try:
                status = client.head(HEADS[n % len(HEADS)]).status_code
            except httpx.TimeoutException:
                out.timeouts += 1
            else:
                out.statuses[status] = out.statuses.get(status, 0) + 1
                out.samples_ms.append((time.perf_counter() - started) * 1000)
            n += 1


def outlines_etag(base: str) -> str | None:
    response = httpx.get(base + "/opendata/dashboard/outlines", timeout=60)
    return response.headers.get("ETag") if response.status_code == 200 else None


def check(base: str, requests: list[tuple[str, str, dict[str, str]]]) -> list[tuple[str, str, int]]:
    """Each request once (also the warm-up of every worker's caches a little)."""
    with httpx.Client(base_url=base, timeout=120) as client:
        return [
            (method, path, client.request(method, path, headers=headers).status_code)
            for method, path, headers in requests
        ]


def run_wrk(
    base: str,
    requests: list[tuple[str, str, dict[str, str]]],
    *,
    threads: int,
    connections: int,
    seconds: int,
) -> LoadResult:
    """One bounded wrk run over the mix; its RESULT and STATUS lines parsed."""
    lines = ["\t".join([m, p, *(f"{k}: {v}" for k, v in h.items())]) for m, p, h in requests]
    with tempfile.NamedTemporaryFile("w", suffix=".mix", delete=False) as f:
        f.write("\n".join(lines) + "\n")
    try:
        command = [WRK, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
        command += ["--timeout", "2s", "-s", str(LUA), base, "--", f.name]
        out = subprocess.run(
            command, check=True, capture_output=True, text=True, timeout=seconds + 120
        ).stdout
    finally:
        os.unlink(f.name)
    statuses = {
        int(code): int(count)
        for code, count in (x.split()[1:] for x in out.splitlines() if x.startswith("STATUS "))
    }
    result = next(x for x in out.splitlines() if x.startswith("RESULT "))
    total, duration, p50, p90, p99, bad, errors, timeouts = (int(v) for v in result.split()[1:])
    return LoadResult(
        connections,
        duration / 1e6,
        total,
        p50 / 1e3,
        p90 / 1e3,
        p99 / 1e3,
        bad,
        errors,
        timeouts,
        statuses,
    )


def load_test(base: str, start: str, end: str, *, connections: int, seconds: int) -> LoadResult:
    requests = mix(start, end, outlines_etag(base))
    checked = check(base, [*requests, *(("HEAD", path, {}) for path in HEADS)])
    stop, heads = threading.Event(), HeadResult()
    thread = threading.Thread(target=head_client, args=(base, stop, heads))
    thread.start()
    try:
        result = run_wrk(base, requests, threads=2, connections=connections, seconds=seconds)
    finally:
        stop.set()
        thread.join()
    result.checked = checked
    result.heads = heads
    return result
