"""Read side of reports: one by id, filtered pages with a keyset cursor, and nearby ones."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.orm import Session

from app.categories.models import Category
from app.errors import InvalidCursorError, NotFoundError
from app.geo.models import Commune
from app.geo.projection import near_belgium
from app.reports.models import Report
from app.reports.states import OPEN_STATUSES
from app.reports.views import PUBLIC_VIEW_SQL, ReportView


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


def _with_coordinates():
    return select(Report, func.ST_X(Report.location), func.ST_Y(Report.location))


GET_REPORT_SQL = text(PUBLIC_VIEW_SQL.format(source="reports") + " WHERE r.id = :id")


def get_report(session: Session, report_id: uuid.UUID) -> ReportView:
    row = session.connection().execute(GET_REPORT_SQL, {"id": report_id}).first()
    if row is None:
        raise NotFoundError(f"There is no report {report_id}.")
    return ReportView.from_row(row)


def encode_cursor(created_at: dt.datetime, report_id: uuid.UUID) -> str:
    raw = json.dumps([created_at.isoformat(), str(report_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, rid = json.loads(raw)
        at = dt.datetime.fromisoformat(created)
        if at.tzinfo is None:
            raise ValueError("naive datetime")
        return at, uuid.UUID(rid)
    except (ValueError, TypeError) as exc:
        raise InvalidCursorError(
            "The cursor is not one this API returned; start again without it."
        ) from exc


def list_reports(
    session: Session, filters: ReportFilter, limit: int, cursor: str | None = None
) -> Page:
    """Newest first; the cursor is the (created_at, id) of the last row of the previous page."""
    query = _with_coordinates()
    if filters.bbox:
        minx, miny, maxx, maxy = filters.bbox
        query = query.where(
            func.ST_Intersects(Report.location, func.ST_MakeEnvelope(minx, miny, maxx, maxy, 4326))
        )
    if filters.commune:
        query = query.where(
            Report.commune_id.in_(select(Commune.id).where(Commune.nis_code == filters.commune))
        )
    if filters.category:
        query = query.where(
            Report.category_id.in_(select(Category.id).where(Category.code == filters.category))
        )
    if filters.status:
        query = query.where(Report.status.in_(filters.status))
    if filters.since:
        query = query.where(Report.created_at >= filters.since)
    if filters.until:
        query = query.where(Report.created_at < filters.until)
    if cursor:
        at, rid = decode_cursor(cursor)
        query = query.where(
            or_(Report.created_at < at, and_(Report.created_at == at, Report.id < rid))
        )
    query = query.order_by(Report.created_at.desc(), Report.id.desc()).limit(limit + 1)
    rows = [ReportView.from_report(*r) for r in session.execute(query)]
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1].created_at, rows[-1].id)
    return Page(rows, next_cursor)


def nearby_reports(
    session: Session,
    lon: float,
    lat: float,
    radius_m: float,
    category: str | None = None,
    limit: int = 20,
) -> list[ReportView]:
    """Open reports within radius_m (measured in Lambert 2008), nearest first."""
    if not near_belgium(lon, lat):
        return []  # Every report lies in Belgium.
    point = func.ST_Transform(func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326), 3812)
    located = func.ST_Transform(Report.location, 3812)
    distance = func.ST_Distance(located, point).label("distance")
    query = (
        select(Report, func.ST_X(Report.location), func.ST_Y(Report.location), distance)
        .where(func.ST_DWithin(located, point, radius_m))
        .where(Report.status.in_([s.value for s in OPEN_STATUSES]))
    )
    if category:
        query = query.where(
            Report.category_id.in_(select(Category.id).where(Category.code == category))
        )
    query = query.order_by(distance, Report.created_at.desc()).limit(limit)
    return [ReportView.from_report(*r) for r in session.execute(query)]
