"""Exports of every report: rows/s and peak memory, beside a plain COPY of the reports table.

The exports are measured by bench/opendata.py's own code (`measure(kind, url)`: a fresh
process per export, the whole route through the Flask test client, peak RSS growth), here on
the read-side database. The floor the issue names is added here: a plain
`COPY reports TO STDOUT (FORMAT csv)` of the table itself, read through psycopg row by row
and dropped, in a fresh process measured the same way (`python -m bench.readside_exports`).
The CSV export's own SELECT through COPY (bench/opendata.py's "copy") is kept beside it: the
difference between the two is what the anonymised view costs.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import URL, create_engine
from sqlalchemy.engine import make_url

from bench import opendata
from bench.db import log

# bench/opendata.py's kinds, in the table's order, after the plain COPY of the table.
KINDS = ("copy", "csv", "geojson")
LABELS = {
    "copy_table": "plain `COPY reports TO STDOUT (FORMAT csv)` (the issue's floor)",
    "copy": "COPY of the CSV export's own SELECT (the view)",
    "csv": "**CSV** GET /opendata/reports.csv",
    "geojson": "**GeoJSON** GET /opendata/reports.geojson",
}
GOALS = {"csv": 2.0, "geojson": 3.0}


def _child(url: str) -> None:
    """COPY the reports table once; print rows, bytes, seconds and peak RSS growth as JSON."""
    engine = create_engine(url)
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        # Warm-up: the connection made, the COPY path run once (one row).
        warmup = "COPY (SELECT * FROM reports LIMIT 1) TO STDOUT (FORMAT csv)"
        with raw.cursor() as cursor, cursor.copy(warmup) as out:
            for _row in out:
                pass
        conn.rollback()
        Path("/proc/self/clear_refs").write_text("5")
        before = opendata._status_kb("VmRSS")
        started = time.perf_counter()
        rows = size = 0
        with raw.cursor() as cursor, cursor.copy("COPY reports TO STDOUT (FORMAT csv)") as out:
            for row in out:
                rows += 1
                size += len(row)
        seconds = time.perf_counter() - started
        conn.rollback()
    growth = (opendata._status_kb("VmHWM") - before) / 1024
    engine.dispose()
    print(json.dumps({"rows": rows, "bytes": size, "seconds": seconds, "growth": growth}))


def copy_table(url: URL) -> opendata.Run:
    command = [sys.executable, "-m", "bench.readside_exports", "--child"]
    command.append(url.render_as_string(hide_password=False))
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"COPY of the reports table failed:\n{done.stderr}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return opendata.Run(out["rows"], out["bytes"], out["seconds"], out["growth"])


def measure(url: URL) -> dict[str, opendata.Run]:
    """Each export once (a run of a minute or more at 2,000,000 evens out the noise)."""
    log("readside: plain COPY of the reports table")
    runs = {"copy_table": copy_table(url)}
    for kind in KINDS:
        log(f"readside: export {kind}")
        runs[kind] = opendata.measure(kind, url)
    return runs


def table(runs: dict[str, opendata.Run]) -> str:
    floor = runs["copy_table"]
    lines = [
        f"| Exports, {floor.rows:,} reports | rows/s | time | size | peak RSS growth | "
        "time / plain COPY |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, run in runs.items():
        ratio = run.seconds / floor.seconds
        goal = GOALS.get(kind)
        verdict = f" (goal ≤ {goal:.0f}x: {'met' if ratio <= goal else 'missed'})" if goal else ""
        lines.append(
            f"| {LABELS[kind]} | {run.rows_per_s:,.0f} | {run.seconds:.1f} s | "
            f"{run.bytes / 1e6:,.0f} MB | {run.peak_rss_growth_mb:.1f} MB | "
            f"**{ratio:.2f}x**{verdict} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _child(make_url(sys.argv[2]).render_as_string(hide_password=False))
    else:
        raise SystemExit("python -m bench.readside runs this; --child URL is internal")
