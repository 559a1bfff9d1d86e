"""The routing rules of app/geo/routing.py, written again in shapely to check PostGIS against."""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from shapely import Point, STRtree
from sqlalchemy import text

from app.geo.projection import LAMBERT_2008, WGS84, transformer

# Answers that hinge on less than this (in metres) may fairly differ. Routing measures in
# Lambert 2008 the subdivided parts, whose cuts add vertices to long edges; an edge straight
# in lon/lat bends a little in Lambert, so its distances differ from the whole commune's by
# up to a few centimetres (8 cm seen on a 1 km edge near Liège).
TOLERANCE_M = 0.5

CURRENT_COMMUNES_SQL = text(
    "SELECT nis_code, name_fr, name_nl, name_de, ST_AsBinary(boundary) AS wkb FROM communes "
    "WHERE id IN (SELECT commune_id FROM commune_parts) ORDER BY nis_code"
)


@dataclass(frozen=True)
class Expected:
    nis_code: str | None  # None: outside the area served
    match: str  # "inside", "overlap", "nearest" or "outside"
    distance_m: float
    # True when a centimetre would change the answer: then either answer is right.
    ambiguous: bool


def to_metric(lon: float, lat: float) -> Point:
    return Point(transformer(WGS84, LAMBERT_2008).transform(lon, lat))


def to_wgs84(x: float, y: float) -> tuple[float, float]:
    return transformer(LAMBERT_2008, WGS84).transform(x, y)


class RoutingOracle:
    """The communes of the routing set in memory, and the answer the rules give for a point."""

    def __init__(self, db, snap_distance_m: float = 50.0):
        rows = db.execute(CURRENT_COMMUNES_SQL).all()
        self.snap_distance_m = snap_distance_m
        self.nis = [r.nis_code for r in rows]
        self.names = {r.nis_code: {r.name_fr, r.name_nl, r.name_de} - {None} for r in rows}
        self.wgs84 = [shapely.from_wkb(r.wkb) for r in rows]
        forward = transformer(WGS84, LAMBERT_2008)
        self.metric = [
            shapely.transform(g, lambda x, y: forward.transform(x, y), interleaved=False)
            for g in self.wgs84
        ]
        self._by_nis = dict(zip(self.nis, self.metric, strict=True))
        self._wgs84_tree = STRtree(self.wgs84)
        self._metric_tree = STRtree(self.metric)

    def vertices(self) -> list[tuple[float, float]]:
        """Every boundary vertex, in lon/lat: where borders, overlaps and gaps are."""
        return [tuple(xy) for xy in shapely.get_coordinates(self.wgs84).tolist()]

    def distance_m(self, nis_code: str, lon: float, lat: float) -> float:
        return self._by_nis[nis_code].distance(to_metric(lon, lat))

    def depth_m(self, nis_code: str, lon: float, lat: float) -> float:
        """How far inside the commune the point lies: its distance to the boundary line."""
        return self._by_nis[nis_code].boundary.distance(to_metric(lon, lat))

    def nearest(self, lon: float, lat: float) -> tuple[str, float]:
        point = to_metric(lon, lat)
        index = int(self._metric_tree.query_nearest(point)[0])
        return self.nis[index], self.metric[index].distance(point)

    def expect(self, lon: float, lat: float) -> Expected:
        point, metric_point = Point(lon, lat), to_metric(lon, lat)
        covering = self._wgs84_tree.query(point, predicate="covered_by").tolist()
        near_edge = any(
            self.metric[i].boundary.distance(metric_point) < TOLERANCE_M
            for i in self._metric_tree.query(metric_point, "dwithin", distance=TOLERANCE_M)
        )
        if len(covering) == 1:
            return Expected(self.nis[covering[0]], "inside", 0.0, near_edge)
        if covering:
            # Deepest inside first, then the lower NIS code.
            ranked = sorted(
                (-self.metric[i].boundary.distance(metric_point), self.nis[i]) for i in covering
            )
            close = abs(ranked[0][0] - ranked[1][0]) < TOLERANCE_M
            return Expected(ranked[0][1], "overlap", 0.0, near_edge or close)
        reach = self.snap_distance_m + 1
        candidates = self._metric_tree.query(metric_point, "dwithin", distance=reach).tolist()
        ranked = sorted((self.metric[i].distance(metric_point), self.nis[i]) for i in candidates)
        if not ranked or ranked[0][0] > self.snap_distance_m:
            edge = bool(ranked) and ranked[0][0] - self.snap_distance_m < TOLERANCE_M
            return Expected(None, "outside", ranked[0][0] if ranked else float("inf"), edge)
        close = len(ranked) > 1 and ranked[1][0] - ranked[0][0] < TOLERANCE_M
        near_snap = self.snap_distance_m - ranked[0][0] < TOLERANCE_M
        return Expected(ranked[0][1], "nearest", ranked[0][0], near_edge or close or near_snap)
