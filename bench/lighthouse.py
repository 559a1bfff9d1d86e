"""Lighthouse 12.2.3 on the resident app: mobile, performance and accessibility, as a table."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench.db import create_database, drop_database, log
from bench.intake import gunicorn
from bench.markdown import value_table

ROOT = Path(__file__).resolve().parent.parent
PWA = ROOT / "pwa"
LIGHTHOUSE = PWA / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH") or "/usr/bin/chromium"
# The same switches as the browser tests: nothing in chromium itself may reach the network.
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CATEGORIES = ("performance", "accessibility")
GOAL = 95
RUNS = 3
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "total-byte-weight": "transfer",
}


@dataclass
class Run:
    """One Lighthouse run: scores out of 100, the metrics, and every URL the page requested."""

    scores: dict[str, int]
    metrics: dict[str, float]
    requests: list[str]
    failed_audits: list[str]


def lighthouse(url: str, output: Path) -> Run:
    """Run the pinned Lighthouse CLI once against `url` (mobile emulation, simulated network)."""
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: run `npm ci` in pwa/.")
    cmd = [
        str(LIGHTHOUSE),
        url,
        f"--only-categories={','.join(CATEGORIES)}",
        "--form-factor=mobile",
        "--throttling-method=simulate",
        "--output=json",
        f"--output-path={output}",
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        "--quiet",
    ]
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run(cmd, cwd=PWA, env=env, check=True, timeout=300)
    report = json.loads(output.read_text())
    audits = report["audits"]
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    metrics = {key: audits[key]["numericValue"] for key in METRICS}
    requests = [item["url"] for item in audits["network-requests"]["details"]["items"]]
    failed = sorted(
        f"{key}: {audit['title']}"
        for key, audit in audits.items()
        if audit.get("score") is not None
        and audit["score"] < 0.9
        and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    )
    return Run(scores, metrics, requests, failed)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def measure(base: str, runs: int = RUNS) -> list[Run]:
    results = []
    with tempfile.TemporaryDirectory(prefix="pave-lighthouse-") as tmp:
        for i in range(runs):
            run = lighthouse(base + "/", Path(tmp) / f"run-{i}.json")
            log(f"lighthouse run {i + 1}/{runs}: {run.scores}")
            for failed in run.failed_audits:
                log(f"  below 0.9: {failed}")
            results.append(run)
    return results


def table(results: list[Run], base: str) -> str:
    """The median of the runs (each column on its own), and what went off the app's origin."""
    median = {name: _median([r.scores[name] for r in results]) for name in CATEGORIES} | {
        key: _median([r.metrics[key] for r in results]) for key in METRICS
    }
    origin = urlsplit(base).netloc
    foreign = sorted({u for r in results for u in r.requests if urlsplit(u).netloc != origin})

    def goal(score: float) -> str:
        return f"**{score:.0f}**" + ("" if score >= GOAL else " (below goal)")

    rows = [
        (f"performance score (goal ≥ {GOAL})", goal(median["performance"])),
        (f"accessibility score (goal ≥ {GOAL})", goal(median["accessibility"])),
        ("First Contentful Paint", f"{median['first-contentful-paint'] / 1000:.1f} s"),
        ("Largest Contentful Paint", f"{median['largest-contentful-paint'] / 1000:.1f} s"),
        ("Total Blocking Time", f"{median['total-blocking-time']:.0f} ms"),
        ("Cumulative Layout Shift", f"{median['cumulative-layout-shift']:.3f}"),
        ("total transfer", f"{median['total-byte-weight'] / 1024:.1f} KB"),
        ("requests per load", str(len(results[0].requests))),
        ("requests off the app's origin (map tiles would be)", str(len(foreign))),
    ]
    heading = f"Lighthouse 12.2.3, mobile, simulated throttling (median of {len(results)})"
    return value_table(heading, rows)


def run(runs: int = RUNS) -> str:
    """A throwaway database, the real app under gunicorn on a free loopback port, Lighthouse."""
    url = create_database("lighthouse")
    try:
        with gunicorn("app:create_app()", url, ["--workers", "2"]) as base:
            return table(measure(base, runs), base)
    finally:
        drop_database(url)


if __name__ == "__main__":
    print(run())
