"""Read side of tickets for staff: scoped lists with a keyset cursor, the map, and the detail."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, false, func, or_, select, tuple_
from sqlalchemy.orm import Session

from app import cursors
from app.accounts.access import ReadScope
from app.accounts.models import User
from app.bodies.models import Body
from app.categories.models import Category
from app.errors import NotFoundError
from app.geo.models import Commune
from app.geo.projection import WGS84
from app.problems import msg
from app.reports.models import Report, StatusChange
from app.reports.placement import Placement
from app.tickets.models import AuditEntry, ReportUpdate

# Sort orders of the list; each is one direction over all its keys, so that the keyset
# condition is a single row comparison that an index on the same keys can answer.
SORTS = ("-created_at", "created_at", "-updated_at", "-priority")
DEFAULT_SORT = "-created_at"
SUMMARY_DESCRIPTION_CHARS = 200
MAP_LIMIT = 1000

# Urgent first: the rank the "-priority" sort walks (migration 0007 indexes the same CASE).
PRIORITY_RANK = case(
    {"urgent": 3, "high": 2, "normal": 1},
    value=Report.priority,
    else_=0,
)


@dataclass(frozen=True)
class TicketFilter:
    statuses: tuple[str, ...] = ()
    category: str | None = None
    max_age_days: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    assignee_user_id: int | None = None


@dataclass(frozen=True)
class TicketRow(Placement):
    """A ticket as the lists show it; names in every language, picked by the HTTP layer."""

    id: uuid.UUID
    status: str
    priority: str
    version: int
    region_code: str
    body_id: int
    lat: float
    lon: float
    created_at: dt.datetime
    updated_at: dt.datetime
    assignee_user_id: int | None
    description: str | None


@dataclass(frozen=True)
class TicketPage:
    rows: list[TicketRow]
    next_cursor: str | None


@dataclass(frozen=True)
class TicketDetail:
    """A ticket with its trail; `reporter` and internal updates only when asked for."""

    row: TicketRow
    accuracy_m: float | None
    planned_for: dt.date | None
    duplicate_of: uuid.UUID | None
    description_public: bool
    reporter: dict[str, str | None] | None
    history: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)


_SUMMARY_COLUMNS = (
    Report.id,
    Report.status,
    Report.priority,
    Report.version,
    Report.created_at,
    Report.updated_at,
    Report.assignee_user_id,
    func.left(Report.description, SUMMARY_DESCRIPTION_CHARS).label("description"),
    func.ST_Y(Report.location).label("lat"),
    func.ST_X(Report.location).label("lon"),
    Category.code.label("category_code"),
    *(
        getattr(Category, f"name_{lang}").label(f"category_{lang}")
        for lang in ["fr", "nl", "de", "en"]
    ),
    Commune.nis_code.label("commune_nis_code"),
    Commune.region_code.label("region_code"),
    *(getattr(Commune, f"name_{lang}").label(f"commune_{lang}") for lang in ("fr", "nl", "de")),
    Body.id.label("body_id"),
    Body.code.label("body_code"),
    Body.region_code.label("body_region"),
    *(getattr(Body, f"name_{lang}").label(f"body_{lang}") for lang in ["fr", "nl", "de", "en"]),
)


# TicketRow's fields read as they are from the summary's columns of the same names.
_COPIED = (
    "id", "status", "priority", "version", "category_code", "commune_nis_code", "region_code",
    "body_id", "body_code", "body_region", "lat", "lon", "created_at", "updated_at",
    "assignee_user_id", "description",
)  # fmt: skip


def _row(mapping) -> TicketRow:
    return TicketRow(
        **{name: mapping[name] for name in _COPIED},
        **TicketRow.names(mapping),
    )


def _summaries(*extra_columns):
    return (
        select(*_SUMMARY_COLUMNS, *extra_columns)
        .join(Category, Category.id == Report.category_id)
        .join(Commune, Commune.id == Report.commune_id)
        .join(Body, Body.id == Report.body_id)
    )


def _in_scope(query, scope: ReadScope):
    """Only the tickets of the scope's bodies, or of communes in the scope's regions."""
    if scope.everywhere:
        return query
    conditions = []
    if scope.body_ids:
        conditions.append(Report.body_id.in_(sorted(scope.body_ids)))
    if scope.region_codes:
        # Subqueries rather than the joined columns, so that the map can pick its page from
        # the reports alone and join the names to those 1,000 rows only.
        regions = select(Commune.id).where(Commune.region_code.in_(sorted(scope.region_codes)))
        conditions.append(Report.commune_id.in_(regions))
    return query.where(or_(*conditions) if conditions else false())


def _filtered(query, filters: TicketFilter, now: dt.datetime | None = None):
    if filters.statuses:
        query = query.where(Report.status.in_(filters.statuses))
    if filters.category:
        query = query.where(
            Report.category_id.in_(select(Category.id).where(Category.code == filters.category))
        )
    if filters.max_age_days is not None:
        since = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=filters.max_age_days)
        query = query.where(Report.created_at >= since)
    if filters.bbox:
        minx, miny, maxx, maxy = filters.bbox
        envelope = func.ST_MakeEnvelope(minx, miny, maxx, maxy, WGS84)
        # For points this is exactly ST_Intersects with the envelope, edges included, but
        # costs a comparison per row where ST_Intersects cost microseconds: 12,000 points in
        # a bbox took 20 ms. The && lets the GiST index answer small boxes; the statistics of
        # migration 0008 on ST_X and ST_Y tell the planner when walking newest first is faster.
        query = query.where(
            Report.location.op("&&")(envelope),
            func.ST_X(Report.location).between(minx, maxx),
            func.ST_Y(Report.location).between(miny, maxy),
        )
    if filters.assignee_user_id is not None:
        query = query.where(Report.assignee_user_id == filters.assignee_user_id)
    return query


def _sort_keys(sort: str) -> tuple[list, bool]:
    """The keys of a sort order and whether they descend."""
    if sort == "-created_at":
        return [Report.created_at, Report.id], True
    if sort == "created_at":
        return [Report.created_at, Report.id], False
    if sort == "-updated_at":
        return [Report.updated_at, Report.id], True
    if sort == "-priority":
        return [PRIORITY_RANK, Report.created_at, Report.id], True
    raise ValueError(f"unknown sort {sort!r}")


def encode_cursor(sort: str, values: list[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, dt.datetime) else str(v) for v in values]
    return cursors.encode([sort, *plain])


def decode_cursor(cursor: str, sort: str) -> list[Any]:
    """The sort key values of the last row of the previous page, checked against `sort`."""
    return cursors.decode(
        cursor,
        lambda raw: _sort_values(raw, sort),
        "The cursor is not one this API returned for this sort order; start again without it.",
    )


def _sort_values(raw, sort: str) -> list[Any]:
    if not isinstance(raw, list) or raw[0] != sort:
        raise ValueError(f"not a cursor of the sort {sort}")
    *head, last = raw[1:]
    values: list[Any] = []
    for value in head:
        if sort == "-priority" and not values:
            rank = int(value)
            if not 0 <= rank <= 100:  # A rank of PRIORITY_RANK; beyond, PostgreSQL's integer.
                raise ValueError(f"no priority has the rank {rank}")
            values.append(rank)
            continue
        values.append(cursors.aware_datetime(value))
    values.append(uuid.UUID(last))
    if len(values) != len(_sort_keys(sort)[0]):
        raise ValueError(f"not as many values as the sort {sort} has keys")
    return values


def list_tickets(
    session: Session,
    scope: ReadScope,
    filters: TicketFilter,
    *,
    sort: str = DEFAULT_SORT,
    limit: int = 50,
    cursor: str | None = None,
) -> TicketPage:
    """One page of the tickets in `scope`; the cursor carries the last row's sort keys."""
    keys, descending = _sort_keys(sort)
    query = _filtered(
        _in_scope(_summaries(*(k.label(f"_k{i}") for i, k in enumerate(keys))), scope), filters
    )
    if cursor:
        after = decode_cursor(cursor, sort)
        row_keys = tuple_(*keys)
        query = query.where(row_keys < tuple_(*after) if descending else row_keys > tuple_(*after))
    order = [k.desc() if descending else k.asc() for k in keys]
    result = session.execute(query.order_by(*order).limit(limit + 1)).mappings().all()
    next_cursor = None
    if len(result) > limit:
        result = result[:limit]
        last = result[-1]
        next_cursor = encode_cursor(sort, [last[f"_k{i}"] for i in range(len(keys))])
    return TicketPage([_row(r) for r in result], next_cursor)


def map_page(scope: ReadScope, filters: TicketFilter, limit: int = MAP_LIMIT):
    """The query of the map, with the list's columns: at most `limit` tickets, newest first.

    The page is chosen from the reports alone and only its rows are joined to their names:
    joining the 12,000 tickets of a bbox before keeping 1,000 took as long as choosing them.
    The HTTP layer has PostgreSQL turn it into GeoJSON (app/api/tickets/geojson.py).
    """
    newest = (Report.created_at.desc(), Report.id.desc())
    page = _filtered(_in_scope(select(Report.id), scope), filters).order_by(*newest).limit(limit)
    return _summaries().where(Report.id.in_(page.scalar_subquery())).order_by(*newest)


def get_ticket(
    session: Session,
    report_id: uuid.UUID,
    *,
    with_internal: bool,
    with_contact: bool,
) -> TicketDetail:
    """The ticket with its history, updates (internal ones if asked) and audit trail."""
    query = _summaries(
        Report.description.label("full_description"),
        Report.accuracy_m,
        Report.planned_for,
        Report.duplicate_of,
        Report.description_public,
        Report.reporter_name,
        Report.reporter_email,
        Report.reporter_phone,
    ).where(Report.id == report_id)
    found = session.execute(query).mappings().first()
    if found is None:
        raise NotFoundError(msg("ticket.missing", report_id=report_id))
    row = _row({**found, "description": found["full_description"]})
    reporter = None
    if with_contact and any(found[f"reporter_{k}"] for k in ("name", "email", "phone")):
        reporter = {k: found[f"reporter_{k}"] for k in ("name", "email", "phone")}
    return TicketDetail(
        row=row,
        accuracy_m=found["accuracy_m"],
        planned_for=found["planned_for"],
        duplicate_of=found["duplicate_of"],
        description_public=found["description_public"],
        reporter=reporter,
        history=_history(session, report_id),
        updates=_updates(session, report_id, with_internal),
        audit=_audit(session, report_id, with_internal),
    )


def _history(session: Session, report_id: uuid.UUID) -> list[dict[str, Any]]:
    query = (
        select(
            StatusChange.at,
            StatusChange.from_status,
            StatusChange.to_status,
            StatusChange.actor,
            StatusChange.note,
            StatusChange.reason_public,
        )
        .where(StatusChange.report_id == report_id)
        .order_by(StatusChange.id)
    )
    return [dict(r) for r in session.execute(query).mappings()]


def _updates(session: Session, report_id: uuid.UUID, with_internal: bool) -> list[dict[str, Any]]:
    query = select(
        ReportUpdate.id,
        ReportUpdate.created_at.label("at"),
        ReportUpdate.author,
        ReportUpdate.body,
        ReportUpdate.public,
    ).where(ReportUpdate.report_id == report_id)
    if not with_internal:
        query = query.where(ReportUpdate.public.is_(True))
    query = query.order_by(ReportUpdate.created_at, ReportUpdate.id)
    return [dict(r) for r in session.execute(query).mappings()]


def _audit(session: Session, report_id: uuid.UUID, with_internal: bool) -> list[dict[str, Any]]:
    """The audit trail; without internal notes, their entries too (their text is in `after`)."""
    query = select(
        AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.before, AuditEntry.after
    ).where(AuditEntry.report_id == report_id)
    if not with_internal:
        internal = select(ReportUpdate.id).where(
            ReportUpdate.report_id == report_id, ReportUpdate.public.is_(False)
        )
        query = query.where(
            AuditEntry.action != "internal_note",
            or_(
                ~AuditEntry.after.has_key("update_id"),
                AuditEntry.after["update_id"].as_integer().not_in(internal.scalar_subquery()),
            ),
        )
    query = query.order_by(AuditEntry.id)
    return [dict(r) for r in session.execute(query).mappings()]


def active_user(session: Session, user_id: int) -> User | None:
    """The active staff member with this id, grants loaded, or None."""
    user = session.get(User, user_id)
    return user if user is not None and user.active else None


def ticket_scope_of(session: Session, report_id: uuid.UUID) -> tuple[int, str] | None:
    """(body id, region code) of a ticket, to check access to it; None if there is none."""
    query = (
        select(Report.body_id, Commune.region_code)
        .join(Commune, Commune.id == Report.commune_id)
        .where(Report.id == report_id)
    )
    found = session.execute(query).first()
    return (found[0], found[1]) if found else None
