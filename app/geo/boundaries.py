"""Import of commune boundary files (GeoJSON, GeoPackage, Shapefile) into versioned sets."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import shapely
import shapely.errors
from shapely.geometry import MultiPolygon, Polygon, shape
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.errors import PaveError
from app.geo.projection import LAMBERT_72, LAMBERT_2008, WGS84, srid_of, transformer

# Parts of at most this many vertices keep each point-in-polygon test cheap.
SUBDIVIDE_MAX_VERTICES = 64
# Lon/lat box around Belgium (2.54 to 6.41 E, 49.50 to 51.51 N) with a margin of about 10 km: a
# commune outside it was read in the wrong CRS or with swapped axes. It stays clear of the
# false origin of Lambert 72 (2.31 E, 49.29 N), where lon/lat read as metres would land.
BELGIUM_ENVELOPE = (2.4, 49.35, 6.55, 51.6)


class BoundaryFileError(PaveError):
    """A boundary file that cannot be read, or a commune in it that cannot be imported."""


@dataclass
class CommuneFeature:
    nis_code: str
    name_fr: str | None
    name_nl: str | None
    name_de: str | None
    region_code: str
    geometry: MultiPolygon


@dataclass
class BoundarySource:
    path: Path
    sha256: str
    srid: int
    features: list[dict] = field(default_factory=list)


@dataclass
class ImportResult:
    status: str  # "imported" or "unchanged"
    boundary_set_id: int
    communes: int
    valid_from: dt.date
    repaired: int = 0
    closed_sets: int = 0


def region_of(nis_code: str) -> str:
    """REFNIS region code from a commune's NIS code (its province digit)."""
    if nis_code.startswith("21"):
        return "04000"
    if nis_code.startswith("25") or nis_code[0] in "5689":
        return "03000"
    return "02000"


def read_boundary_file(path: str | Path, crs: str | None = None) -> BoundarySource:
    """Read features and their CRS; --crs wins over what the file says."""
    path = Path(path)
    if not path.is_file():
        raise BoundaryFileError(f"{path}: no such file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BoundaryFileError(f"{path}: cannot be read ({exc.strerror})") from exc
    sha = hashlib.sha256(raw).hexdigest()
    if path.suffix.lower() in {".geojson", ".json"}:
        features, declared = _read_geojson(path, raw)
    else:
        features, declared = _read_with_ogr(path)
    if not features:
        # An empty set would close the current one and leave every point unrouted.
        raise BoundaryFileError(f"{path}: the file holds no features")
    srid = srid_of(crs or declared or f"EPSG:{WGS84}")
    return BoundarySource(path=path, sha256=sha, srid=srid, features=features)


def _read_geojson(path: Path, raw: bytes) -> tuple[list[dict], str | None]:
    try:
        doc = json.loads(raw)
    except ValueError as exc:
        raise BoundaryFileError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("features"), list):
        raise BoundaryFileError(f"{path}: not a GeoJSON FeatureCollection")
    features = [
        {"properties": f.get("properties") or {}, "geometry": f.get("geometry")}
        for f in doc["features"]
        if isinstance(f, dict)
    ]
    # RFC 7946 dropped the "crs" member, but files exported in Lambert still carry it.
    crs_member = doc.get("crs")
    properties = crs_member.get("properties") if isinstance(crs_member, dict) else None
    declared = properties.get("name") if isinstance(properties, dict) else None
    return features, declared


def _read_with_ogr(path: Path) -> tuple[list[dict], str | None]:
    from pyogrio.raw import read as ogr_read

    try:
        meta, _fids, geometries, field_data = ogr_read(path)
    except Exception as exc:
        raise BoundaryFileError(f"{path}: cannot be read ({exc})") from exc
    names = list(meta["fields"])
    features = []
    for i, wkb in enumerate(geometries):
        geometry = shapely.from_wkb(wkb).__geo_interface__ if wkb is not None else None
        props = {name: _plain(field_data[j][i]) for j, name in enumerate(names)}
        features.append({"properties": props, "geometry": geometry})
    return features, meta.get("crs")


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def _first(props: dict, *keys: str) -> str | None:
    for key in keys:
        value = props.get(key)
        if value not in (None, ""):
            return str(value)
    return None


def to_commune(feature: dict, srid: int) -> tuple[CommuneFeature, bool]:
    """Normalise one feature to WGS84 MultiPolygon; returns it and whether it was repaired."""
    props = feature["properties"]
    nis = _first(props, "nis_code", "nis", "NISCode", "CD_MUNTY_REFNIS", "code")
    if not nis or not nis.isdigit() or len(nis) != 5:
        raise BoundaryFileError(f"feature without a 5-digit NIS code: {props!r:.200}")
    if not feature["geometry"]:
        raise BoundaryFileError(f"commune {nis} has no geometry")
    try:
        geom = shapely.force_2d(shape(feature["geometry"]))
    except (ValueError, KeyError, TypeError, AttributeError, shapely.errors.ShapelyError) as exc:
        raise BoundaryFileError(f"commune {nis}: unreadable geometry ({exc})") from exc
    if geom.is_empty:
        raise BoundaryFileError(f"commune {nis} has no polygon area")
    if srid != WGS84:
        geom = shapely.transform(geom, _reproject(srid), interleaved=False)
    _check_position(nis, geom, srid)
    repaired = not geom.is_valid
    if repaired:
        geom = shapely.make_valid(geom)
    polygons = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon | MultiPolygon)]
    parts = [p for g in polygons for p in getattr(g, "geoms", [g]) if not p.is_empty]
    if not parts:
        raise BoundaryFileError(f"commune {nis} has no polygon area")
    commune = CommuneFeature(
        nis_code=nis,
        name_fr=_first(props, "name_fr", "nom_fr"),
        name_nl=_first(props, "name_nl", "nom_nl"),
        name_de=_first(props, "name_de"),
        region_code=_first(props, "region_code") or region_of(nis),
        geometry=MultiPolygon(parts),
    )
    return commune, repaired


def _check_position(nis: str, geom, srid: int) -> None:
    """Refuse coordinates read in the wrong CRS instead of importing a commune elsewhere."""
    minx, miny, maxx, maxy = geom.bounds
    lonlat = all(map(math.isfinite, (minx, miny, maxx, maxy))) and (
        -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
    )
    if not lonlat and srid == WGS84:
        raise BoundaryFileError(
            f"commune {nis}: coordinates such as ({minx:.0f}, {miny:.0f}) are not "
            f"longitude/latitude; pass --crs EPSG:{LAMBERT_72} or EPSG:{LAMBERT_2008}"
        )
    west, south, east, north = BELGIUM_ENVELOPE
    if not lonlat or minx < west or maxx > east or miny < south or maxy > north:
        raise BoundaryFileError(
            f"commune {nis}: read as EPSG:{srid}, it does not lie in Belgium "
            f"(bounds {minx:.4g}, {miny:.4g}, {maxx:.4g}, {maxy:.4g}); "
            "check --crs and the axis order (x = easting or longitude)"
        )


def _reproject(srid: int) -> Callable:
    tr = transformer(srid, WGS84)

    def apply(x, y):
        return tr.transform(x, y)

    return apply


def import_boundaries(
    session: Session,
    source: BoundarySource,
    valid_from: dt.date,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Load a boundary set and close the one before it; re-importing a file changes nothing."""
    # The same file counts as already imported whatever date was asked, so that running the
    # command again (its default date is today) never stacks a copy of the current set.
    same = session.execute(
        text(
            "SELECT id, valid_from, commune_count FROM boundary_sets WHERE sha256 = :sha "
            "ORDER BY valid_from LIMIT 1"
        ),
        {"sha": source.sha256},
    ).first()
    if same is not None:
        ensure_routing_current(session)
        return ImportResult("unchanged", same.id, same.commune_count, valid_from=same.valid_from)
    taken = session.execute(
        text("SELECT source FROM boundary_sets WHERE valid_from = :d"), {"d": valid_from}
    ).scalar()
    if taken is not None:
        raise BoundaryFileError(
            f"another boundary set ({taken}) is already valid from {valid_from}; "
            "choose another --valid-from"
        )
    communes, repaired = read_communes(source, progress)
    set_id = _insert_set(session, source, communes, valid_from)
    closed = _recompute_validity(session)
    refresh_routing(session)
    return ImportResult("imported", set_id, len(communes), valid_from, repaired, closed)


def read_communes(
    source: BoundarySource, progress: Callable[[int], None] | None = None
) -> tuple[list[CommuneFeature], int]:
    """The source's communes, normalised, and how many of them were repaired."""
    communes, repaired = [], 0
    for number, feature in enumerate(source.features, start=1):
        try:
            commune, was_repaired = to_commune(feature, source.srid)
        except BoundaryFileError as exc:
            raise BoundaryFileError(f"{source.path.name}, feature {number}: {exc}") from exc
        communes.append(commune)
        repaired += was_repaired
        if progress:
            progress(1)
    seen = [c.nis_code for c in communes]
    if len(set(seen)) != len(seen):
        raise BoundaryFileError(f"{source.path}: the same NIS code appears twice")
    return communes, repaired


def _insert_set(
    session: Session,
    source: BoundarySource,
    communes: list[CommuneFeature],
    valid_from: dt.date,
) -> int:
    """Write the set and its communes; returns the set's id."""
    set_id = session.execute(
        text(
            "INSERT INTO boundary_sets (sha256, source, valid_from, commune_count) "
            "VALUES (:sha, :src, :d, :n) RETURNING id"
        ),
        {"sha": source.sha256, "src": source.path.name, "d": valid_from, "n": len(communes)},
    ).scalar_one()
    session.execute(
        text(
            "INSERT INTO communes (nis_code, name_fr, name_nl, name_de, region_code, "
            "boundary_set_id, valid_from, boundary) VALUES (:nis, :fr, :nl, :de, :region, "
            f":set_id, :d, ST_GeomFromWKB(:wkb, {WGS84}))"
        ),
        [
            {
                "nis": c.nis_code,
                "fr": c.name_fr,
                "nl": c.name_nl,
                "de": c.name_de,
                "region": c.region_code,
                "set_id": set_id,
                "d": valid_from,
                "wkb": shapely.to_wkb(c.geometry),
            }
            for c in communes
        ],
    )
    return set_id


def _recompute_validity(session: Session) -> int:
    """Each set is valid until the day before the next one starts; returns how many closed."""
    closed = session.execute(
        text(
            """
            WITH ordered AS (
                SELECT id, lead(valid_from) OVER (ORDER BY valid_from) - 1 AS new_to
                FROM boundary_sets
            )
            UPDATE boundary_sets s SET valid_to = o.new_to
            FROM ordered o
            WHERE s.id = o.id AND s.valid_to IS DISTINCT FROM o.new_to
            RETURNING s.id
            """
        )
    ).all()
    session.execute(
        text(
            "UPDATE communes c SET valid_to = s.valid_to FROM boundary_sets s "
            "WHERE c.boundary_set_id = s.id AND c.valid_to IS DISTINCT FROM s.valid_to"
        )
    )
    return len(closed)


def current_set_id(session: Session, today: dt.date | None = None) -> int | None:
    """The set in force today: the latest that has started, else the earliest known."""
    return session.execute(
        text(
            "SELECT id FROM boundary_sets ORDER BY (valid_from <= :today) DESC, "
            "CASE WHEN valid_from <= :today THEN valid_from END DESC NULLS LAST, valid_from "
            "LIMIT 1"
        ),
        {"today": today or dt.date.today()},
    ).scalar()


def ensure_routing_current(session: Session) -> bool:
    """Rebuild the routing parts if the set in force changed since they were built.

    A set imported ahead of its date becomes current only when that day comes; any later
    run of the import (e.g. `make run`) then switches routing to it. Returns whether it did.
    """
    built_from = session.execute(
        text(
            "SELECT c.boundary_set_id FROM commune_parts p JOIN communes c ON c.id = p.commune_id "
            "LIMIT 1"
        )
    ).scalar()
    if built_from == current_set_id(session):
        return False
    refresh_routing(session)
    return True


def refresh_routing(session: Session) -> None:
    """Rebuild the subdivided parts of the current set and make sure each commune has a body."""
    set_id = current_set_id(session)
    session.execute(text("DELETE FROM commune_parts"))
    if set_id is None:
        return
    session.execute(
        text(
            "INSERT INTO commune_parts (commune_id, geom) "
            "SELECT id, ST_Subdivide(boundary, :max_vertices) FROM communes "
            "WHERE boundary_set_id = :set_id"
        ),
        {"set_id": set_id, "max_vertices": SUBDIVIDE_MAX_VERTICES},
    )
    session.execute(
        text(
            """
            INSERT INTO bodies (code, kind, name_fr, name_nl, name_de, nis_code, region_code)
            SELECT 'commune-' || nis_code, 'commune', name_fr, name_nl, name_de, nis_code,
                   region_code
            FROM communes WHERE boundary_set_id = :set_id
            ON CONFLICT (nis_code) DO UPDATE SET
                name_fr = EXCLUDED.name_fr, name_nl = EXCLUDED.name_nl,
                name_de = EXCLUDED.name_de, region_code = EXCLUDED.region_code
            """
        ),
        {"set_id": set_id},
    )
    session.execute(text("ANALYZE commune_parts"))
