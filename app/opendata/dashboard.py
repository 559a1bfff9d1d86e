"""The regional dashboard's figures: per commune, by category, by status, and over time.

The figures come from summaries that triggers keep in the same transaction as each change to
a report (migration 0019, read through app.opendata.summaries), so they are exact at commit:
a figure adds up thousands of rows instead of counting millions of reports. The median
resolution time is that of resolution times in whole hours below 72 hours, in whole days
below 30 days and in whole weeks beyond (docs/open-data.md); periods are whole Belgian days.

Every figure counts what the anonymised view `open_data_reports` publishes (the summaries
count its rows, as tests/opendata/test_dashboard_summaries.py checks) that match one filter: a region (or all of Belgium), a category, and a
period on the creation time. "Open" is Open311's open (not resolved, rejected or duplicate);
resolution times are those of resolved reports, from creation to resolution, as published.
Rates are per km² of the commune (geodesic area) and per 1,000 inhabitants (the population
`flask population load` loaded; None for a commune without one).

Communes are those of the boundary set routing uses (their parts are in commune_parts); a
commune without reports is listed with zeros. Their names, areas and populations come from
app.opendata.outlines, and their outlines from its own endpoint: figures carry numbers only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.i18n import names_from
from app.opendata import summaries
from app.opendata.outlines import Outline, outlines
from app.reports.states import CLOSED_STATUSES, Status

BELGIAN_TIME = ZoneInfo("Europe/Brussels")
# Up to a year, weeks (Monday to Sunday, Belgian time); beyond, months.
WEEKLY_UP_TO = dt.timedelta(days=366)
INTERVALS = ("week", "month")
# Lifecycle order, as the status chart shows them.
STATUSES = tuple(Status)


@dataclass(frozen=True)
class Region:
    slug: str
    code: str
    names: dict[str, str]


REGIONS_SQL = text(
    "SELECT slug, code, name_fr, name_nl, name_de, name_en FROM regions ORDER BY code"
)


def regions(db: Session | Connection) -> list[Region]:
    return [
        Region(r.slug, r.code, {"fr": r.name_fr, "nl": r.name_nl, "de": r.name_de, "en": r.name_en})
        for r in db.execute(REGIONS_SQL)
    ]


def per_1000(count: int, population: int | None) -> float | None:
    """`count` per 1,000 inhabitants (3 decimals); None without a population to divide by."""
    return round(1000 * count / population, 3) if population else None


@dataclass(frozen=True)
class CommuneFigures:
    outline: Outline
    open: int
    open_per_km2: float
    open_per_1000: float | None
    total: int
    resolved: int
    median_resolution_hours: float | None


# Per commune (by NIS code: a boundary import makes new communes under the same codes) the
# counts, and the median of the resolution buckets (migration 0019): percentile_cont's
# median, the mean of the two middle values, read off the cumulative counts.
COMMUNE_FIGURES_SQL = """
WITH s AS MATERIALIZED ({rows}), totals AS (
    SELECT nis_code, sum(n)::bigint AS total,
           sum(n) FILTER (WHERE status NOT IN ({closed}))::bigint AS open,
           sum(n) FILTER (WHERE status = 'resolved')::bigint AS resolved
    FROM s GROUP BY nis_code
), cumulative AS (
    SELECT nis_code, hours, sum(n) OVER (PARTITION BY nis_code ORDER BY hours) AS upto,
           sum(n) OVER (PARTITION BY nis_code) AS resolved
    FROM s WHERE status = 'resolved'
), medians AS (
    -- The values at 0-based ranks (N - 1) / 2 and N / 2 (integer division).
    SELECT nis_code,
           (min(hours) FILTER (WHERE upto > (resolved - 1) / 2)
            + min(hours) FILTER (WHERE upto > resolved / 2))::float8 / 2 AS median_hours
    FROM cumulative
    GROUP BY nis_code
    HAVING max(resolved) > 0
)
SELECT t.nis_code, t.total, coalesce(t.open, 0) AS open, coalesce(t.resolved, 0) AS resolved,
       m.median_hours
FROM totals t LEFT JOIN medians m ON m.nis_code = t.nis_code
"""
CLOSED_SQL = ", ".join(f"'{s.value}'" for s in CLOSED_STATUSES)


def communes(
    db: Session | Connection,
    *,
    region: str | None = None,
    category: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> list[CommuneFigures]:
    """Every current commune of `region` (all of Belgium if None) with its figures."""
    where = summaries.scope(db, region, category)
    figures = {}
    if not where.empty:
        sql, params = summaries.commune_rows(where, start, end)
        query = COMMUNE_FIGURES_SQL.format(rows=sql, closed=CLOSED_SQL)
        figures = {r.nis_code: r for r in db.execute(text(query), params)}
    out = []
    for outline in outlines(db).values():
        if region is not None and outline.region != region:
            continue
        f = figures.get(outline.nis_code)
        open_ = f.open if f else 0
        out.append(
            CommuneFigures(
                outline=outline,
                open=open_,
                open_per_km2=round(open_ / outline.area_km2, 3),
                open_per_1000=per_1000(open_, outline.population),
                total=f.total if f else 0,
                resolved=f.resolved if f else 0,
                median_resolution_hours=(
                    round(f.median_hours, 1) if f and f.median_hours is not None else None
                ),
            )
        )
    return out


@dataclass(frozen=True)
class CategoryFigures:
    code: str
    names: dict[str, str]
    total: int
    open: int

    @property
    def closed(self) -> int:
        return self.total - self.open


# Every active category, and any other that has reports, in the app's order.
CATEGORIES_SQL = """
WITH figures AS (
    SELECT s.category_id, sum(s.n) AS total,
           sum(s.n) FILTER (WHERE s.status NOT IN ({closed})) AS open
    FROM ({rows}) AS s
    GROUP BY s.category_id
)
SELECT cat.code, cat.name_fr, cat.name_nl, cat.name_de, cat.name_en,
       coalesce(f.total, 0) AS total, coalesce(f.open, 0) AS open
FROM categories cat
JOIN category_groups g ON g.code = cat.group_code
LEFT JOIN figures f ON f.category_id = cat.id
WHERE (cat.active OR f.total > 0)
  AND (CAST(:category_only AS text) IS NULL OR cat.code = :category_only)
ORDER BY g.position, cat.position, cat.code
"""


def by_category(
    db: Session | Connection,
    *,
    region: str | None = None,
    category: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> list[CategoryFigures]:
    """Reports per category (all of them, or the one of the filter), open and closed."""
    where = summaries.scope(db, region, category)
    sql, params = summaries.rows("region", "category_id, status", where, start, end, kind="c")
    if where.empty:
        sql = "SELECT 0 AS category_id, '' AS status, 0 AS n WHERE false"
    query = CATEGORIES_SQL.format(rows=sql, closed=CLOSED_SQL)
    rows = db.execute(text(query), {**params, "category_only": category})
    return [
        CategoryFigures(code=r.code, names=names_from(r, "name"), total=r.total, open=r.open)
        for r in rows
    ]


@dataclass(frozen=True)
class StatusFigures:
    status: str
    open311_status: str
    count: int


STATUSES_SQL = "SELECT s.status, sum(s.n) AS count FROM ({rows}) AS s GROUP BY s.status"


def by_status(
    db: Session | Connection,
    *,
    region: str | None = None,
    category: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> list[StatusFigures]:
    """Reports per lifecycle status, every status listed, in lifecycle order."""
    where = summaries.scope(db, region, category)
    counts: dict[str, int] = {}
    if not where.empty:
        sql, params = summaries.rows("region", "status", where, start, end, kind="c")
        counts = dict(db.execute(text(STATUSES_SQL.format(rows=sql)), params).all())
    return [
        StatusFigures(
            status.value,
            "closed" if status in CLOSED_STATUSES else "open",
            counts.get(status.value, 0),
        )
        for status in STATUSES
    ]


@dataclass(frozen=True)
class TrendPoint:
    period_start: dt.date
    created: int
    resolved: int


@dataclass(frozen=True)
class Trend:
    interval: str
    points: list[TrendPoint]


# Reports created in each week (or month), and reports resolved in it, whenever they were
# created: the flow in and out of the backlog. Periods are Belgian calendar weeks (from
# Monday) or months; every one of the period is listed, with zeros where nothing happened.
TREND_SQL = """
WITH counted AS (
    SELECT date_trunc(CAST(:interval AS text), s.day)::date AS period,
           sum(s.n) FILTER (WHERE s.kind = 'c') AS created,
           sum(s.n) FILTER (WHERE s.kind = 'r') AS resolved
    FROM ({rows}) AS s
    GROUP BY 1
)
SELECT s.period::date AS period, coalesce(c.created, 0) AS created,
       coalesce(c.resolved, 0) AS resolved
FROM generate_series(
    date_trunc(CAST(:interval AS text), CAST(:first AS timestamptz) AT TIME ZONE 'Europe/Brussels'),
    date_trunc(CAST(:interval AS text), CAST(:last AS timestamptz) AT TIME ZONE 'Europe/Brussels'
               - interval '1 microsecond'),
    CAST('1 ' || CAST(:interval AS text) AS interval)) AS s(period)
LEFT JOIN counted c ON c.period = s.period::date
ORDER BY s.period
"""


class TooManyPeriodsError(ValueError):
    """The trend would have more periods than a request may ask for."""

    def __init__(self, interval: str, count: int, maximum: int):
        coarser = " with interval=month" if interval == "week" else ""
        super().__init__(
            f"The trend from start to end has {count} {interval}s; it shows at most "
            f"{maximum} periods. Ask for a shorter period{coarser}."
        )
        self.interval, self.count, self.maximum = interval, count, maximum


_belgian_day = summaries.belgian_day


def _midnight(day: dt.date) -> dt.datetime:
    """The start of a Belgian day."""
    return dt.datetime.combine(day, dt.time(0), BELGIAN_TIME)


def period_count(first: dt.datetime, last: dt.datetime, interval: str) -> int:
    """How many weeks or months (Belgian calendar) the trend from `first` to `last` has."""
    start = _belgian_day(first)
    end = _belgian_day(max(first, last - dt.timedelta(microseconds=1)))
    if interval == "week":
        monday = start - dt.timedelta(days=start.weekday())
        return (end - monday).days // 7 + 1
    return (end.year - start.year) * 12 + end.month - start.month + 1


def trend(
    db: Session | Connection,
    *,
    region: str | None = None,
    category: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    interval: str | None = None,
    now: dt.datetime | None = None,
    max_periods: int | None = None,
) -> Trend:
    """Reports created and resolved per week or month, from `start` (or the first report)
    to `end` (or now). `interval` None picks weeks up to a year, months beyond. Raises
    TooManyPeriodsError beyond `max_periods` periods."""
    now = now or dt.datetime.now(dt.UTC)
    last = end or now
    where = summaries.scope(db, region, category)
    first = start
    if first is None:
        day = None if where.empty else summaries.first_day(db, where, end)
        first = _midnight(day) if day is not None else last
    first = min(first, last)
    if interval is None:
        interval = "week" if last - first <= WEEKLY_UP_TO else "month"
    if interval not in INTERVALS:
        raise ValueError(f"interval is one of {', '.join(INTERVALS)}")
    if max_periods is not None and last > first:
        count = period_count(first, last, interval)
        if count > max_periods:
            raise TooManyPeriodsError(interval, count, max_periods)
    # Created in the period, or resolved in it whenever created: the period is the events'.
    sql, params = summaries.rows("region", "kind", where, first, last, unit=interval)
    if where.empty:
        sql = "SELECT '' AS kind, CAST(NULL AS date) AS day, 0 AS n WHERE false"
    rows = db.execute(
        text(TREND_SQL.format(rows=sql)),
        {**params, "interval": interval, "first": first, "last": last},
    ).all()
    return Trend(interval, [TrendPoint(r.period, r.created, r.resolved) for r in rows])
