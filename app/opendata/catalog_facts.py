"""What the DCAT-AP catalogue says that comes from the database: regions, their coverage in
time (no finer than the anonymised data), their extent, and the category names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.geo.boundaries import current_set_id
from app.geo.projection import METRIC_SRID, WGS84
from app.i18n import LANGUAGES
from app.opendata.catalog_vocabulary import Texts


@dataclass(frozen=True)
class Region:
    code: str
    slug: str
    names: Texts


@dataclass(frozen=True)
class Coverage:
    """When a dataset's reports were made, and when one last changed, as published."""

    first_report: dt.datetime
    last_report: dt.datetime
    last_change: dt.datetime


@dataclass(frozen=True)
class Area:
    """An area's bounding box and centroid, in WGS84 degrees."""

    west: float
    south: float
    east: float
    north: float
    centroid: tuple[float, float]

    def bbox_wkt(self) -> str:
        w, s, e, n = (round(v, 5) for v in (self.west, self.south, self.east, self.north))
        return f"POLYGON(({w} {s},{e} {s},{e} {n},{w} {n},{w} {s}))"

    def centroid_wkt(self) -> str:
        lon, lat = (round(v, 5) for v in self.centroid)
        return f"POINT({lon} {lat})"


@dataclass(frozen=True)
class CatalogFacts:
    """What the catalogue says that comes from the database. The key None is all Belgium."""

    regions: list[Region]
    coverage: dict[str | None, Coverage]
    areas: dict[str | None, Area]
    categories: dict[str, list[str]]


def regions(session: Session) -> list[Region]:
    rows = session.execute(
        text("SELECT code, slug, name_nl, name_fr, name_de, name_en FROM regions ORDER BY slug")
    )
    return [
        Region(row.code, row.slug, {lang: getattr(row, f"name_{lang}") for lang in LANGUAGES})
        for row in rows
    ]


# The first and latest report of each region, and its latest change. Read from the reports
# table rather than the view, so that each is one walk down an index (the view's times are
# expressions, which no index serves: a scan of every report, seconds at a million). The
# EXISTS guard (an index probe per commune) spares a region without reports a walk down the
# whole index.
COVERAGE_SQL = """
SELECT reg.code AS region_code, first.at AS first_report, last.at AS last_report,
       changed.at AS last_change
FROM regions reg
CROSS JOIN LATERAL (
    SELECT r.created_at AS at FROM reports r JOIN communes c ON c.id = r.commune_id
    WHERE c.region_code = reg.code ORDER BY r.created_at LIMIT 1) first
CROSS JOIN LATERAL (
    SELECT r.created_at AS at FROM reports r JOIN communes c ON c.id = r.commune_id
    WHERE c.region_code = reg.code ORDER BY r.created_at DESC LIMIT 1) last
CROSS JOIN LATERAL (
    SELECT r.updated_at AS at FROM reports r JOIN communes c ON c.id = r.commune_id
    WHERE c.region_code = reg.code ORDER BY r.updated_at DESC LIMIT 1) changed
WHERE EXISTS (
    SELECT 1 FROM communes c
    WHERE c.region_code = reg.code
      AND EXISTS (SELECT 1 FROM reports r WHERE r.commune_id = c.id))
"""


def to_the_hour(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def coverage(session: Session) -> dict[str | None, Coverage]:
    """When each region's reports (and all, key None) were made and last changed; none if none.

    No finer than the published data: the view rounds a sensitive report's times down to the
    hour, so the latest change is given to the hour. The days of the first and latest reports
    need no rounding: a time rounded to the hour stays on its day (Belgium's offset from UTC
    is whole hours).
    """
    found = {
        row.region_code: Coverage(row.first_report, row.last_report, to_the_hour(row.last_change))
        for row in session.execute(text(COVERAGE_SQL))
    }
    if found:
        found[None] = Coverage(
            min(c.first_report for c in found.values()),
            max(c.last_report for c in found.values()),
            max(c.last_change for c in found.values()),
        )
    return found


# Areas of a boundary set, by its content hash: they only change with the boundaries, and
# cost a pass over every commune polygon.
_AREAS: dict[str, dict[str | None, Area]] = {}


def areas(session: Session) -> dict[str | None, Area]:
    """Bounding box and centroid of each region and of Belgium (None), from the communes."""
    set_id = current_set_id(session)
    if set_id is None:
        return {}
    sha = session.execute(
        text("SELECT sha256 FROM boundary_sets WHERE id = :id"), {"id": set_id}
    ).scalar_one()
    if sha not in _AREAS:
        # The centroid is computed in Lambert 2008, where areas are true to scale.
        rows = session.execute(
            text(
                "SELECT region_code, ST_XMin(extent) AS west, ST_YMin(extent) AS south, "
                "ST_XMax(extent) AS east, ST_YMax(extent) AS north, "
                "ST_X(centroid) AS lon, ST_Y(centroid) AS lat FROM ("
                "  SELECT region_code, ST_Extent(boundary) AS extent, "
                "  ST_Transform(ST_Centroid(ST_Collect(ST_Transform(boundary, :srid))), :wgs84) "
                "  AS centroid FROM communes WHERE boundary_set_id = :set_id "
                "  GROUP BY ROLLUP (region_code)) a"
            ),
            {"set_id": set_id, "srid": METRIC_SRID, "wgs84": WGS84},
        )
        _AREAS[sha] = {
            row.region_code: Area(row.west, row.south, row.east, row.north, (row.lon, row.lat))
            for row in rows
        }
    return _AREAS[sha]


def category_names(session: Session) -> dict[str, list[str]]:
    """The active categories' names by language: they are the datasets' natural keywords."""
    rows = session.execute(
        text(
            "SELECT name_nl, name_fr, name_de, name_en FROM categories WHERE active "
            "ORDER BY position, code"
        )
    ).all()
    return {lang: [getattr(row, f"name_{lang}") for row in rows] for lang in LANGUAGES}


def catalog_facts(session: Session) -> CatalogFacts:
    return CatalogFacts(
        regions(session), coverage(session), areas(session), category_names(session)
    )
