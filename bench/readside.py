"""`python -m bench.readside`: the public read side at national scale (issue 14's benchmarks).

One throwaway database gets `--size` generated reports (default 2,000,000; bench/readside_data.py),
then, against gunicorn with `make run`'s settings on it:

1. each dashboard figure (three filters), the outlines, Open311 GET and the snapshots, one
   request at a time: p50/p95 beside the figure's query alone (bench/readside_cases.py);
2. OGC API items with a bbox beside pygeoapi on the same view (bench/readside_pygeoapi.py);
3. the load test: 50 wrk clients for 60 s over a mix of public reads (bench/readside_load.py);
4. the CSV and GeoJSON exports of every report beside a plain COPY (bench/readside_exports.py).

It prints Markdown tables, each as soon as it is measured, with the machine's load average beside each part (the machine is
shared: absolute times move with it, ratios much less). The database is dropped at the end,
even after an error, unless `--keep`; `--database NAME` measures an existing one instead of
generating (kept). An address missing from the app is a row that says so; nothing is skipped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import signal
import sys
import tempfile
import time

import httpx

from bench import readside_cases, readside_exports, readside_load, readside_pygeoapi
from bench.db import create_database, drop_database, log, server_url
from bench.intake import gunicorn
from bench.readside_data import DataTimings, data_end, generate, snapshot, upgrade


def _load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load {one:.1f} / {five:.1f}"


def _ms(latency: readside_cases.Latency | None, field: str) -> str:
    return f"{getattr(latency, field):.1f} ms" if latency else "—"


def _verdict(case: readside_cases.Case) -> str:
    if case.http is None:
        return ""
    fast = case.http.p95_ms < 50
    if case.query is None:
        return "met" if fast else "missed (p95 ≥ 50 ms)"
    close = case.http.p95_ms <= 2 * case.query.p95_ms
    if fast and close:
        return "met"
    why = [w for w, ok in (("p95 ≥ 50 ms", fast), ("> 2x its query", close)) if not ok]
    return "missed (" + ", ".join(why) + ")"


def cases_table(todo: list[readside_cases.Case], size: int) -> str:
    lines = [
        f"| Public read, {size:,} reports | filters | HTTP p50 | **HTTP p95** | query p50 | "
        "query p95 | **p95 / query** | goal: p95 < 50 ms, ≤ 2x | answer | samples |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for c in todo:
        if c.missing:
            lines.append(f"| {c.label} | {c.filters} | {c.missing} | | | | | | | |")
            continue
        ratio = f"**{c.http.p95_ms / c.query.p95_ms:.2f}x**" if c.http and c.query else "—"
        samples = f"{c.http.samples if c.http else 0} / {c.query.samples if c.query else 0}"
        size_kb = f"{c.size / 1000:,.1f} KB"
        verdict = _verdict(c) + (f"; {c.note}" if c.note else "")
        lines.append(
            f"| {c.label} | {c.filters} | {_ms(c.http, 'p50_ms')} | **{_ms(c.http, 'p95_ms')}** | "
            f"{_ms(c.query, 'p50_ms')} | {_ms(c.query, 'p95_ms')} | {ratio} | {verdict} | "
            f"{size_kb} | {samples} |"
        )
    return "\n".join(lines)


def ogc_table(r: readside_pygeoapi.OgcResult, size: int) -> str:
    bbox = ",".join(str(v) for v in readside_load.BBOXES[0])
    lead = (
        f"**{r.pygeoapi.p50_ms / r.pave.p50_ms:.2f}x** / **{r.pygeoapi.p95_ms / r.pave.p95_ms:.2f}x**"
        if r.pave and r.pygeoapi
        else "—"
    )
    return "\n".join(
        [
            f"| OGC API items, bbox={bbox}, limit=100, {size:,} reports | features | p50 | "
            "**p95** |",
            "| --- | ---: | ---: | ---: |",
            f"| Pavé /ogc/collections/reports/items | {r.pave_features} | "
            f"{_ms(r.pave, 'p50_ms')} | **{_ms(r.pave, 'p95_ms')}** |",
            f"| {r.note or 'pygeoapi'}, same view, /collections/reports/items | "
            f"{r.pygeoapi_features} | {_ms(r.pygeoapi, 'p50_ms')} | **{_ms(r.pygeoapi, 'p95_ms')}** |",
            f"| plain SQL of the same bbox (records.select, LIMIT 100) | {r.sql_rows} | "
            f"{_ms(r.sql, 'p50_ms')} | {_ms(r.sql, 'p95_ms')} |",
            f"| **pygeoapi / Pavé** (p50 / p95; > 1 is Pavé's lead) | | {lead} | |",
        ]
    )


def _head_rows(r: readside_load.LoadResult) -> list[str]:
    h = r.heads
    if h is None:
        return []
    statuses = ", ".join(f"{code}: {n:,}" for code, n in sorted(h.statuses.items()))
    p50, p95 = readside_cases.percentiles(h.samples_ms) if h.samples_ms else (0.0, 0.0)
    return [
        f"| + 1 Python client, HEAD of the 4 snapshots (wrk cannot read HEAD answers) | "
        f"{len(h.samples_ms):,} answered, p50 {p50:.0f} / p95 {p95:.0f} ms, "
        f"{h.timeouts} timeouts; {statuses or 'none'} |"
    ]


def load_table(r: readside_load.LoadResult, served: str) -> str:
    ok = r.errors == 0 and r.p99_ms < 300
    statuses = ", ".join(f"{code}: {n:,}" for code, n in sorted(r.statuses.items()))
    lines = [
        f"| Load test, {r.connections} clients, {r.seconds:.0f} s, {served} | value |",
        "| --- | ---: |",
        f"| requests/s | **{r.per_second:,.1f}** |",
        f"| p50 / p90 / **p99** (answered requests) | {r.p50_ms:.0f} / {r.p90_ms:.0f} / "
        f"**{r.p99_ms:.0f} ms** |",
        f"| errors: status not 2xx/304 / socket errors / timeouts (2 s) / HEAD client | "
        f"**{r.bad_status:,}** / {r.socket_errors:,} / {r.timeouts:,} / {r.head_errors:,} |",
        f"| statuses | {statuses} |",
        *_head_rows(r),
        f"| goal: 0 errors and p99 < 300 ms | **{'met' if ok else 'missed'}** |",
    ]
    missing = [f"{m} {p} → {s}" for m, p, s in r.checked if not (200 <= s < 300 or s == 304)]
    if missing:
        lines.append(f"| not answering 2xx/304 before the run | {'; '.join(missing)} |")
    return "\n".join(lines)


def _emit(text_: str) -> None:
    """One table, printed as soon as it is measured: a later part that fails keeps it."""
    print(f"\n{text_}", flush=True)


def _measure(url, end: dt.datetime, args) -> None:
    """Everything that needs the app served: per-read latency, OGC, the load test."""
    todo = readside_cases.cases(end.date())
    workers = readside_load.DEPLOY_WORKERS if args.deploy else readside_load.MAKE_RUN_WORKERS
    with gunicorn(readside_load.MAKE_RUN_APP, url, workers) as base:
        started_load = _load()
        readside_cases.prime(base, [(c.method, c.path, c.params) for c in todo])
        with httpx.Client(base_url=base, timeout=120) as client:
            for case in todo:
                log(f"readside: HTTP {case.label} ({case.filters})")
                readside_cases.measure_http(client, case, args.rounds, args.warmup, args.budget)
        # The figures' queries alone, while the served app is idle.
        log("readside: the figures' queries alone")
        readside_cases.measure_queries(url, todo, args.rounds, args.warmup, args.budget)
        _emit(f"{cases_table(todo, args.size)}\n\n({started_load} when it started.)")
        if not args.skip_ogc:
            log("readside: OGC items, Pavé and pygeoapi")
            started_load = _load()
            ogc = readside_pygeoapi.measure(base, url, args.rounds, args.warmup, args.budget)
            _emit(f"{ogc_table(ogc, args.size)}\n\n({started_load} when it started.)")
        if not args.skip_load:
            log(f"readside: load test, {args.connections} clients for {args.seconds} s")
            started_load = _load()
            first = (end - dt.timedelta(days=364)).date().isoformat()
            result = readside_load.load_test(
                base,
                first,
                end.date().isoformat(),
                connections=args.connections,
                seconds=args.seconds,
            )
            served = readside_load.server_label(args.deploy)
            _emit(
                f"{load_table(result, served)}\n\n({started_load} before the run, "
                f"{_load()} after it.)"
            )


def _print_data(timings: DataTimings) -> None:
    print(f"Measured on {os.cpu_count()} cores, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.")
    steps = ", ".join(f"{k} {v:.0f} s" for k, v in timings.steps.items())
    rate = timings.reports / timings.steps["generate"] if "generate" in timings.steps else 0
    print(
        f"Data: {timings.reports:,} reports, {timings.history_rows:,} status changes; {steps}"
        + (f" ({rate:,.0f} reports/s generated)" if rate else "")
        + ".",
        flush=True,
    )
    for note in timings.notes:
        print(f"Note: {note}.", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.readside", description=__doc__)
    parser.add_argument("--size", type=int, default=2_000_000, help="reports to generate")
    parser.add_argument("--database", help="measure this existing bench database (kept)")
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument("--rounds", type=int, default=200, help="requests per read")
    parser.add_argument("--warmup", type=int, default=20, help="warm-up requests per read")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per read at most")
    parser.add_argument("--seconds", type=int, default=60, help="load test duration")
    parser.add_argument("--connections", type=int, default=50, help="load test clients")
    parser.add_argument(
        "--no-public-cache",
        action="store_true",
        help="PUBLIC_CACHE_SECONDS=0: time the figures themselves, not the answer cache",
    )
    parser.add_argument(
        "--deploy",
        action="store_true",
        help="serve the app with deploy/gunicorn.conf.py (gthread) instead of make run's 4 sync "
        "workers",
    )
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-ogc", action="store_true")
    parser.add_argument("--skip-exports", action="store_true")
    args = parser.parse_args()

    # A SIGTERM ends the run through the finally blocks: gunicorn stopped, database dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.perf_counter()
    timings = DataTimings()
    # The snapshots of the bench database go to a directory of their own, which the snapshot
    # command and the bench's gunicorn both read from the environment; removed at the end.
    snapshots = tempfile.mkdtemp(prefix="bench-snapshots-")
    os.environ["SNAPSHOT_DIR"] = snapshots
    if args.no_public_cache:  # Read by the app's settings, in gunicorn's workers too.
        os.environ["PUBLIC_CACHE_SECONDS"] = "0"
    keep = args.keep or bool(args.database)
    url = server_url().set(database=args.database) if args.database else None
    try:
        if url is None:
            url = create_database("readside")
            timings.steps["create, migrate, boundaries"] = time.perf_counter() - started
            end = generate(url, args.size, timings)
        else:
            upgrade(url, timings)
            end = data_end(url, timings)
            timings.notes.append(f"existing database {args.database}, data up to {end:%Y-%m-%d}")
        snapshot(url, timings)
        _print_data(timings)
        _measure(url, end, args)
        if not args.skip_exports:
            started_load = _load()
            exports = readside_exports.measure(url)
            _emit(f"{readside_exports.table(exports)}\n\n({started_load} when they started.)")
        print(f"\nThe whole run: {time.perf_counter() - started:.0f} s.")
    finally:
        shutil.rmtree(snapshots, ignore_errors=True)
        if url is not None and not keep:
            drop_database(url)
        elif url is not None:
            log(f"readside: kept database {url.database}")


if __name__ == "__main__":
    main()
