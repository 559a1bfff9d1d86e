"""The public view of a report: what anyone may see, never the reporter's identity."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from app.reports.models import Report

# Columns of the public view, read from a report relation aliased `r` (the reports table, or
# the RETURNING rows of an INSERT) joined to its category, commune and body.
# The resident's free text is public only once staff marked it publishable: it may hold a
# name, a phone number or a neighbour's plate. Until then every public answer says null.
PUBLIC_VIEW_SQL = """
    SELECT r.id, CASE WHEN r.description_public THEN r.description END AS description, r.status, r.created_at, r.updated_at, r.accuracy_m,
           ST_X(r.location) AS lon, ST_Y(r.location) AS lat,
           c.code AS category_code, c.name_fr AS category_fr, c.name_nl AS category_nl,
           c.name_de AS category_de, c.name_en AS category_en,
           m.nis_code AS commune_nis_code, m.name_fr AS commune_fr, m.name_nl AS commune_nl,
           m.name_de AS commune_de, m.region_code AS commune_region,
           b.code AS body_code, b.kind AS body_kind, b.name_fr AS body_fr,
           b.name_nl AS body_nl, b.name_de AS body_de, b.name_en AS body_en,
           b.region_code AS body_region
    FROM {source} r
    JOIN categories c ON c.id = r.category_id
    JOIN communes m ON m.id = r.commune_id
    JOIN bodies b ON b.id = r.body_id
"""


def _names(row, prefix: str, languages=("fr", "nl", "de", "en")) -> dict[str, str]:
    names = {lang: getattr(row, f"{prefix}_{lang}", None) for lang in languages}
    return {lang: name for lang, name in names.items() if name}


@dataclass(frozen=True)
class ReportView:
    id: uuid.UUID
    description: str | None
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime
    accuracy_m: float | None
    lon: float
    lat: float
    category_code: str
    category_names: dict[str, str]
    commune_nis_code: str
    commune_names: dict[str, str]
    commune_region: str
    body_code: str
    body_kind: str
    body_names: dict[str, str]
    body_region: str | None
    distance_m: float | None = None

    @classmethod
    def from_row(cls, row) -> ReportView:
        """From a row of PUBLIC_VIEW_SQL."""
        return cls(
            id=row.id,
            description=row.description,
            status=row.status,
            created_at=row.created_at,
            updated_at=row.updated_at,
            accuracy_m=row.accuracy_m,
            lon=row.lon,
            lat=row.lat,
            category_code=row.category_code,
            category_names=_names(row, "category"),
            commune_nis_code=row.commune_nis_code,
            commune_names=_names(row, "commune", ("fr", "nl", "de")),
            commune_region=row.commune_region,
            body_code=row.body_code,
            body_kind=row.body_kind,
            body_names=_names(row, "body"),
            body_region=row.body_region,
        )

    @classmethod
    def from_report(
        cls, report: Report, lon: float, lat: float, distance_m: float | None = None
    ) -> ReportView:
        """From an ORM Report with its category, commune and body loaded."""
        return cls(
            id=report.id,
            description=report.description if report.description_public else None,
            status=report.status,
            created_at=report.created_at,
            updated_at=report.updated_at,
            accuracy_m=report.accuracy_m,
            lon=lon,
            lat=lat,
            category_code=report.category.code,
            category_names=report.category.names(),
            commune_nis_code=report.commune.nis_code,
            commune_names=report.commune.names(),
            commune_region=report.commune.region_code,
            body_code=report.body.code,
            body_kind=report.body.kind,
            body_names=report.body.names(),
            body_region=report.body.region_code,
            distance_m=distance_m,
        )
