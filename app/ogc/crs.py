"""The coordinate reference systems the OGC API serves (Part 2): CRS84 and Belgium's two Lambert.

Geometries are stored in EPSG:4326 with longitude first, which is CRS84's axis order, so CRS84
is both the default and the storage CRS. Both Lambert projections are easting, northing in
metres, so no axis is ever swapped. PostGIS does every transformation (ST_Transform).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.geo.projection import CRS84_URI, LAMBERT_72, LAMBERT_2008, WGS84, epsg_uri


@dataclass(frozen=True)
class Crs:
    uri: str
    srid: int
    title: str
    # Digits kept after the decimal point: 6 for degrees (about 10 cm), 2 for metres (1 cm).
    decimals: int

    @property
    def is_crs84(self) -> bool:
        """Longitude/latitude: the default, and what the pages' small map draws."""
        return self.srid == WGS84


CRS84 = Crs(CRS84_URI, WGS84, "WGS 84 longitude/latitude", 6)
LAMBERT72 = Crs(epsg_uri(LAMBERT_72), LAMBERT_72, "Belgian Lambert 72", 2)
LAMBERT2008 = Crs(epsg_uri(LAMBERT_2008), LAMBERT_2008, "Belgian Lambert 2008", 2)

SUPPORTED: tuple[Crs, ...] = (CRS84, LAMBERT72, LAMBERT2008)
STORAGE = CRS84

# Part 2 names a CRS by its URI; OGC API Common also allows the safe CURIE form.
_BY_NAME = {c.uri: c for c in SUPPORTED} | {
    "[OGC:CRS84]": CRS84,
    f"[EPSG:{LAMBERT_72}]": LAMBERT72,
    f"[EPSG:{LAMBERT_2008}]": LAMBERT2008,
}


def by_name(name: str) -> Crs | None:
    """The supported CRS `name` identifies (a URI or a safe CURIE), or None."""
    return _BY_NAME.get(name)
