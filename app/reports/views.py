"""The public projection of a report: the one way anyone but staff or its author sees a report.

Every public reader (the report API's one, list and nearby; Open311 GET; the follow page of
someone who is not the author; OGC API Features, the exports and the dashboard through
app.opendata.records) reads the database view `open_data_reports` (migrations 0009, 0015,
0016, 0018, 0021). The view holds the rules, once: no reporter identity or contact, the free text
only once staff marked it publishable, hidden photos left out, and for a sensitive category
(or a duplicate of such a report) the location on a 100 m grid inside the commune, the
accuracy withheld, every time rounded down to the hour (`pave_public_time`, also used for a
report's history and updates), and the report left out until that hour is over.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from app.i18n import COMMUNE_LANGUAGES, name_columns
from app.opendata.records import VIEW
from app.reports.placement import Placement

# The view's columns as ReportView reads them, from the view aliased `v`.
PUBLIC_COLUMNS = f"""
    v.id, v.description, v.status, v.created_at, v.updated_at, v.accuracy_m,
    ST_X(v.location) AS lon, ST_Y(v.location) AS lat, v.generalised,
    v.category_code, v.commune_nis_code, v.region_code AS commune_region,
    v.body_code, v.body_kind, v.body_region_code AS body_region,
    {name_columns("v.category_name", "category")},
    {name_columns("v.commune_name", "commune", COMMUNE_LANGUAGES)},
    {name_columns("v.body_name", "body")}
"""
PUBLIC_VIEW_SQL = f"SELECT {PUBLIC_COLUMNS} FROM {VIEW} v"


# ReportView's fields read as they are from a row's columns of the same names.
_COPIED = (
    "id", "description", "status", "created_at", "updated_at", "accuracy_m", "lon", "lat",
    "category_code", "commune_nis_code", "commune_region", "body_code", "body_kind",
    "body_region", "generalised",
)  # fmt: skip


@dataclass(frozen=True)
class ReportView(Placement):
    id: uuid.UUID
    description: str | None
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime
    accuracy_m: float | None
    lon: float
    lat: float
    commune_region: str
    body_kind: str
    distance_m: float | None = None
    # A sensitive category's report, or a duplicate of one: location and times generalised.
    generalised: bool = False

    @classmethod
    def from_row(cls, row) -> ReportView:
        """From a row of PUBLIC_VIEW_SQL (or of the author's own, app.reports.queries).

        The row is read as a plain dict: a thousand rows (an Open311 page) read column by
        column through the row's attributes cost more than the query that made them.
        """
        values = row._asdict() if hasattr(row, "_asdict") else dict(row)
        return cls(
            **{name: values[name] for name in _COPIED},
            **cls.names(values),
            distance_m=values.get("distance_m"),
        )
