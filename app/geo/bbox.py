"""SQL conditions for a bounding box: the rows whose geometry meets a box given in WGS84
(lon/lat, possibly across the antimeridian) or in a Belgian Lambert projection.

Shared by the published records (app.opendata.records, points) and the OGC communes
collection (app.ogc.communes, polygons). The box's corners are bound as :minx, :miny, :maxx
and :maxy (see `bbox_params`); the geometry column is stored in WGS84.
"""

from __future__ import annotations

from app.geo.projection import WGS84

# A projected box's outline gets a vertex every this many metres before it is taken to
# lon/lat: its edges curve there, and this keeps the polygon within 2 cm of them.
SEGMENT_M = 1000
CORNERS = ("minx", "miny", "maxx", "maxy")


def bbox_params(bbox: tuple[float, float, float, float]) -> dict[str, float]:
    """The bound parameters of `bbox_condition`, from (minx, miny, maxx, maxy)."""
    return dict(zip(CORNERS, bbox, strict=True))


def _envelope(minx: str, maxx: str, srid: int) -> str:
    return f"ST_MakeEnvelope({minx}, :miny, {maxx}, :maxy, {srid})"


def bbox_condition(
    column: str, bbox: tuple[float, float, float, float], srid: int, *, points: bool = False
) -> str:
    """SQL keeping the rows whose `column` meets `bbox` (in EPSG `srid`), through its index.

    In WGS84, min lon > max lon is a box across the antimeridian: from min lon east to 180,
    and from -180 east to max lon. `points` tests a point column with the bounding-box
    operator &&, which is exact for points; other geometries are tested with ST_Intersects.
    """

    def meets(box: str) -> str:
        return f"{column} && {box}" if points else f"ST_Intersects({column}, {box})"

    if srid != WGS84:
        # A rectangle in a projection is no rectangle in lon/lat (its edges curve): its
        # outline, densified, is taken to lon/lat once, and the geometries tested against
        # that polygon through the index.
        box = _envelope(":minx", ":maxx", int(srid))
        return f"ST_Intersects({column}, ST_Transform(ST_Segmentize({box}, {SEGMENT_M}), {WGS84}))"
    if bbox[0] > bbox[2]:
        east, west = _envelope(":minx", "180", WGS84), _envelope("-180", ":maxx", WGS84)
        return f"({meets(east)} OR {meets(west)})"
    return meets(_envelope(":minx", ":maxx", WGS84))
