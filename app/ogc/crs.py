"""The coordinate reference systems the OGC API serves (Part 2): CRS84 and Belgium's two Lambert.

Geometries are stored in EPSG:4326 with longitude first, which is CRS84's axis order, so CRS84
is both the default and the storage CRS. Both Lambert projections are easting, northing in
metres, so no axis is ever swapped. PostGIS does every transformation (ST_Transform).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Crs:
    uri: str
    srid: int
    title: str
    # Digits kept after the decimal point: 6 for degrees (about 10 cm), 2 for metres (1 cm).
    decimals: int


CRS84 = Crs("http://www.opengis.net/def/crs/OGC/1.3/CRS84", 4326, "WGS 84 longitude/latitude", 6)
LAMBERT72 = Crs("http://www.opengis.net/def/crs/EPSG/0/31370", 31370, "Belgian Lambert 72", 2)
LAMBERT2008 = Crs("http://www.opengis.net/def/crs/EPSG/0/3812", 3812, "Belgian Lambert 2008", 2)

SUPPORTED: tuple[Crs, ...] = (CRS84, LAMBERT72, LAMBERT2008)
STORAGE = CRS84

# Part 2 names a CRS by its URI; OGC API Common also allows the safe CURIE form.
_BY_NAME = {c.uri: c for c in SUPPORTED} | {
    "[OGC:CRS84]": CRS84,
    "[EPSG:31370]": LAMBERT72,
    "[EPSG:3812]": LAMBERT2008,
}


def by_name(name: str) -> Crs | None:
    """The supported CRS `name` identifies (a URI or a safe CURIE), or None."""
    return _BY_NAME.get(name)
