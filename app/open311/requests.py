"""Service requests as Open311 sees them: services, the query window and the request fields.

Reports are mapped, never copied: service_code is the category code, agency_responsible the
responsible body's name, status open or closed from the lifecycle. Nothing about the reporter
is ever read here, so nothing about them can reach a response.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.categories.models import Category
from app.errors import PaveError
from app.i18n import LANGUAGES, pick_name
from app.opendata.records import VIEW
from app.reports.services import OPEN311, ReportKey
from app.reports.states import CLOSED_STATUSES, OPEN_STATUSES, Status, open311_status
from app.reports.views import PUBLIC_COLUMNS, ReportView
from app.tickets.states import REASON_REQUIRED

# The spec's default and largest window, and its default number of requests.
WINDOW = dt.timedelta(days=90)
MAX_REQUESTS = 1000
# A planned date is a day in Belgium: expected_datetime is its first moment there.
BELGIAN_TIME = ZoneInfo("Europe/Brussels")
# The work is expected on the planned date while it is planned or under way; a ticket that
# was planned, then reopened or closed, keeps a date that no longer says anything.
EXPECTING = frozenset({Status.PLANNED.value, Status.IN_PROGRESS.value})


class Open311QueryError(PaveError):
    """A parameter of an Open311 request is malformed or out of range (HTTP 400)."""


@dataclass(frozen=True)
class RequestQuery:
    """GET requests, its parameters validated; ids, when given, override everything else."""

    ids: tuple[uuid.UUID, ...] = ()
    service_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    page: int = 1
    page_size: int = MAX_REQUESTS


def window(
    start: dt.datetime | None, end: dt.datetime | None, now: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """The spec's window: the most recent 90 days by default, never more than 90 days."""
    try:
        if start is None:
            end = now if end is None else end
            return end - WINDOW, end
        if end is None:
            return start, start + WINDOW
    except OverflowError:  # 90 days before 0001-01-01 or after 9999-12-31
        raise Open311QueryError(
            "start_date and end_date are dates between the years 1 and 9999, 90 days from "
            "either end."
        ) from None
    if end < start:
        raise Open311QueryError("end_date is before start_date.")
    if end - start > WINDOW:
        raise Open311QueryError("start_date and end_date may not span more than 90 days.")
    return start, end


def split_list(value: str | None) -> tuple[str, ...]:
    """A comma-delimited parameter; empty items are ignored like an empty parameter."""
    return tuple(item.strip() for item in (value or "").split(",") if item.strip())


def parse_ids(value: str | None) -> tuple[uuid.UUID, ...]:
    ids = []
    for item in split_list(value):
        try:
            ids.append(uuid.UUID(item))
        except ValueError:
            raise Open311QueryError(f"{item!r} is not a service_request_id.") from None
    return tuple(ids)


def parse_statuses(value: str | None) -> tuple[str, ...]:
    statuses = tuple(s.lower() for s in split_list(value))
    for status in statuses:
        if status not in ("open", "closed"):
            raise Open311QueryError(f"status is open or closed, not {status!r}.")
    return statuses


def parse_positive(name: str, value: str | None, default: int, maximum: int) -> int:
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise Open311QueryError(f"{name} must be a whole number, not {value!r}.") from None
    if not 1 <= number <= maximum:
        raise Open311QueryError(f"{name} must be between 1 and {maximum}.")
    return number


# ---- services ----------------------------------------------------------------------------


def list_services(session: Session, lang: str) -> list[dict[str, Any]]:
    """Active categories in the app's order; the other languages' names serve as keywords."""
    categories = session.scalars(
        select(Category).where(Category.active).order_by(Category.position, Category.id)
    )
    return [service(category, lang) for category in categories]


def service(category: Category, lang: str) -> dict[str, Any]:
    names = category.names()
    name = pick_name(names, lang)
    others = [names[other] for other in LANGUAGES if names.get(other) and names[other] != name]
    return {
        "service_code": category.code,
        "service_name": name,
        "description": name,
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join(dict.fromkeys(others)),
        "group": pick_name(category.group.names(), lang),
    }


def find_service(session: Session, code: str) -> Category | None:
    return session.scalar(select(Category).where(Category.code == code, Category.active))


# ---- service requests --------------------------------------------------------------------

# The public projection, plus the reason given for the current status if it needs one (a
# rejection or a transfer) and staff made it public; the notes of other changes are for
# colleagues only. The planned date, the first visible photo and the picture a client linked come from the
# projection too; the window and the order are those of the published times.
# The page is chosen first (an index scan on the published creation time, newest first,
# stopping after the page: migration 0021 made the view a plain join), then only its rows
# look their note up: a lateral join on the page, not a subquery in the view's select list.
REQUESTS_SQL = (
    "SELECT page.*, note.status_notes, origin.pave_report_id FROM (SELECT "
    + PUBLIC_COLUMNS
    + ", v.planned_for, v.photo_key, v.media_link FROM "
    + VIEW
    + " v WHERE {where} ORDER BY v.created_at DESC, v.id DESC LIMIT :limit OFFSET :offset) page "
    "LEFT JOIN LATERAL (SELECT h.note AS status_notes FROM report_status_changes h "
    "WHERE h.report_id = page.id AND h.to_status = page.status AND h.to_status = ANY(:reasons) "
    "AND h.reason_public ORDER BY h.id DESC LIMIT 1) note ON true "
    # The report id another Pavé sent with the request, echoed so that its reconciliation
    # finds it (the Idempotency-Key of such a request is open311-pave:<account>:<report id>,
    # app.reports.services.PAVE_KEYS, which only the Open311 POST of a Pavé account makes; the
    # account is not shown).
    "LEFT JOIN LATERAL (SELECT CASE WHEN r.idempotency_key LIKE 'open311-pave:%' "
    "THEN split_part(r.idempotency_key, ':', 3) END AS pave_report_id "
    "FROM reports r WHERE r.id = page.id) origin ON true "
    "ORDER BY page.created_at DESC, page.id DESC"
)


@dataclass(frozen=True)
class ServiceRequest:
    view: ReportView
    status_notes: str | None
    # The first visible photo's file, or else the link posted with the request.
    media_key: str | None
    media_link: str | None = None
    planned_for: dt.date | None = None
    # The sending Pavé's report id, if another Pavé sent it.
    pave_report_id: str | None = None


def find_requests(session: Session, query: RequestQuery, now: dt.datetime) -> list[ServiceRequest]:
    """The requests the query selects, newest first, one page of them."""
    params: dict[str, Any] = {"reasons": [s.value for s in REASON_REQUIRED]}
    if query.ids:
        where = ["v.id = ANY(:ids)"]
        params["ids"] = list(query.ids)
    else:
        start, end = window(query.start, query.end, now)
        where = ["v.created_at >= :start", "v.created_at <= :end"]
        params |= {"start": start, "end": end}
        if query.service_codes:
            where.append("v.category_code = ANY(:codes)")
            params["codes"] = list(query.service_codes)
        if query.statuses and len(set(query.statuses)) == 1:
            wanted = OPEN_STATUSES if query.statuses[0] == "open" else CLOSED_STATUSES
            where.append("v.status = ANY(:statuses)")
            params["statuses"] = [s.value for s in wanted]
    params["limit"] = query.page_size
    params["offset"] = (query.page - 1) * query.page_size
    sql = text(REQUESTS_SQL.format(where=" AND ".join(where)))
    rows = session.connection().execute(sql, params).all()
    return [
        ServiceRequest(
            ReportView.from_row(row),
            row.status_notes,
            row.photo_key,
            media_link=row.media_link,
            planned_for=row.planned_for,
            pave_report_id=row.pave_report_id,
        )
        for row in rows
    ]


def expected_datetime(item: ServiceRequest) -> str | None:
    """The planned date's first moment in Belgium, with its offset (2031-05-04T00:00:00+02:00):
    written in UTC it would read as the evening before."""
    if item.planned_for is None or item.view.status not in EXPECTING:
        return None
    return dt.datetime.combine(item.planned_for, dt.time(), BELGIAN_TIME).isoformat()


def request_fields(item: ServiceRequest, lang: str, media_url: str | None) -> dict[str, Any]:
    """One request in the spec's order of fields; the address is the commune's name."""
    view = item.view
    commune = pick_name(view.commune_names, lang, view.commune_region)
    fields: dict[str, Any] = {
        "service_request_id": str(view.id),
        "status": open311_status(view.status),
        "status_notes": item.status_notes,
        "service_name": pick_name(view.category_names, lang),
        "service_code": view.category_code,
        "description": view.description,
        "agency_responsible": pick_name(view.body_names, lang, view.body_region),
        "service_notice": None,
        "requested_datetime": view.created_at,
        "updated_datetime": view.updated_at,
        "expected_datetime": expected_datetime(item),
        "address": f"{commune} ({view.commune_nis_code})",
        "address_id": None,
        "zipcode": None,
        "lat": view.lat,
        "long": view.lon,
        "media_url": media_url or item.media_link,
    }
    if item.pave_report_id:
        fields["attributes"] = {"pave_report_id": item.pave_report_id}
    return fields


KEY_SQL = text("SELECT id FROM reports WHERE idempotency_key = :key")
# Only a request the public lists show: one still hidden (a sensitive category's report in its
# first hour) has no token yet, as it has no public id.
TOKEN_SQL = text(
    f"SELECT r.id FROM reports r JOIN {VIEW} v ON v.id = r.id WHERE r.idempotency_key = :key"
)


def request_for_key(session: Session, key: ReportKey) -> uuid.UUID | None:
    """The request created under this key, public or not: for its own sender's replay."""
    return session.connection().execute(KEY_SQL, {"key": key.stored}).scalar_one_or_none()


def request_for_token(session: Session, token: str) -> uuid.UUID | None:
    """The public request an Open311 POST with this Idempotency-Key created: the spec's token.

    Never one of another way in (the native API's keys are their authors' own) nor of another
    Pavé (which account sent what is not public).
    """
    key = ReportKey.client(OPEN311, token).stored
    return session.connection().execute(TOKEN_SQL, {"key": key}).scalar_one_or_none()
