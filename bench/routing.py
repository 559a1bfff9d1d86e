"""Routing benchmarks: one lookup vs a bare round trip, batch re-routing, and shapely's STRtree."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

import numpy as np
import shapely
from sqlalchemy import URL, create_engine, text
from sqlalchemy.engine import Connection

from app.geo.routing import locate

# Belgium's bounding box in WGS84 (lon/lat), from the 2025 boundaries.
BBOX = (2.54, 49.49, 6.41, 51.51)
SEED = 20250101

SELECT_ONE = text("SELECT 1")

VERTICES_SQL = text(
    "SELECT (SELECT sum(ST_NPoints(boundary)) FROM communes), "
    "(SELECT count(*) FROM commune_parts), (SELECT max(ST_NPoints(geom)) FROM commune_parts)"
)

# Points inside a commune, so that every lookup takes the common path (rule 1 of routing).
INSIDE_POINTS_SQL = text(
    """
    SELECT ST_X(g) AS lon, ST_Y(g) AS lat
    FROM (SELECT (ST_Dump(ST_GeneratePoints(ST_Union(boundary), :n, :seed))).geom AS g
          FROM communes) AS s
    """
)

# Batch re-routing, written two ways. As a join, the planner may loop over the communes and
# probe the points' index, testing each commune's polygon against its candidate points; as
# a lookup per point (what `UPDATE reports SET commune_id = (SELECT ...)` runs), every point
# probes the polygons' index on its own.
BATCH_SQL = {
    "naive_join": "SELECT count(*) FROM bench_points p "
    "JOIN communes c ON ST_Contains(c.boundary, p.geom)",
    "parts_join": "SELECT count(*) FROM bench_points p "
    "JOIN commune_parts c ON ST_Covers(c.geom, p.geom)",
    "naive_per_point": "SELECT count((SELECT c.id FROM communes c "
    "WHERE ST_Contains(c.boundary, p.geom) LIMIT 1)) FROM bench_points p",
    "parts_per_point": "SELECT count((SELECT c.commune_id FROM commune_parts c "
    "WHERE ST_Covers(c.geom, p.geom) LIMIT 1)) FROM bench_points p",
}


@dataclass
class RoutingResult:
    label: str
    vertices: int
    parts: int
    max_part_vertices: int
    select_one_us: float = 0.0
    locate_us: float = 0.0
    batch_ms: dict[str, float] = field(default_factory=dict)
    batch_matched: dict[str, int] = field(default_factory=dict)
    tree_build_ms: float = 0.0
    tree_within_ms: float = 0.0
    points_tree_build_ms: float = 0.0
    points_tree_contains_ms: float = 0.0
    strtree_matched: int = 0


def inside_points(url: URL, n: int) -> list[dict]:
    """n points drawn (with a fixed seed) inside the union of the communes."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(INSIDE_POINTS_SQL, {"n": n, "seed": SEED}).all()
    finally:
        engine.dispose()
    return [{"lon": r.lon, "lat": r.lat} for r in rows]


def bbox_points(n: int) -> np.ndarray:
    """n points uniformly in Belgium's bounding box, some of them abroad or at sea."""
    rng = np.random.default_rng(SEED)
    minx, miny, maxx, maxy = BBOX
    return np.column_stack([rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)])


def _per_call_us(fn, points: list[dict]) -> float:
    started = time.perf_counter()
    for p in points:
        fn(p)
    return (time.perf_counter() - started) / len(points) * 1e6


def single_lookup(conn: Connection, points: list[dict], rounds: int) -> tuple[float, float]:
    """Median µs per call of SELECT 1 and of locate(), interleaved round by round."""

    def select_one(_p):
        conn.execute(SELECT_ONE).all()

    def lookup(p):
        locate(conn, p["lon"], p["lat"])

    # Warm up: psycopg prepares a statement on its fifth execution and PostgreSQL picks
    # its plan for good a few executions later.
    _per_call_us(select_one, points[:50])
    _per_call_us(lookup, points[:50])
    floor, ours = [], []
    for _ in range(rounds):
        floor.append(_per_call_us(select_one, points))
        ours.append(_per_call_us(lookup, points))
    return statistics.median(floor), statistics.median(ours)


def _best_ms(conn: Connection, sql: str, repeat: int) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        count = conn.execute(text(sql)).scalar_one()
        times.append((time.perf_counter() - started) * 1e3)
    return min(times), count


def batch(conn: Connection, xy: np.ndarray, repeat: int) -> dict[str, tuple[float, int]]:
    """Best-of-`repeat` ms and matches of each way of re-routing all the points."""
    conn.execute(
        text("CREATE TEMP TABLE bench_points (id int PRIMARY KEY, geom geometry(Point, 4326))")
    )
    conn.execute(
        text(
            "INSERT INTO bench_points SELECT i, ST_SetSRID(ST_MakePoint(x, y), 4326) "
            "FROM unnest(CAST(:xs AS float8[]), CAST(:ys AS float8[])) "
            "WITH ORDINALITY AS t(x, y, i)"
        ),
        {"xs": xy[:, 0].tolist(), "ys": xy[:, 1].tolist()},
    )
    conn.execute(text("CREATE INDEX ON bench_points USING gist (geom)"))
    conn.execute(text("ANALYZE bench_points"))
    results = {name: _best_ms(conn, sql, repeat) for name, sql in BATCH_SQL.items()}
    conn.execute(text("DROP TABLE bench_points"))
    return results


def _timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn()
    return (time.perf_counter() - started) * 1e3, value


def strtree(conn: Connection, xy: np.ndarray, result: RoutingResult, repeat: int) -> None:
    """shapely 2 STRtree over the same polygons in memory, both ways round."""
    wkb = conn.execute(text("SELECT ST_AsBinary(boundary) FROM communes ORDER BY id")).scalars()
    polygons = shapely.from_wkb([bytes(b) for b in wkb])
    points = shapely.points(xy)
    # A tree of the polygons, each point asking which polygon it lies within.
    result.tree_build_ms, tree = _timed(lambda: shapely.STRtree(polygons))
    runs = [_timed(lambda: tree.query(points, predicate="within")) for _ in range(repeat)]
    result.tree_within_ms = min(ms for ms, _ in runs)
    # A tree of the points, each polygon asking which points it contains: shapely prepares
    # the query geometry, so each polygon is indexed once, as PostGIS does in the join.
    result.points_tree_build_ms, ptree = _timed(lambda: shapely.STRtree(points))
    runs = [_timed(lambda: ptree.query(polygons, predicate="contains")) for _ in range(repeat)]
    result.points_tree_contains_ms = min(ms for ms, _ in runs)
    result.strtree_matched = runs[-1][1].shape[1]


def run(url: URL, label: str, lookups: list[dict], xy: np.ndarray, *, rounds: int, repeat: int):
    """Every routing measurement on the database at `url`."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            vertices, parts, max_part = conn.execute(VERTICES_SQL).one()
            result = RoutingResult(label, int(vertices), int(parts), int(max_part))
            result.select_one_us, result.locate_us = single_lookup(conn, lookups, rounds)
            conn.rollback()
            for name, (ms, matched) in batch(conn, xy, repeat).items():
                result.batch_ms[name] = ms
                result.batch_matched[name] = matched
            conn.rollback()
            strtree(conn, xy, result, repeat)
            conn.rollback()
    finally:
        engine.dispose()
    return result
