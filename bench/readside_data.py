"""The read-side benchmark's database: N generated reports (default 2,000,000) over 3 years.

One throwaway database (bench.db: migrated, seeded, the 2025 boundaries) gets N reports from
app/opendata/generate.py, created over the three years up to now (so that Open311's default
window, the last 90 days, holds its share), then VACUUM ANALYZE; the generation is timed.
When the app has `flask opendata snapshot` (issue 14), the snapshots are written too, timed.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import URL, create_engine, text
from sqlalchemy.orm import Session

from bench.db import log

ROOT = Path(__file__).resolve().parent.parent
YEARS = 3
SEED = 20261206
# Reports per INSERT statement. The generator's own default (50,000) is fine when reports are
# spread thinly, but a batch holding a few large communes (Antwerp, Ghent, the Brussels
# communes: thousands of reports each) grows worse than linearly: 20,000 reports of three
# communes took 38.7 s in one statement and 4.0 s in ten of 2,000. Smaller batches also cut
# those communes into more chunks, each with its own seed: other points, same distribution.
BATCH_SIZE = 2_000
# The reports table's secondary indexes (not those behind a constraint: the primary key, which
# the generator's ON CONFLICT needs, and the unique idempotency key, NULL here). Maintaining
# them row by row made the generator 13 times slower (20,000 reports: 39 s with them, 3 s
# without); they are dropped for the load and built again from their own definitions after
# it, as one does for any bulk load. The data and the indexes are the same either way.
SECONDARY_INDEXES_SQL = text(
    """
    SELECT i.indexname, i.indexdef FROM pg_indexes i
    WHERE i.schemaname = current_schema() AND i.tablename = 'reports'
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
    ORDER BY i.indexname
    """
)


# The dashboard's summaries (migration 0019) are kept by statement triggers. In one bulk
# transaction of a thousand INSERTs, each statement rewrites the same summary rows again, and
# their dead versions pile up until the commit (nothing can prune them): every upsert walks
# longer chains, and the load slowed to 240 reports/s. As with the indexes, the insert trigger
# is switched off for the load and the summaries are counted once after it, with the very
# statement migration 0019 backfills them with. A site's reports come one per transaction.
SUMMARY_TRIGGER = "reports_dashboard_insert"


def _summary_migration():
    import importlib.util

    path = ROOT / "migrations" / "versions" / "0019_dashboard_summaries.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("pave_bench_0019", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The generator writes no status history (app/opendata/generate.py says why). Public reads
# look some of it up (Open311 GET: the public reason of a rejection or a transfer), so the
# bench adds a plausible one, set-based: every report was created ("new"); each one that
# moved on changed once, to its status, when it reached it (updated_at), with a reason for
# a rejection or a transfer (public for half of them); a reopened one was resolved half-way
# to its reopening first. Reports, their times and their figures are untouched.
HISTORY_SQL = text(
    """
    INSERT INTO report_status_changes (report_id, from_status, to_status, at, actor, note,
                                       reason_public)
    SELECT r.id, NULL, 'new', r.created_at, 'resident', NULL, false FROM reports r
    UNION ALL
    SELECT r.id, 'new', 'resolved', r.created_at + (r.updated_at - r.created_at) / 2, 'staff',
           NULL, false
    FROM reports r WHERE r.status = 'reopened'
    UNION ALL
    SELECT r.id, CASE WHEN r.status = 'reopened' THEN 'resolved' ELSE 'new' END, r.status,
           r.updated_at, CASE WHEN r.status = 'reopened' THEN 'resident' ELSE 'staff' END,
           CASE WHEN r.status IN ('rejected', 'transferred') THEN 'Reason given by the bench' END,
           r.status IN ('rejected', 'transferred') AND get_byte(uuid_send(r.id), 15) % 2 = 0
    FROM reports r WHERE r.status <> 'new'
    """
)


# A site's reports reach the table in the order they are made, so the table is stored about in
# creation order, and reading it in that order (the exports and snapshots are, newest last) is
# an index scan that reads the table front to back. The generator writes commune by commune
# instead: the same order is then a sort of every row (10 s of a 23 s CSV export at 2M). The
# table is rewritten in creation order, as a site's would be.
CLUSTER_SQL = "CLUSTER reports USING ix_reports_public_created_at_id"


@dataclass
class DataTimings:
    """Seconds spent making the data, by step, and what the database holds."""

    reports: int = 0
    history_rows: int = 0
    steps: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def generate(url: URL, n: int, timings: DataTimings, seed: int = SEED) -> dt.datetime:
    """Insert n reports created over YEARS years up to now; returns that end."""
    from app.opendata.generate import generate_reports

    engine = create_engine(url)
    end = dt.datetime.now(dt.UTC).replace(microsecond=0)
    done = [0]
    started = time.perf_counter()

    def progress(count: int) -> None:
        before, done[0] = done[0], done[0] + count
        if done[0] // 100_000 > before // 100_000 or done[0] == n:
            rate = done[0] / (time.perf_counter() - started)
            log(f"readside: {done[0]:,} of {n:,} reports ({rate:,.0f}/s)")

    try:
        with Session(engine) as session, session.begin():
            indexes = session.execute(SECONDARY_INDEXES_SQL).all()
            for name, _definition in indexes:
                session.execute(text(f'DROP INDEX "{name}"'))
            summaries = _summary_migration()
            if summaries is not None:
                session.execute(text(f"ALTER TABLE reports DISABLE TRIGGER {SUMMARY_TRIGGER}"))
            generate_reports(
                session,
                n,
                seed=seed,
                start=end - dt.timedelta(days=365 * YEARS),
                end=end,
                batch_size=BATCH_SIZE,
                progress=progress,
            )
            if summaries is not None:
                session.execute(text(f"ALTER TABLE reports ENABLE TRIGGER {SUMMARY_TRIGGER}"))
        timings.steps["generate"] = time.perf_counter() - started
        if summaries is not None:
            started = time.perf_counter()
            with engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {', '.join(summaries.TABLE_NAMES)}"))
                conn.exec_driver_sql(summaries.apply_sql("SELECT r.*, 1 AS d FROM reports r"))
            timings.steps["dashboard summaries counted"] = time.perf_counter() - started
        started = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(HISTORY_SQL)
        timings.steps["status history"] = time.perf_counter() - started
        started = time.perf_counter()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("SET maintenance_work_mem = '512MB'"))
            for _name, definition in indexes:
                conn.execute(text(definition))
        timings.steps[f"{len(indexes)} indexes built"] = time.perf_counter() - started
        started = time.perf_counter()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("SET maintenance_work_mem = '512MB'"))
            conn.execute(text(CLUSTER_SQL))
        timings.steps["table in creation order"] = time.perf_counter() - started
        started = time.perf_counter()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
            timings.reports = conn.execute(text("SELECT count(*) FROM reports")).scalar_one()
            timings.history_rows = conn.execute(
                text("SELECT count(*) FROM report_status_changes")
            ).scalar_one()
        timings.steps["vacuum analyze"] = time.perf_counter() - started
    finally:
        engine.dispose()
    if timings.reports < n:
        raise RuntimeError(f"only {timings.reports:,} reports after generating {n:,}")
    log(f"readside: {n:,} reports in {timings.steps['generate']:.0f} s")
    return end


def has_snapshot_command() -> bool:
    from app.opendata.cli import opendata_cli

    return "snapshot" in opendata_cli.commands


def snapshot(url: URL, timings: DataTimings) -> None:
    """`flask --app app opendata snapshot` on the bench database, timed, if the app has it."""
    if not has_snapshot_command():
        timings.notes.append("no `flask opendata snapshot` on this main: no snapshots written")
        return
    env = {**os.environ, "DATABASE_URL": url.render_as_string(hide_password=False)}
    flask = str(Path(sys.executable).with_name("flask"))
    started = time.perf_counter()
    done = subprocess.run(
        [flask, "--app", "app", "opendata", "snapshot"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        timings.notes.append(f"`flask opendata snapshot` failed: {done.stderr.strip()[-300:]}")
        return
    timings.steps["snapshot"] = time.perf_counter() - started
    log(f"readside: snapshots written in {timings.steps['snapshot']:.0f} s")


def upgrade(url: URL, timings: DataTimings) -> None:
    """Migrate an existing bench database to this checkout's head (after a merge, say)."""
    from alembic import command

    from app.cli import alembic_config

    engine = create_engine(url)
    started = time.perf_counter()
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(connection=conn), "head")
    finally:
        engine.dispose()
    timings.steps["migrate to head"] = time.perf_counter() - started


def data_end(url: URL, timings: DataTimings) -> dt.datetime:
    """The newest report's creation time: where a reused database's data ends; counts what
    it holds into `timings`."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            timings.reports = conn.execute(text("SELECT count(*) FROM reports")).scalar_one()
            timings.history_rows = conn.execute(
                text("SELECT count(*) FROM report_status_changes")
            ).scalar_one()
            return conn.execute(text("SELECT max(created_at) FROM reports")).scalar_one()
    finally:
        engine.dispose()
