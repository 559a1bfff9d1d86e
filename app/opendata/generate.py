"""Made-up reports for demonstrations and benchmarks, written by PostgreSQL in large batches.

`generate_reports(connection, n, seed=…, start=…, end=…)` spreads n reports over the current
communes, in proportion to an estimate of their population: the commune's area times its
region's density (there is no population data here, see ../shared/data). Each report gets

- a random point inside its commune (ST_GeneratePoints), away from the slivers where the
  simplified boundaries of two communes overlap, so that routing (app/geo/routing.py) would
  send it to that commune; and that commune's body, or its region's for the categories the
  region handles, as `create_report` picks them;
- a category from a realistic mix, and a creation time between `start` and `end`, more of
  them recently (the service grows: three times as many reports at the end as at the start);
- a fate: most are resolved, some rejected or closed as duplicates, each after a delay drawn
  from a log-normal distribution around the category's typical time. Whatever would have
  happened after `end` has not happened yet: the ticket is still open, at the stage its age
  reaches (new, acknowledged, planned, in progress; a few reopened or transferred). Old
  reports are therefore mostly closed, recent ones mostly open;
- a reporter's name, email and phone in a small share only (2 %), so that a scan for
  personal data in the exports has something to find;
- no status history: open data and the dashboard need none, and it would double the cost.

Every random number comes from an MD5 hash of (seed, commune, chunk, point number), not from
`random()`: the same seed gives the same reports, ids included, whatever order PostgreSQL
evaluates the rows in (and ST_GeneratePoints takes its own seed from the same key). Running
the same seed twice inserts nothing the second time (ON CONFLICT on the id).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.opendata.generate_sql import INSERT_SQL

BATCH_SIZE = 50_000
# From this many points in one commune, its overlaps with neighbours are cut out of it once
# rather than each point being tested against them.
CARVE_FROM = 200
# Inhabitants per km² by region (Statbel, 2024, rounded): stands in for population.
REGION_DENSITY = {"04000": 7_600.0, "02000": 500.0, "03000": 220.0}
# Category code -> (share of reports, median hours to resolution). A category not listed
# (added locally) gets DEFAULT_CATEGORY.
CATEGORY_MIX: dict[str, tuple[float, float]] = {
    "pothole": (0.18, 120),
    "damaged_pavement": (0.10, 240),
    "damaged_sign": (0.06, 168),
    "streetlight_out": (0.12, 72),
    "traffic_light_fault": (0.03, 24),
    "illegal_dumping": (0.17, 48),
    "overflowing_bin": (0.10, 24),
    "graffiti": (0.08, 336),
    "blocked_drain": (0.07, 96),
    "fallen_tree": (0.03, 12),
    "other": (0.06, 168),
}
DEFAULT_CATEGORY = (0.03, 168)
# Spread of the log-normal resolution delay: a tenth of the tickets take over 3.6 times the
# median, a few over ten times.
DELAY_SIGMA = 1.0
LONGEST_DELAY_HOURS = 2 * 365 * 24
# Of all tickets, in the end: rejected, closed as duplicates; the rest are resolved. Those are
# decided sooner than a repair: after this share of the category's delay.
REJECTED_SHARE = 0.06
DUPLICATE_SHARE = 0.08
DECISION_DELAY_FACTOR = 0.3
# Some tickets are forgotten for a long time: this share takes this many times longer. With
# them, a year-old commune still has a backlog of open tickets, as real ones do.
STALLED_SHARE = 0.05
STALL_FACTOR = 15.0
CONTACT_SHARE = 0.02
# German-speaking communes (the reporters' language).
GERMAN_NIS = ("63001", "63012", "63013", "63023", "63040", "63048", "63061", "63067", "63087")

# The current communes are those routing uses (their parts are in commune_parts); each gets
# its own body (made by the boundary import) and its region's, as INSERT_SQL in
# app/reports/services.py picks them.
COMMUNES_SQL = text(
    """
    SELECT c.id, c.nis_code, c.region_code, reg.slug AS region,
           ST_Area(c.boundary::geography) / 1e6 AS area_km2,
           cb.id AS commune_body_id, rb.id AS region_body_id
    FROM communes c
    JOIN regions reg ON reg.code = c.region_code
    LEFT JOIN bodies cb ON cb.kind = 'commune' AND cb.nis_code = c.nis_code
    LEFT JOIN LATERAL (SELECT id FROM bodies WHERE kind = 'region'
                       AND region_code = c.region_code ORDER BY id LIMIT 1) rb ON true
    WHERE c.id IN (SELECT commune_id FROM commune_parts)
    ORDER BY c.nis_code
    """
)
CATEGORIES_SQL = text(
    "SELECT id, code, handler, body_id FROM categories WHERE active ORDER BY position, id"
)


@dataclass(frozen=True)
class Commune:
    id: int
    nis_code: str
    region: str
    weight: float
    commune_body_id: int
    region_body_id: int


def current_communes(db: Session | Connection) -> dict[str, Commune]:
    """The current communes by NIS code, each with its weight and bodies."""
    rows = db.execute(COMMUNES_SQL).all()
    missing = [r.nis_code for r in rows if r.commune_body_id is None or r.region_body_id is None]
    if missing:
        raise RuntimeError(f"communes without a body: {', '.join(missing[:5])}")
    return {
        r.nis_code: Commune(
            r.id,
            r.nis_code,
            r.region,
            r.area_km2 * REGION_DENSITY.get(r.region_code, 300.0),
            r.commune_body_id,
            r.region_body_id,
        )
        for r in rows
    }


def allocate(n: int, communes: Iterable[Commune]) -> dict[str, int]:
    """Split n among the communes in proportion to their weights (largest remainders)."""
    shares = sorted((c.nis_code, c.weight) for c in communes)
    total = sum(weight for _nis, weight in shares)
    if n <= 0 or total <= 0:
        return {}
    exact = [(nis, n * weight / total) for nis, weight in shares]
    counts = {nis: math.floor(share) for nis, share in exact}
    left = n - sum(counts.values())
    # Ties go to the lower NIS code, so the split depends on nothing but the inputs.
    for nis, _share in sorted(exact, key=lambda e: (math.floor(e[1]) - e[1], e[0]))[:left]:
        counts[nis] += 1
    return {nis: count for nis, count in counts.items() if count}


def batches(
    counts: Mapping[str, int], batch_size: int = BATCH_SIZE
) -> Iterable[list[tuple[str, int, int]]]:
    """(NIS code, chunk, count) triples in batches of at most `batch_size` reports.

    A commune with more reports than a batch holds is cut into chunks, each generated with
    its own seed.
    """
    batch: list[tuple[str, int, int]] = []
    room = batch_size
    for nis in sorted(counts):
        left, chunk = counts[nis], 0
        while left:
            take = min(left, room)
            batch.append((nis, chunk, take))
            left -= take
            room -= take
            chunk += 1
            if room == 0:
                yield batch
                batch, room = [], batch_size
    if batch:
        yield batch


def insert_reports(
    db: Session | Connection,
    counts: Mapping[str, int],
    *,
    seed: int,
    start: dt.datetime,
    end: dt.datetime,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert `counts[nis_code]` generated reports in each of those current communes.

    Returns how many were inserted (fewer than asked when the same seed made some before).
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end need a time zone")
    if not start < end:
        raise ValueError("start must come before end")
    communes = current_communes(db)
    unknown = sorted(set(counts) - set(communes))
    if unknown:
        raise ValueError(f"not current communes: {', '.join(unknown[:5])}")
    params = {"seed": str(seed), "start": start, "end": end, **_category_params(db)}
    params |= SHARED_PARAMS
    # Compiling this long statement (JIT) would take longer than running it.
    db.execute(text("SELECT set_config('jit', 'off', true)"))
    inserted = 0
    for batch in batches(counts, batch_size):
        work = _work_params(batch, communes)
        inserted += db.execute(INSERT_SQL, {**params, **work}).scalar_one()
        if progress is not None:
            progress(sum(work["counts"]))
    return inserted


# The statement's parameters that hold for every run.
SHARED_PARAMS = {
    "sigma": DELAY_SIGMA,
    "longest": float(LONGEST_DELAY_HOURS),
    "decision": DECISION_DELAY_FACTOR,
    "rejected": REJECTED_SHARE,
    "duplicate": DUPLICATE_SHARE,
    "contact": CONTACT_SHARE,
    "carve_from": CARVE_FROM,
    "stalled": STALLED_SHARE,
    "stall": STALL_FACTOR,
    "german": list(GERMAN_NIS),
}


def _category_params(db: Session | Connection) -> dict:
    """The active categories, the thresholds that pick one, and their median delays."""
    categories = db.execute(CATEGORIES_SQL).all()
    if not categories:
        raise RuntimeError("no active category: load the fixtures first")
    mix = [CATEGORY_MIX.get(c.code, DEFAULT_CATEGORY) for c in categories]
    total = sum(share for share, _median in mix)
    thresholds, cumulative = [], 0.0
    for share, _median in mix:
        thresholds.append(cumulative / total)
        cumulative += share
    return {
        "thresholds": thresholds,
        "medians": [float(median) for _share, median in mix],
        "category_ids": [c.id for c in categories],
    }


def _work_params(batch: list[tuple[str, int, int]], communes: Mapping[str, Commune]) -> dict:
    """The statement's `work` arrays for one batch of (NIS code, chunk, count)."""
    chosen = [communes[nis] for nis, _chunk, _count in batch]
    return {
        "commune_ids": [c.id for c in chosen],
        "chunks": [chunk for _nis, chunk, _count in batch],
        "counts": [count for _nis, _chunk, count in batch],
        "commune_bodies": [c.commune_body_id for c in chosen],
        "region_bodies": [c.region_body_id for c in chosen],
    }


def generate_reports(
    db: Session | Connection,
    n: int,
    *,
    seed: int,
    start: dt.datetime,
    end: dt.datetime,
    regions: Iterable[str] | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert n generated reports created between start and end; the caller commits.

    `regions` (slugs) limits them to those regions' communes. Returns the number inserted:
    n, or fewer when the same seed already made some of them.
    """
    communes: Iterable[Commune] = current_communes(db).values()
    if regions is not None:
        wanted = set(regions)
        communes = [c for c in communes if c.region in wanted]
    return insert_reports(
        db,
        allocate(n, communes),
        seed=seed,
        start=start,
        end=end,
        batch_size=batch_size,
        progress=progress,
    )
