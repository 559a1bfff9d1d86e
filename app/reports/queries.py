"""Read side of reports: one by id, filtered pages with a keyset cursor, and nearby ones.

All of them read the public projection (app.reports.views): filters, the cursor and nearby's
radius and distances work on the published location and times, never the exact ones, or a
stranger could find the exact point of a sensitive report by asking for ever smaller boxes
or radii. Only `get_own_report` reads the report itself, for its author.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from app import cursors
from app.errors import NotFoundError
from app.geo.projection import METRIC_SRID, WGS84, near_belgium
from app.opendata.records import VIEW, RecordFilter, where_clause
from app.problems import msg
from app.reports.sql import REPORT_JOINS, REPORT_NAMES
from app.reports.states import OPEN_STATUSES
from app.reports.views import PUBLIC_COLUMNS, PUBLIC_VIEW_SQL, ReportView


@dataclass(frozen=True)
class ReportFilter:
    bbox: tuple[float, float, float, float] | None = None
    commune: str | None = None
    category: str | None = None
    status: tuple[str, ...] = ()
    since: dt.datetime | None = None
    until: dt.datetime | None = None


@dataclass(frozen=True)
class Page:
    rows: list[ReportView]
    next_cursor: str | None


GET_REPORT_SQL = text(PUBLIC_VIEW_SQL + " WHERE v.id = :id")


def get_report(session: Session, report_id: uuid.UUID) -> ReportView:
    row = session.connection().execute(GET_REPORT_SQL, {"id": report_id}).first()
    if row is None:
        raise NotFoundError(msg("report.missing", report_id=report_id))
    return ReportView.from_row(row)


# The author's own report, as they sent it: exact location and times, their own text.
OWN_REPORT_SQL = text(
    f"""
    SELECT r.id, r.description, r.status, r.created_at, r.updated_at, r.accuracy_m,
           ST_X(r.location) AS lon, ST_Y(r.location) AS lat, false AS generalised,
           c.code AS category_code, m.nis_code AS commune_nis_code,
           m.region_code AS commune_region, b.code AS body_code, b.kind AS body_kind,
           b.region_code AS body_region, {REPORT_NAMES}
    {REPORT_JOINS}
    WHERE r.id = :id
    """
)


def get_own_report(session: Session, report_id: uuid.UUID) -> ReportView:
    """The report as its author sent it; only for the author (their follow link)."""
    row = session.connection().execute(OWN_REPORT_SQL, {"id": report_id}).first()
    if row is None:
        raise NotFoundError(msg("report.missing", report_id=report_id))
    return ReportView.from_row(row)


def encode_cursor(created_at: dt.datetime, report_id: uuid.UUID) -> str:
    return cursors.encode([created_at.isoformat(), str(report_id)])


def decode_cursor(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    return cursors.decode(cursor, _created_and_id, msg("report.cursor-invalid"))


def _created_and_id(raw) -> tuple[dt.datetime, uuid.UUID]:
    created, rid = raw
    return cursors.aware_datetime(created), uuid.UUID(rid)


def list_reports(
    session: Session, filters: ReportFilter, limit: int, cursor: str | None = None
) -> Page:
    """Newest first (as published); the cursor is the (created_at, id) of the previous
    page's last row, both as published."""
    where, params = where_clause(
        RecordFilter(
            commune=filters.commune,
            category=filters.category,
            statuses=filters.status,
            start=filters.since,
            end=filters.until,
            bbox=filters.bbox,
        )
    )
    if cursor:
        at, rid = decode_cursor(cursor)
        where += (
            " AND (v.created_at < :cursor_at OR (v.created_at = :cursor_at AND v.id < :cursor_id))"
        )
        params |= {"cursor_at": at, "cursor_id": rid}
    sql = f"{PUBLIC_VIEW_SQL} WHERE {where} ORDER BY v.created_at DESC, v.id DESC LIMIT :limit"
    params["limit"] = limit + 1
    rows = [ReportView.from_row(r) for r in session.connection().execute(text(sql), params)]
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1].created_at, rows[-1].id)
    return Page(rows, next_cursor)


# Distances in Lambert 2008 to the published point, through the index of migration 0016.
NEARBY_SQL = f"""
    SELECT {PUBLIC_COLUMNS}, ST_Distance(ST_Transform(v.location, {METRIC_SRID}), q.here)
           AS distance_m
    FROM {VIEW} v,
         (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(:lon, :lat), {WGS84}), {METRIC_SRID})
          AS here) q
    WHERE ST_DWithin(ST_Transform(v.location, {METRIC_SRID}), q.here, :radius)
      AND v.status = ANY(:statuses) {{category}}
    ORDER BY distance_m, v.created_at DESC, v.id DESC
    LIMIT :limit
"""


def nearby_reports(
    session: Session,
    lon: float,
    lat: float,
    radius_m: float,
    category: str | None = None,
    limit: int = 20,
) -> list[ReportView]:
    """Open reports whose published point is within radius_m (in Lambert 2008), nearest first."""
    if not near_belgium(lon, lat):
        return []  # Every report lies in Belgium.
    params = {
        "lon": lon,
        "lat": lat,
        "radius": radius_m,
        "statuses": [s.value for s in OPEN_STATUSES],
        "limit": limit,
    }
    if category:
        params["category"] = category
    sql = NEARBY_SQL.format(category="AND v.category_code = :category" if category else "")
    return [ReportView.from_row(r) for r in session.connection().execute(text(sql), params)]
