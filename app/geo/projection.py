"""Coordinate reference systems and the pyproj transformers between them, in one place.

The EPSG codes below are the only ones in the code (migrations aside): SQL takes them from
here too, bound as parameters or formatted into the text; the text where an expression index
must match it, since the planner cannot match ST_Transform(location, $1) to an index on
ST_Transform(location, <the code>).
"""

from __future__ import annotations

from functools import cache

from pyproj import CRS, Transformer

WGS84 = 4326
LAMBERT_72 = 31370
LAMBERT_2008 = 3812
# Metric work (distances, snapping) happens in Belgian Lambert 2008.
METRIC_SRID = LAMBERT_2008
SUPPORTED_SRIDS = (WGS84, LAMBERT_72, LAMBERT_2008)
# OGC's name for WGS84 with longitude first (GeoJSON's axis order, and the storage order).
CRS84_URI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def epsg_uri(srid: int) -> str:
    """The OGC URI of an EPSG coordinate reference system."""
    return f"http://www.opengis.net/def/crs/EPSG/0/{srid}"


# Belgium spans lon 2.54 to 6.41 and lat 49.50 to 51.51. Lambert 2008 is a conic projection
# that cannot place points near the poles and means little far from Belgium, so metric work
# is only asked of the database inside this envelope, which keeps a margin of tens of
# kilometres (far more than the 1 km routing hint).
NEAR_BELGIUM = (1.5, 49.0, 7.5, 52.0)


def near_belgium(lon: float, lat: float) -> bool:
    min_lon, min_lat, max_lon, max_lat = NEAR_BELGIUM
    return min_lon <= lon <= max_lon and min_lat <= lat <= max_lat


class UnsupportedCRSError(ValueError):
    """The data is in a coordinate reference system Pavé does not read."""


def srid_of(crs_text: str) -> int:
    """Return the EPSG code for a CRS name such as 'EPSG:31370' or an OGC URN.

    CRS84 (longitude first) is WGS84 in the axis order GeoJSON uses, so it maps to WGS84.
    """
    if "CRS84" in crs_text.upper():
        return WGS84
    try:
        crs = CRS.from_user_input(crs_text)
    except Exception as exc:
        raise UnsupportedCRSError(f"unknown coordinate reference system {crs_text!r}") from exc
    epsg = crs.to_epsg()
    if epsg not in SUPPORTED_SRIDS:
        raise UnsupportedCRSError(
            f"{crs_text!r} is not one of EPSG:{WGS84}, EPSG:{LAMBERT_72} or EPSG:{LAMBERT_2008}"
        )
    return epsg


@cache
def transformer(source: int, target: int) -> Transformer:
    """A cached transformer that always takes and returns x=easting/longitude first."""
    return Transformer.from_crs(source, target, always_xy=True)


def to_lambert_2008(lon: float, lat: float) -> tuple[float, float]:
    return transformer(WGS84, LAMBERT_2008).transform(lon, lat)
