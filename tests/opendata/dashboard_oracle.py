"""The dashboard's figures counted straight from the anonymised view: the oracle of the summaries.

This is the SQL app.opendata.dashboard ran before migration 0019, with one change: the median
resolution time is that of the resolution buckets (whole hours below 72 hours, whole days
below 30 days, whole weeks beyond), written here on its own rather than with the database's
`pave_dashboard_hours`, so that a mistake in either shows. Each function answers in plain
tuples, and `plain` turns the app's answers into the same, so that they compare with ==.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from app.opendata import dashboard, records
from app.reports.states import CLOSED_STATUSES, Status

BUCKET = """
CASE WHEN h < 72 THEN h WHEN h < 720 THEN 24 * floor(h / 24) ELSE 168 * floor(h / 168) END
"""
HOURS = "floor(extract(epoch FROM v.resolved_at - v.created_at) / 3600)"


def _bucket_sql() -> str:
    return f"(SELECT {BUCKET} FROM (SELECT {HOURS} AS h) AS x)"


COMMUNES_SQL = f"""
SELECT v.commune_nis_code AS nis_code, count(*) AS total,
       count(*) FILTER (WHERE v.open311_status = 'open') AS open,
       count(*) FILTER (WHERE v.status = 'resolved') AS resolved,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY {_bucket_sql()})
           FILTER (WHERE v.status = 'resolved') AS median_hours
FROM open_data_reports v
WHERE {{where}}
GROUP BY v.commune_nis_code
"""

CATEGORIES_SQL = """
WITH figures AS (
    SELECT v.category_code AS code, count(*) AS total,
           count(*) FILTER (WHERE v.open311_status = 'open') AS open
    FROM open_data_reports v WHERE {where} GROUP BY v.category_code
)
SELECT cat.code, coalesce(f.total, 0) AS total, coalesce(f.open, 0) AS open
FROM categories cat
JOIN category_groups g ON g.code = cat.group_code
LEFT JOIN figures f ON f.code = cat.code
WHERE (cat.active OR f.total > 0)
  AND (CAST(:category_only AS text) IS NULL OR cat.code = :category_only)
ORDER BY g.position, cat.position, cat.code
"""

STATUSES_SQL = """
SELECT v.status, count(*) AS count FROM open_data_reports v WHERE {where} GROUP BY v.status
"""

TREND_SQL = """
WITH events AS (
    SELECT e.kind,
           date_trunc(CAST(:interval AS text), e.at AT TIME ZONE 'Europe/Brussels')::date
             AS period
    FROM open_data_reports v
    CROSS JOIN LATERAL (VALUES
        ('created', v.created_at),
        ('resolved', CASE WHEN v.status = 'resolved' THEN v.resolved_at END)
    ) AS e(kind, at)
    WHERE {where} AND e.at >= :first AND e.at < :last
), counted AS (
    SELECT period, count(*) FILTER (WHERE kind = 'created') AS created,
           count(*) FILTER (WHERE kind = 'resolved') AS resolved
    FROM events GROUP BY period
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
SPAN_SQL = "SELECT min(v.created_at) FROM open_data_reports v WHERE {where}"


def _where(region=None, category=None, start=None, end=None) -> tuple[str, dict]:
    flt = records.RecordFilter(region=region, category=category, start=start, end=end)
    return records.where_clause(flt)


def communes(db, *, region=None, category=None, start=None, end=None) -> dict:
    """(open, total, resolved, median hours) per current commune of the region, by NIS code."""
    where, params = _where(region, category, start, end)
    found = {r.nis_code: r for r in db.execute(text(COMMUNES_SQL.format(where=where)), params)}
    out = {}
    for nis, outline in dashboard.outlines(db).items():
        if region is not None and outline.region != region:
            continue
        f = found.get(nis)
        median = round(f.median_hours, 1) if f and f.median_hours is not None else None
        out[nis] = (f.open, f.total, f.resolved, median) if f else (0, 0, 0, None)
    return out


def by_category(db, *, region=None, category=None, start=None, end=None) -> list:
    where, params = _where(region, category, start, end)
    rows = db.execute(
        text(CATEGORIES_SQL.format(where=where)), {**params, "category_only": category}
    )
    return [(r.code, r.total, r.open, r.total - r.open) for r in rows]


def by_status(db, *, region=None, category=None, start=None, end=None) -> list:
    where, params = _where(region, category, start, end)
    counts = dict(db.execute(text(STATUSES_SQL.format(where=where)), params).all())
    return [
        (s.value, "closed" if s in CLOSED_STATUSES else "open", counts.get(s.value, 0))
        for s in Status
    ]


def trend(db, *, region=None, category=None, start=None, end=None, interval=None, now=None):
    """(interval, [(period start, created, resolved)]), as dashboard.trend did."""
    last = end or now or dt.datetime.now(dt.UTC)
    first = start
    if first is None:
        where, params = _where(region, category, None, end)
        first = db.execute(text(SPAN_SQL.format(where=where)), params).scalar() or last
    first = min(first, last)
    if interval is None:
        interval = "week" if last - first <= dashboard.WEEKLY_UP_TO else "month"
    where, params = _where(region, category)
    rows = db.execute(
        text(TREND_SQL.format(where=where)),
        {**params, "interval": interval, "first": first, "last": last},
    )
    return interval, [(r.period, r.created, r.resolved) for r in rows]


def _nis(figures) -> str:
    # The communes figure may carry its outline, or only its NIS code.
    return getattr(figures, "nis_code", None) or figures.outline.nis_code


def plain(figure: str, answer):
    """The app's answer for `figure` in the oracle's terms."""
    if figure == "communes":
        return {_nis(f): (f.open, f.total, f.resolved, f.median_resolution_hours) for f in answer}
    if figure == "by_category":
        return [(c.code, c.total, c.open, c.closed) for c in answer]
    if figure == "by_status":
        return [(s.status, s.open311_status, s.count) for s in answer]
    return answer.interval, [(p.period_start, p.created, p.resolved) for p in answer.points]
