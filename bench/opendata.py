"""Open-data benchmark: CSV and GeoJSON exports of 100,000 and 1,000,000 reports beside COPY.

`python -m bench.opendata` prints a Markdown table. One throwaway database gets 100,000
reports from app/opendata/generate.py (spread over Belgium's communes, two years of them),
is measured, then gets 900,000 more and is measured again at 1,000,000: the same database,
indexes and settings at both sizes, so that only N changes.

Each measurement runs in a fresh Python process (`--child`), which warms up (imports, the
app, one empty export), resets its peak resident memory (/proc/self/clear_refs), exports
every report and reports its time and the growth of its peak RSS:

- **COPY reports** (the issue's floor): psycopg reading a plain `COPY reports TO STDOUT
  (FORMAT csv)`, the whole table as it is stored, every column; nothing kept;
- **COPY** of the CSV's rows: psycopg reading `COPY (<the CSV export's own SELECT>) TO
  STDOUT`, i.e. PostgreSQL writing the very bytes of the CSV file;
- **CSV** and **GeoJSON**: GET /opendata/reports.csv|geojson through the Flask test client,
  the whole route (arguments, count, streamed response), every chunk read and dropped;
- **COPY of the Features**: PostgreSQL building the GeoJSON Features alone, the floor of the
  GeoJSON export.

Then, at 1,000,000, OGC API Features' items with a bbox and limit=1000 through the test
client (p50/p95 over 100 requests), beside the plain records query of the same rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bench.db import create_database, drop_database, log
from bench.timing import timed

SIZES = (100_000, 1_000_000)
SEED = 20261128
YEARS = 2
KINDS = ("copy_reports", "copy", "csv", "copy_features", "geojson")
# The goals of issue 14: export time over the time of a plain COPY of the reports table.
GOALS = {"csv": 2.0, "geojson": 3.0}
# The centre of Brussels (the densest region): over a thousand reports in the box at 1M.
OGC_BBOX = (4.340, 50.835, 4.370, 50.855)
OGC_ROUNDS = 100
OGC_WARMUP = 10


@dataclass(frozen=True)
class Run:
    rows: int
    bytes: int
    seconds: float
    peak_rss_growth_mb: float

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds


# ---------------------------------------------------------------- the measuring process


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _child(kind: str, url: str) -> None:
    """Export everything once as `kind`; print the Run as JSON."""
    from app.opendata import export, records
    from app.web import create_app

    app = create_app({"DATABASE_URL": url})
    client = app.test_client()
    engine = create_engine(url)
    prefix = "http://localhost/api/v1/photos/"

    def copy(select, flt: records.RecordFilter, options: str) -> tuple[int, int]:
        with engine.connect() as conn:
            # The export's own settings (see app/opendata/export.py).
            conn.exec_driver_sql("SET LOCAL jit = off")
            conn.exec_driver_sql("SET LOCAL datestyle = 'ISO, YMD'")
            sql, params = select(flt, prefix)
            query, values = export.driver_sql(conn, sql, params)
            raw = conn.connection.driver_connection
            rows = size = 0
            statement = f"COPY ({query}) TO STDOUT {options}"
            with raw.cursor() as cursor, cursor.copy(statement, values) as rows_out:
                for row in rows_out:
                    rows += 1
                    size += len(row)
            conn.rollback()
        return rows, size

    def route(fmt: str, query: str) -> tuple[int, int]:
        response = client.get(f"/opendata/reports.{fmt}{query}", buffered=False)
        try:
            assert response.status_code == 200, response.data
            size = sum(len(chunk) for chunk in response.response)
        finally:
            response.close()
        return int(response.headers["X-Total-Count"]), size

    def copy_reports(flt: records.RecordFilter) -> tuple[int, int]:
        # The whole table; the warm-up (a period: `end`) copies none of it.
        statement = "COPY reports TO STDOUT (FORMAT csv)"
        if flt.end:
            statement = "COPY (SELECT * FROM reports WHERE false) TO STDOUT (FORMAT csv)"
        with engine.connect() as conn:
            raw = conn.connection.driver_connection
            rows = size = 0
            with raw.cursor() as cursor, cursor.copy(statement) as rows_out:
                for row in rows_out:
                    rows += 1
                    size += len(row)
            conn.rollback()
        return rows, size

    def run(flt: records.RecordFilter, query: str) -> tuple[int, int]:
        if kind == "copy_reports":
            return copy_reports(flt)
        if kind == "copy":
            rows, size = copy(export.csv_select, flt, "WITH (FORMAT csv, HEADER)")
            return rows - 1, size  # the header
        if kind == "copy_features":
            return copy(export.geojson_select, flt, "")
        return route(kind, query)

    # Warm-up: every module imported, the pool connected, the code path run once (no rows).
    nothing = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    run(records.RecordFilter(end=nothing), "?end=2000-01-01")
    # Peak RSS from here on (Linux: writing 5 to clear_refs resets VmHWM to the current RSS).
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_kb("VmRSS")
    started = time.perf_counter()
    rows, size = run(records.RecordFilter(), "")
    seconds = time.perf_counter() - started
    growth = (_status_kb("VmHWM") - before) / 1024
    engine.dispose()
    print(json.dumps({"rows": rows, "bytes": size, "seconds": seconds, "growth": growth}))


def measure(kind: str, url: URL) -> Run:
    command = [sys.executable, "-m", "bench.opendata", "--child", kind]
    command.append(url.render_as_string(hide_password=False))
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} export failed:\n{done.stderr}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return Run(out["rows"], out["bytes"], out["seconds"], out["growth"])


# ---------------------------------------------------------------- the benchmark


def _generate(url: URL, n: int, seed: int) -> None:
    from app.opendata.generate import generate_reports

    engine = create_engine(url)
    try:
        end = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
        started = time.perf_counter()
        with Session(engine) as session, session.begin():
            generate_reports(
                session, n, seed=seed, start=end - dt.timedelta(days=365 * YEARS), end=end
            )
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
            total = conn.execute(text("SELECT count(*) FROM reports")).scalar_one()
        log(f"opendata: {n:,} reports generated in {time.perf_counter() - started:.0f} s")
    finally:
        engine.dispose()
    if total < n:
        raise RuntimeError(f"only {total:,} reports after generating {n:,}")


def measure_ogc(url: URL) -> dict[str, tuple[float, float, int]] | None:
    """p50/p95 ms of the OGC items page with a bbox, and of its plain records query."""
    from app.opendata import records
    from app.web import create_app

    app = create_app({"DATABASE_URL": url.render_as_string(hide_password=False)})
    if "ogc.items" not in app.view_functions:
        return None
    client = app.test_client()
    bbox = ",".join(str(v) for v in OGC_BBOX)
    path = f"/ogc/collections/reports/items?bbox={bbox}&limit=1000"

    def api() -> int:
        response = client.get(path)
        assert response.status_code == 200, response.data[:300]
        return len(response.get_json()["features"])

    engine = create_engine(url)
    sql, params = records.select(records.RecordFilter(bbox=OGC_BBOX))
    sql = sql.text + " LIMIT 1000"
    results = {}
    try:
        with engine.connect() as conn:

            def plain() -> int:
                return len(conn.execute(text(sql), params).all())

            for name, call in (("api", api), ("sql", plain)):
                results[name] = timed(call, OGC_ROUNDS, OGC_WARMUP)
    finally:
        engine.dispose()
    return results


def _mb(n: int) -> str:
    return f"{n / 1_000_000:,.0f} MB"


def table(runs: dict[int, dict[str, Run]], ogc) -> str:
    labels = {
        "copy_reports": "`COPY reports TO STDOUT (FORMAT csv)` (the floor)",
        "copy": "COPY of the CSV's rows",
        "csv": "**CSV** /opendata/reports.csv",
        "copy_features": "COPY of the GeoJSON Features",
        "geojson": "**GeoJSON** /opendata/reports.geojson",
    }
    sizes = list(runs)
    header = " | ".join(f"{n:,} reports" for n in sizes)
    lines = [
        f"| Open-data exports | {header} | peak RSS growth |",
        "| --- |" + " ---: |" * len(sizes) + " ---: |",
    ]
    for kind in KINDS:
        cells = [
            f"{r.rows_per_s:,.0f} rows/s ({r.seconds:.1f} s, {_mb(r.bytes)})"
            for r in (runs[n][kind] for n in sizes)
        ]
        memory = " → ".join(f"{runs[n][kind].peak_rss_growth_mb:.1f}" for n in sizes) + " MB"
        lines.append(f"| {labels[kind]} | " + " | ".join(cells) + f" | {memory} |")
    for kind, goal in GOALS.items():
        ratios = [runs[n][kind].seconds / runs[n]["copy_reports"].seconds for n in sizes]
        verdict = "met" if max(ratios) <= goal else "missed"
        name = "CSV" if kind == "csv" else "GeoJSON"
        lines.append(
            f"| **{name} time / COPY reports time** (goal ≤ {goal:g}x: {verdict}) | "
            + " | ".join(f"**{r:.2f}x**" for r in ratios)
            + " | |"
        )
    if ogc:
        api, sql = ogc["api"], ogc["sql"]
        lines += [
            "",
            f"| OGC API Features, {sizes[-1]:,} reports | features | p50 | **p95** |",
            "| --- | ---: | ---: | ---: |",
            f"| /ogc/collections/reports/items?bbox=…&limit=1000 | {api[2]:,} | "
            f"{api[0]:.1f} ms | **{api[1]:.1f} ms** |",
            f"| plain records query, same bbox, LIMIT 1000 | {sql[2]:,} | {sql[0]:.1f} ms | "
            f"{sql[1]:.1f} ms |",
        ]
    return "\n".join(lines)


def run(repeat: int = 2, sizes: tuple[int, ...] = SIZES) -> str:
    """Build the database, measure at each size (best of `repeat` but the largest), drop it."""
    url = create_database("opendata")
    runs: dict[int, dict[str, Run]] = {}
    ogc = None
    try:
        have = 0
        for n in sizes:
            _generate(url, n - have, SEED + n)
            have = n
            runs[n] = {}
            # The largest size is measured once: a run of a minute evens out the noise, and
            # the benchmark stays within ten minutes.
            times = repeat if n < sizes[-1] else 1
            for kind in KINDS:
                log(f"opendata: {kind} of {n:,} reports")
                best = min((measure(kind, url) for _ in range(times)), key=lambda r: r.seconds)
                if best.rows != n:
                    raise RuntimeError(f"{kind} exported {best.rows:,} rows of {n:,}")
                runs[n][kind] = best
        log("opendata: OGC items with bbox")
        ogc = measure_ogc(url)
    finally:
        drop_database(url)
    result = table(runs, ogc)
    if ogc is None:
        result += "\n\n(OGC API Features is not there: no /ogc/ items measured.)"
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.opendata", description=__doc__)
    parser.add_argument(
        "--repeat", type=int, default=2, help="best of N for each export (the largest size: once)"
    )
    parser.add_argument(
        "--sizes",
        type=lambda v: tuple(int(n) for n in v.split(",")),
        default=SIZES,
        help="report counts, ascending, comma-separated (default: 100000,1000000)",
    )
    parser.add_argument("--child", nargs=2, metavar=("KIND", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, url = args.child
        _child(kind, str(make_url(url).render_as_string(hide_password=False)))
        return
    started = time.perf_counter()
    print(run(args.repeat, args.sizes))
    log(f"opendata: done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
