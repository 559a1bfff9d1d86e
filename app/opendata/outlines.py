"""The communes of the dashboard: names, region, area and population, and their outlines.

Two things, both kept per process for each version of the boundaries and population (they
change with an import, a few times a decade for the boundaries, once a year for the
population; the key below notices either):

- `outlines()`: what each commune's figures show beside them and divide by (area in km²,
  geodesic; population, or None). Cheap, read by every figure request.
- `outline_file()`: the GeoJSON of every current commune's outline for the map, made once and
  served by GET /opendata/dashboard/outlines to every reader whatever the filter or language
  (names in the three languages, no negotiated one), gzipped once too, with a strong ETag.
  Making it takes seconds, so the commands that change boundaries or population store it
  (`store_outline_file`, table commune_outline_files) and processes read it from there; a
  process that finds none (boundaries changed some other way) makes it itself.

The outlines are simplified as a coverage: the boundary files are simplified polygon by
polygon (neighbours overlap by 27 km² in all and leave 3,450 slivers between them), so
simplifying each again would open new gaps and overlaps at every border. Instead GEOS (3.14,
through shapely 2.2: PostGIS 3.3 of Debian bookworm has no ST_CoverageSimplify) first cleans
the set into a coverage (each overlap given to the neighbour with the longest shared border,
slivers narrower than `GAP_WIDTH_M` filled, shared edges made identical), then simplifies each
shared edge once (`coverage_simplify`, Visvalingam-Whyatt), in Lambert 2008 metres. The
slivers must go: rounding to a metre crosses the two sides of the thinnest, which then
overlap. It takes about 5 s for Belgium on a busy 2-core machine (1.4 s of it without the
gap filling), once per version and process. Neighbours keep sharing
their edges exactly, down to the 5 decimals (about a metre) the GeoJSON keeps, since a shared
vertex is rounded the same way in both. Areas are those of the boundaries routing uses, not
of the simplified outlines.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import mapping
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.geo.projection import METRIC_SRID, WGS84, transformer

SIMPLIFY_TOLERANCE_M = 50
# The boundary file's slivers are at most 0.18 km² (and narrow); the Vennbahn's German
# enclaves, real holes in Belgium, are kilometres wide and stay.
GAP_WIDTH_M = 200
GEOJSON_DECIMALS = 5
# Changing how the file is made (or its format) makes every stored file stale.
MADE_WITH = (1, SIMPLIFY_TOLERANCE_M, GAP_WIDTH_M, GEOJSON_DECIMALS)


@dataclass(frozen=True)
class Outline:
    """What a commune's figures show beside them: its names, region, area and population."""

    nis_code: str
    names: dict[str, str]
    region: str
    region_code: str
    area_km2: float
    population: int | None


@dataclass(frozen=True)
class PopulationReference:
    """Whose count the populations are and of what day (Statbel's licence: cite both)."""

    source: str
    date: dt.date


@dataclass(frozen=True)
class OutlineFile:
    """The map's GeoJSON, plain and gzipped, with the strong ETag of each."""

    body: bytes
    gzipped: bytes
    etag: str
    gzip_etag: str


@dataclass
class _Version:
    stored_as: str
    outlines: dict[str, Outline]
    population: PopulationReference | None
    file: OutlineFile | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


# Names the boundaries routing uses and the populations: rebuilding the routing parts (a
# boundary import, or any change to the boundaries) gives them new ids, and a population load
# new rows with a new time, so a changed set is never served from the cache.
VERSION_SQL = text(
    """
    SELECT current_database(),
           (SELECT max(id) FROM commune_parts), (SELECT count(*) FROM commune_parts),
           (SELECT max(loaded_at) FROM commune_populations),
           (SELECT count(*) FROM commune_populations)
    """
)
OUTLINES_SQL = text(
    """
    SELECT c.nis_code, c.name_fr, c.name_nl, c.name_de, c.region_code, reg.slug AS region,
           ST_Area(c.boundary::geography) / 1e6 AS area_km2, p.population
    FROM communes c
    JOIN regions reg ON reg.code = c.region_code
    LEFT JOIN commune_populations p ON p.nis_code = c.nis_code
    WHERE c.id IN (SELECT commune_id FROM commune_parts)
    ORDER BY c.nis_code
    """
)
# One load holds one date and source; should rows of several ever be there, the latest.
POPULATION_SQL = text(
    "SELECT source, reference_date FROM commune_populations "
    "ORDER BY reference_date DESC, source LIMIT 1"
)
BOUNDARIES_SQL = text(
    """
    SELECT nis_code, ST_AsBinary(boundary) AS wkb FROM communes
    WHERE id IN (SELECT commune_id FROM commune_parts) ORDER BY nis_code
    """
)
_VERSIONS: OrderedDict[tuple, _Version] = OrderedDict()
_VERSIONS_KEPT = 4
_VERSIONS_LOCK = threading.Lock()


def _version(db: Session | Connection) -> _Version:
    key = tuple(db.execute(VERSION_SQL).one())
    found = _VERSIONS.get(key)
    if found is not None:
        return found
    found = _Version(
        # The database's name tells this process's caches apart, not the stored files; how
        # they are made does (a new release may simplify otherwise).
        stored_as=hashlib.sha256(repr((key[1:], MADE_WITH)).encode()).hexdigest(),
        outlines={
            r.nis_code: Outline(
                nis_code=r.nis_code,
                names={
                    lang: name
                    for lang, name in (("fr", r.name_fr), ("nl", r.name_nl), ("de", r.name_de))
                    if name
                },
                region=r.region,
                region_code=r.region_code,
                area_km2=r.area_km2,
                population=r.population,
            )
            for r in db.execute(OUTLINES_SQL)
        },
        population=next(
            (PopulationReference(r.source, r.reference_date) for r in db.execute(POPULATION_SQL)),
            None,
        ),
    )
    with _VERSIONS_LOCK:
        found = _VERSIONS.setdefault(key, found)
        while len(_VERSIONS) > _VERSIONS_KEPT:
            _VERSIONS.popitem(last=False)
    return found


def outlines(db: Session | Connection) -> dict[str, Outline]:
    """The current communes by NIS code: names, region, area (km²), population."""
    return _version(db).outlines


def population_reference(db: Session | Connection) -> PopulationReference | None:
    """The source and day of the populations loaded, None before any load."""
    return _version(db).population


STORED_SQL = text("SELECT body, gzipped FROM commune_outline_files WHERE version = :version")


def outline_file(db: Session | Connection) -> OutlineFile:
    """The map's GeoJSON of the current communes: kept by the process once read, read from
    commune_outline_files if a command stored it, made here (seconds) otherwise."""
    version = _version(db)
    if version.file is None:
        # One thread makes it; the others of the process wait for it rather than repeat it.
        with version.lock:
            if version.file is None:
                stored = db.execute(STORED_SQL, {"version": version.stored_as}).first()
                version.file = (
                    _packed(bytes(stored.body), bytes(stored.gzipped))
                    if stored
                    else _made(db, version)
                )
    return version.file


def store_outline_file(db: Session | Connection) -> OutlineFile:
    """Make the current outlines' file and keep it in the database for every process, in
    place of any other (what the commands that change boundaries or population call)."""
    file = outline_file(db)
    db.execute(text("DELETE FROM commune_outline_files"))
    db.execute(
        text(
            "INSERT INTO commune_outline_files (version, body, gzipped) "
            "VALUES (:version, :body, :gzipped)"
        ),
        {"version": _version(db).stored_as, "body": file.body, "gzipped": file.gzipped},
    )
    return file


def _made(db: Session | Connection, version: _Version) -> OutlineFile:
    rows = db.execute(BOUNDARIES_SQL).all()
    geometries = simplified_outlines([bytes(r.wkb) for r in rows])
    return _file(version, [r.nis_code for r in rows], geometries)


def _reproject(geometries: np.ndarray, source: int, target: int) -> np.ndarray:
    project = transformer(source, target)
    return shapely.transform(
        geometries, lambda xy: np.column_stack(project.transform(xy[:, 0], xy[:, 1]))
    )


def simplified_outlines(wkbs: list[bytes]) -> list:
    """WGS84 outlines (WKB in, shapely out) simplified together, sharing their edges."""
    metric = _reproject(shapely.from_wkb(wkbs), WGS84, METRIC_SRID)
    # New in shapely 2.2, after the stubs (types-shapely 2.1) were written.
    coverage = shapely.coverage_clean(metric, gap_width=GAP_WIDTH_M)  # type: ignore[attr-defined]
    simplified = shapely.coverage_simplify(coverage, SIMPLIFY_TOLERANCE_M)
    back = _reproject(simplified, METRIC_SRID, WGS84)
    return list(shapely.transform(back, lambda xy: np.round(xy, GEOJSON_DECIMALS)))


def _file(version: _Version, codes: list[str], geometries: list) -> OutlineFile:
    features = []
    for nis_code, geometry in zip(codes, geometries, strict=True):
        outline = version.outlines[nis_code]
        properties = {
            "nis_code": nis_code,
            "names": outline.names,
            "region": outline.region,
            "region_code": outline.region_code,
            "area_km2": round(outline.area_km2, 2),
            "population": outline.population,
        }
        features.append(
            {
                "type": "Feature",
                "id": nis_code,
                "geometry": mapping(geometry),
                "properties": properties,
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    body = json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()
    # mtime=0: the same outlines give the same bytes in every process, hence the same ETag.
    return _packed(body, gzip.compress(body, compresslevel=9, mtime=0))


def _packed(body: bytes, gzipped: bytes) -> OutlineFile:
    digest = hashlib.sha256(body).hexdigest()[:32]
    return OutlineFile(body, gzipped, f'"{digest}"', f'"{digest}-gzip"')
