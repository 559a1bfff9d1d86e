"""The public record of a report: one row of the `open_data_reports` view, with filters.

The view is the one public projection of a report (app.reports.views says who reads it).
Every open-data output (CSV and GeoJSON exports, OGC API Features, the dashboard) reads
reports through this module, and the report API's list filters with it too: no reporter
identity or contact, no idempotency key, no internal note, the free text only once staff
marked it publishable, hidden photos left out, sensitive categories on a 100 m grid with the
accuracy withheld and times rounded to the hour. Filters compare the published location and
times, so that no filter tells more than the records it returns.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.sql.elements import TextClause

from app.geo.bbox import bbox_condition, bbox_params
from app.geo.projection import WGS84
from app.i18n import COMMUNE_LANGUAGES, LANGUAGES
from app.reports.states import CLOSED_STATUSES, Status

# The anonymised view (migrations 0009, 0015, 0016, 0018, 0021): the only relation public readers read.
VIEW = "open_data_reports"

# The published columns, in the order of the CSV export. Each is the view `v`'s column of the
# same name but for those in _EXPRESSIONS; the geometry is published as WGS84 lon/lat
# (6 decimals, about 10 cm) and as Belgian Lambert 2008 x/y (EPSG:3812, centimetres), rounded
# when the report is written (migration 0021) rather than reprojected for every row read.
_PUBLISHED = (
    "id", "status", "open311_status", "oslo_status_uri",
    "category_code", *(f"category_name_{lang}" for lang in LANGUAGES),
    "commune_nis_code", *(f"commune_name_{lang}" for lang in COMMUNE_LANGUAGES),
    "region_code", "region", "body_code", "body_name_fr", "body_name_nl",
    "created_at", "updated_at", "resolved_at", "resolution_hours",
    "description", "duplicate_of", "photo_key", "location_generalised",
    "lon", "lat", "x_lambert2008", "y_lambert2008",
)  # fmt: skip
# The published columns that the view names otherwise, or that are computed from it.
_EXPRESSIONS = {
    "region": "v.region_slug",
    "resolution_hours": "round((extract(epoch FROM v.resolved_at - v.created_at) / 3600)::numeric, 2)",
    "location_generalised": "v.generalised",
}
COLUMNS: dict[str, str] = {name: _EXPRESSIONS.get(name, f"v.{name}") for name in _PUBLISHED}


@dataclass(frozen=True)
class RecordFilter:
    """What a reader may narrow the published reports to; every field is optional.

    `statuses` takes lifecycle statuses and Open311's "open" and "closed". The period
    compares `created_at` (as published): `start` inclusive, `end` exclusive. `bbox` is
    (min lon, min lat, max lon, max lat) in WGS84, where min lon > max lon is a box across
    the antimeridian; or (min x, min y, max x, max y) in the projected CRS whose EPSG code
    is `bbox_crs` (Belgian Lambert 72 or 2008). `ids` picks records by id; `after_id` and
    `before_id` page through records in id order (keyset paging, as the OGC API does).
    """

    region: str | None = None
    commune: str | None = None
    category: str | None = None
    statuses: tuple[str, ...] = ()
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    bbox: tuple[float, float, float, float] | None = None
    bbox_crs: int = WGS84
    ids: tuple[uuid.UUID, ...] = ()
    after_id: uuid.UUID | None = None
    before_id: uuid.UUID | None = None


def expand_statuses(statuses: tuple[str, ...]) -> list[str]:
    """Lifecycle statuses named by `statuses`, where "open" and "closed" stand for several."""
    wanted: set[str] = set()
    for status in statuses:
        if status == "closed":
            wanted |= {s.value for s in CLOSED_STATUSES}
        elif status == "open":
            wanted |= {s.value for s in Status if s not in CLOSED_STATUSES}
        else:
            wanted.add(Status(status).value)
    return sorted(wanted)


# Each filter's condition over the view `v`, bound to the parameter named after it, in the
# order they are written. The bbox's is made by app.geo.bbox.
CONDITIONS: dict[str, str] = {
    "region": "v.region_slug = :region",
    "commune": "v.commune_nis_code = :commune",
    "category": "v.category_code = :category",
    "statuses": "v.status = ANY(:statuses)",
    "start": "v.created_at >= :start",
    "end": "v.created_at < :end",
    "bbox": "",
    "ids": "v.id = ANY(:ids)",
    "after_id": "v.id > :after_id",
    "before_id": "v.id < :before_id",
}


def where_clause(flt: RecordFilter) -> tuple[str, dict]:
    """The SQL condition over the view `v` for `flt`, and its bound parameters."""
    conditions: list[str] = []
    params: dict = {}
    for name, condition in CONDITIONS.items():
        value = getattr(flt, name)
        if not value:
            continue
        if name == "bbox":
            condition = bbox_condition("v.location", value, flt.bbox_crs, points=True)
            params.update(bbox_params(value))
        elif name == "statuses":
            params[name] = expand_statuses(value)
        else:
            params[name] = list(value) if name == "ids" else value
        conditions.append(condition)
    return (" AND ".join(conditions) or "true"), params


def select(
    flt: RecordFilter = RecordFilter(),
    columns: list[str] | None = None,
    order_by: str = "v.created_at, v.id",
    expressions: dict[str, str] | None = None,
    *,
    limit: int | None = None,
) -> tuple[TextClause, dict]:
    """SELECT of the published `columns` (all by default) matching `flt`, in a stable order.

    `expressions` adds columns, or replaces how one is written (e.g. a timestamp as text for
    a CSV file), as SQL over the view `v`; their bound parameters are the caller's to add.
    `limit` keeps the first rows only.
    """
    available = {**COLUMNS, **(expressions or {})}
    names = columns or list(COLUMNS)
    selected = ", ".join(f"{available[name]} AS {name}" for name in names)
    where, params = where_clause(flt)
    sql = f"SELECT {selected} FROM {VIEW} v WHERE {where} ORDER BY {order_by}"
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = limit
    return text(sql), params


def rfc3339(expression: str) -> str:
    """SQL writing a timestamp expression as RFC 3339 text, in UTC, to the second."""
    return f"""to_char(({expression}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""


def rfc3339_iso(expression: str) -> str:
    """The same text as `rfc3339`, cut from the timestamp's own text: only where DateStyle
    is ISO (2026-03-04 10:17:42.123456), which the exports set for their transaction.

    to_char parses its pattern for every value: three times a row, it was a quarter of the
    time of an export of every report (2,000,000 reports: 3.5 of 12.4 s; bench/RESULTS.md).
    """
    utc = f"(({expression}) AT TIME ZONE 'UTC')::text"
    return f"replace(left({utc}, 19), ' ', 'T') || 'Z'"


def count(
    flt: RecordFilter = RecordFilter(), *, at_most: int | None = None
) -> tuple[TextClause, dict]:
    """SELECT count(*) of the published reports matching `flt`.

    With `at_most`, counting stops there: a count of `at_most` means "that many or more",
    at a cost bounded whatever the number of matches.
    """
    where, params = where_clause(flt)
    if at_most is None:
        return text(f"SELECT count(*) FROM {VIEW} v WHERE {where}"), params
    params["at_most"] = at_most
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {VIEW} v WHERE {where} LIMIT :at_most) x"
    return text(sql), params
