"""Reading the dashboard's summaries (migration 0019) for a region, a category and a period.

The summaries count the published reports (those of the anonymised view) per Belgian day and
month; triggers keep them in the same transaction as each change to a report, so they are
exact at commit. A period is read as whole months where it covers them and as days at its
edges. Day rows carry `public_from`, when their reports enter the view (a generalised report
once its published hour is over, migration 0018); month rows count every report, so the day
rows still ahead of now within those months are subtracted.

A period's bounds are Belgian days: `start` from its day's midnight, `end` up to the end of
the day before it when it is a midnight (the API's dates), or of its own day otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

BELGIAN_TIME = ZoneInfo("Europe/Brussels")
# Per commune (with the resolution bucket), or per region (with the kind of event).
LEVELS = {
    "commune": ("dashboard_days", {"month": "dashboard_months"}),
    "region": (
        "dashboard_region_days",
        {"month": "dashboard_region_months", "week": "dashboard_region_weeks"},
    ),
}
VISIBLE = "public_from <= now()"
HIDDEN = "public_from > now() AND public_from > '-infinity'"


@dataclass(frozen=True)
class Scope:
    """A region and a category by their keys in the summaries; `empty` if either names
    nothing that exists (the figures are then zeros)."""

    region_code: str | None = None
    category_id: int | None = None
    empty: bool = False


SCOPE_SQL = text(
    "SELECT (SELECT code FROM regions WHERE slug = :region) AS region_code, "
    "(SELECT id FROM categories WHERE code = :category) AS category_id"
)


def scope(db: Session | Connection, region: str | None, category: str | None) -> Scope:
    if region is None and category is None:
        return Scope()
    found = db.execute(SCOPE_SQL, {"region": region, "category": category}).one()
    return Scope(
        found.region_code,
        found.category_id,
        empty=(region is not None and found.region_code is None)
        or (category is not None and found.category_id is None),
    )


def belgian_day(moment: dt.datetime) -> dt.date:
    try:
        return moment.astimezone(BELGIAN_TIME).date()
    except OverflowError:  # The first day of year 1 in Belgian time is in year 0 in UTC.
        return moment.date()


def day_span(start: dt.datetime | None, end: dt.datetime | None) -> tuple:
    """The Belgian days [first, last) of a period on the creation time (None: unbounded)."""
    first = belgian_day(start) if start is not None else None
    last = None
    if end is not None:
        last = belgian_day(end)
        try:
            midnight = end.astimezone(BELGIAN_TIME).time() == dt.time(0)
        except OverflowError:
            midnight = end.time() == dt.time(0)
        if not midnight:
            last += dt.timedelta(days=1)
    return first, last


def _month_after(day: dt.date) -> dt.date:
    """The first day of the first month that starts on or after `day`."""
    if day.day == 1:
        return day
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _between(column: str, lo, hi, params: dict, name: str) -> list[str]:
    conditions = []
    if lo is not None:
        conditions.append(f"{column} >= :{name}_lo")
        params[f"{name}_lo"] = lo
    if hi is not None:
        conditions.append(f"{column} < :{name}_hi")
        params[f"{name}_hi"] = hi
    return conditions


def _scope_conditions(level: str, where: Scope, kind: str | None, params: dict) -> list[str]:
    conditions = []
    if where.region_code is not None:
        params["region_code"] = where.region_code
        conditions.append(
            "region_code = :region_code"
            if level == "region"
            else "commune_id IN (SELECT id FROM communes WHERE region_code = :region_code)"
        )
    if where.category_id is not None:
        params["category_id"] = where.category_id
        conditions.append("category_id = :category_id")
    if kind is not None:
        params["kind"] = kind
        conditions.append("kind = :kind")
    return conditions


# A part of a figure's rows: its table, how it names its day ("-" for rows subtracted), and
# its conditions.
Part = tuple[str, str, list[str]]


def _period_after(day: dt.date, unit: str) -> dt.date:
    if unit == "week":
        return day + dt.timedelta(days=-day.weekday() % 7)
    return _month_after(day)


def _period_of(day: dt.date, unit: str) -> dt.date:
    return day - dt.timedelta(days=day.weekday()) if unit == "week" else day.replace(day=1)


def _period_parts(level: str, start, end, unit: str, params: dict) -> list[Part]:
    """Whole months (or weeks) from their table (less what is not public yet), days at the
    edges; `unit` "day" reads days only."""
    days_table, tables = LEVELS[level]
    first, last = day_span(start, end)
    m_lo = _period_after(first, unit) if first is not None else None
    m_hi = _period_of(last, unit) if last is not None else None
    if unit not in tables or (m_lo is not None and m_hi is not None and m_lo >= m_hi):
        return [(days_table, "day", [VISIBLE, *_between("day", first, last, params, "d")])]
    parts = [
        (tables[unit], unit, _between(unit, m_lo, m_hi, params, "m")),
        (days_table, "-", [HIDDEN, *_between("day", m_lo, m_hi, params, "m")]),
    ]
    if m_lo is not None and first is not None and first < m_lo:
        parts.append((days_table, "day", [VISIBLE, *_between("day", first, m_lo, params, "a")]))
    if m_hi is not None and last is not None and m_hi < last:
        parts.append((days_table, "day", [VISIBLE, *_between("day", m_hi, last, params, "b")]))
    return parts


def rows(
    level: str,
    columns: str,
    where: Scope,
    start: dt.datetime | None,
    end: dt.datetime | None,
    *,
    kind: str | None = None,
    unit: str = "month",
) -> tuple[str, dict]:
    """SQL for the summary rows (`columns`, `day` and `n`) counting the published reports
    of `where` created (or, at the region level, with an event of `kind`) in the period;
    `day` is a month's (or week's) first day on month (week) rows; `unit` "day" reads days
    only, "week" whole weeks (region level) and days."""
    params: dict = {}
    common = _scope_conditions(level, where, kind, params)
    parts = _period_parts(level, start, end, unit, params)
    selects = []
    for table, day, conditions in parts:
        n, day = ("-n", "day") if day == "-" else ("n", day)
        condition = " AND ".join([*conditions, *common]) or "true"
        selects.append(
            f"SELECT {columns}, CAST({day} AS date) AS day, {n} AS n FROM {table} WHERE {condition}"
        )
    return "\nUNION ALL\n".join(selects), params


# All time, every category: per NIS code, status and bucket, one row per key in key order,
# less what is not public yet (the last hour's generalised reports).
COMMUNE_TOTALS_SQL = """
SELECT t.nis_code, t.status, t.hours, (t.n - coalesce(h.n, 0))::integer AS n
FROM dashboard_communes t
LEFT JOIN (
    SELECT c.nis_code, d.status, d.hours, sum(d.n) AS n
    FROM dashboard_days d JOIN communes c ON c.id = d.commune_id
    WHERE d.public_from > now() AND d.public_from > '-infinity'
    GROUP BY c.nis_code, d.status, d.hours
) AS h ON h.nis_code = t.nis_code AND h.status = t.status AND h.hours = t.hours
WHERE {region}
"""
REGION_NIS_CODES = "t.nis_code IN (SELECT nis_code FROM communes WHERE region_code = :region_code)"


def commune_rows(where: Scope, start, end) -> tuple[str, dict]:
    """SQL for (nis_code, status, hours, n), one row per key, of the published reports of
    `where` created in the period."""
    if start is None and end is None and where.category_id is None:
        params = {"region_code": where.region_code}
        region = "true" if where.region_code is None else REGION_NIS_CODES
        return COMMUNE_TOTALS_SQL.format(region=region), params
    sql, params = rows("commune", "commune_id, status, hours", where, start, end)
    grouped = f"""
        SELECT c.nis_code, x.status, x.hours, sum(x.n)::integer AS n
        FROM ({sql}) AS x JOIN communes c ON c.id = x.commune_id
        GROUP BY c.nis_code, x.status, x.hours"""
    return grouped, params


def first_day(db: Session | Connection, where: Scope, end: dt.datetime | None) -> dt.date | None:
    """The first Belgian day with a published report of `where` created before `end`."""
    sql, params = rows("region", "kind", where, None, end, kind="c", unit="day")
    return db.execute(text(f"SELECT min(day) FROM ({sql}) AS s WHERE n > 0"), params).scalar()
