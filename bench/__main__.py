"""`python -m bench`: the routing, intake and photo benchmarks, printed as Markdown tables."""

from __future__ import annotations

import argparse
import os
import time

from bench import intake, photos, routing
from bench.db import databases, log

DENSIFY_M = 25.0

# Both apps run under the same gunicorn settings. gthread keeps the 16 connections alive
# and lets a worker overlap one request's wait on PostgreSQL with another's Python; sync
# workers close every connection and sit idle through each commit. Both are measured.
WORKER_SETTINGS = {
    "gthread 4x4": ["--workers", "4", "--worker-class", "gthread", "--threads", "4"],
    "sync 4": ["--workers", "4", "--worker-class", "sync"],
}
APPS = {
    "Pavé POST /api/v1/reports": ("app:create_app()", "/api/v1/reports"),
    "minimal Flask + psycopg": ("bench.minimal_app:create_app()", "/reports"),
}


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def routing_table(real: routing.RoutingResult, dense: routing.RoutingResult) -> str:
    cols = (real, dense)

    def row(label: str, fn) -> str:
        return f"| {label} | " + " | ".join(fn(r) for r in cols) + " |"

    lines = [
        "| Routing | real 2025 polygons | densified to 25 m |",
        "| --- | ---: | ---: |",
        row("vertices (communes)", lambda r: f"{r.vertices:,}"),
        row("subdivided parts (max vertices)", lambda r: f"{r.parts:,} ({r.max_part_vertices})"),
        row("(a) `SELECT 1` round trip", lambda r: f"{r.select_one_us:.0f} µs"),
        row("(a) `locate()` single lookup", lambda r: f"{r.locate_us:.0f} µs"),
        row(
            "(a) **locate / SELECT 1** (goal ≤ 1.5x)",
            lambda r: f"**{_ratio(r.locate_us, r.select_one_us)}**",
        ),
        row(
            "(b) join, naive ST_Contains on full polygons",
            lambda r: f"{r.batch_ms['naive_join']:.0f} ms",
        ),
        row(
            "(b) join, ST_Covers on subdivided parts",
            lambda r: f"{r.batch_ms['parts_join']:.0f} ms",
        ),
        row(
            "(b) **join speed-up, naive / subdivided** (goal ≥ 2.5x densified)",
            lambda r: f"**{_ratio(r.batch_ms['naive_join'], r.batch_ms['parts_join'])}**",
        ),
        row(
            "(b) per point, naive ST_Contains", lambda r: f"{r.batch_ms['naive_per_point']:.0f} ms"
        ),
        row(
            "(b) per point, ST_Covers on parts", lambda r: f"{r.batch_ms['parts_per_point']:.0f} ms"
        ),
        row(
            "(b) **per-point speed-up, naive / subdivided**",
            lambda r: f"**{_ratio(r.batch_ms['naive_per_point'], r.batch_ms['parts_per_point'])}**",
        ),
        row(
            "(c) STRtree of polygons, `query(points, 'within')`",
            lambda r: f"{r.tree_within_ms:.0f} ms (+{r.tree_build_ms:.0f} ms build)",
        ),
        row(
            "(c) STRtree of points, `query(polygons, 'contains')`",
            lambda r: (
                f"{r.points_tree_contains_ms:.0f} ms (+{r.points_tree_build_ms:.0f} ms build)"
            ),
        ),
        row(
            "(c) best PostGIS batch / best STRtree",
            lambda r: _ratio(
                min(r.batch_ms.values()), min(r.tree_within_ms, r.points_tree_contains_ms)
            ),
        ),
        row(
            "points matched (join / per point / STRtree)",
            lambda r: (
                f"{r.batch_matched['parts_join']:,} / "
                f"{r.batch_matched['parts_per_point']:,} / {r.strtree_matched:,}"
            ),
        ),
    ]
    return "\n".join(lines)


def intake_table(results: dict[str, dict[str, intake.IntakeResult]]) -> str:
    lines = [
        "| Intake, 16 clients | workers | creations/s | p50 | p99 | errors | share of minimal |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for setting, by_app in results.items():
        floor = by_app["minimal Flask + psycopg"].per_second
        for name, r in by_app.items():
            share = _ratio(r.per_second, floor) if name.startswith("Pavé") else "1.00x"
            lines.append(
                f"| {name} | {setting} | {r.per_second:,.0f} | {r.p50_ms:.1f} ms | "
                f"{r.p99_ms:.1f} ms | {r.bad_status + r.socket_errors} | {share} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--lookups", type=int, default=2000, help="points for (a)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds for (a)")
    parser.add_argument("--batch", type=int, default=100_000, help="points for (b) and (c)")
    parser.add_argument("--repeat", type=int, default=3, help="best of N for (b) and (c)")
    parser.add_argument("--seconds", type=int, default=12, help="measured seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up seconds per wrk run")
    parser.add_argument("--skip-intake", action="store_true")
    parser.add_argument("--skip-photos", action="store_true")
    args = parser.parse_args()

    started = time.perf_counter()
    with databases(DENSIFY_M) as (real_url, dense_url):
        lookups = routing.inside_points(real_url, args.lookups)
        xy = routing.bbox_points(args.batch)
        results = []
        for label, url in (("real", real_url), ("densified", dense_url)):
            log(f"routing on the {label} set")
            results.append(
                routing.run(url, label, lookups, xy, rounds=args.rounds, repeat=args.repeat)
            )
        intake_results: dict[str, dict[str, intake.IntakeResult]] = {}
        if not args.skip_intake:
            for setting, worker_args in WORKER_SETTINGS.items():
                for name, (app, path) in APPS.items():
                    log(f"intake: {name}, {setting}")
                    intake_results.setdefault(setting, {})[name] = intake.measure(
                        name,
                        app,
                        path,
                        real_url,
                        worker_args,
                        lookups,
                        warmup=args.warmup,
                        seconds=args.seconds,
                    )
    photo_table = None if args.skip_photos else photos.run()
    print(f"Measured on {os.cpu_count()} cores in {time.perf_counter() - started:.0f} s.\n")
    print(routing_table(*results))
    if intake_results:
        print()
        print(intake_table(intake_results))
    if photo_table:
        print()
        print(photo_table)


if __name__ == "__main__":
    main()
