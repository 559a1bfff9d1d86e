"""Routing on the real 2025 boundaries: known places, borders, overlaps, gaps and abroad."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.errors import OutsideServiceAreaError
from app.geo.routing import locate
from tests.helpers.routing_oracle import TOLERANCE_M, to_metric, to_wgs84

KNOWN_PLACES = [
    ("Bruxelles, Grand-Place", (4.3525, 50.8467), "21004"),
    ("Ixelles, place Flagey", (4.3717, 50.8275), "21009"),
    ("Namur, citadelle", (4.8620, 50.4594), "92094"),
    ("Liège, place Saint-Lambert", (5.5736, 50.6451), "62063"),
    ("Gent, Sint-Baafskathedraal", (3.7267, 51.0527), "44021"),
    ("Antwerpen, Grote Markt", (4.3997, 51.2211), "11002"),
    ("Borsbeek, merged into Antwerpen in 2025", (4.4883, 51.1917), "11002"),
    ("Eupen", (6.0316, 50.6285), "63023"),
    ("Baarle-Hertog, exclave in the Netherlands", (4.9270, 51.4393), "13002"),
]

# Each is checked against the boundaries below, so a change of data cannot silently make
# the test pass for the wrong reason.
ABROAD_NEAR = [
    ("Halluin (France), across the Lys from Menen", (3.1253, 50.7836), "34027"),
    ("Putte (Netherlands), north of Kapellen", (4.3960, 51.3600), "11023"),
    ("Vennbahn: German enclave inside Belgium", (6.2069, 50.5633), "63023"),
]
ABROAD_FAR = [
    ("Lille (France)", (3.0573, 50.6292)),
    ("Tourcoing (France)", (3.1610, 50.7240)),
    ("Maastricht (Netherlands)", (5.6909, 50.8514)),
    ("Aachen (Germany)", (6.0839, 50.7753)),
    ("Luxembourg", (6.1300, 49.6100)),
    ("North Sea, off Ostend", (2.6000, 51.5000)),
]


@pytest.mark.parametrize(("place", "point", "nis_code"), KNOWN_PLACES, ids=lambda v: str(v))
def test_known_places_go_to_their_commune(routing_db, place, point, nis_code):
    match = locate(routing_db, *point)
    assert (match.nis_code, match.match, match.distance_m) == (nis_code, "inside", 0.0)


def test_region_comes_with_the_commune(routing_db):
    assert locate(routing_db, 4.3525, 50.8467).region_code == "04000"
    assert locate(routing_db, 4.3997, 51.2211).region_code == "02000"
    assert locate(routing_db, 6.0316, 50.6285).region_code == "03000"


def _border_vertex(db, of: str, near: str) -> tuple[float, float]:
    """A vertex of commune `of` that lies within 5 m of commune `near`'s boundary."""
    return db.execute(
        text(
            """
            SELECT ST_X(v.geom), ST_Y(v.geom)
            FROM communes a, communes b, ST_DumpPoints(a.boundary) v
            WHERE a.nis_code = :of AND b.nis_code = :near
              AND a.valid_to IS NULL AND b.valid_to IS NULL
              AND ST_DWithin(ST_Transform(v.geom, 3812),
                             ST_Boundary(ST_Transform(b.boundary, 3812)), 5)
            ORDER BY v.path LIMIT 1
            """
        ),
        {"of": of, "near": near},
    ).one()


@pytest.mark.parametrize(("of", "near"), [("21009", "21004"), ("21004", "21009")])
def test_point_on_a_shared_border_gets_one_answer_by_the_rules(routing_db, oracle, of, near):
    lon, lat = _border_vertex(routing_db, of, near)
    first, second = locate(routing_db, lon, lat), locate(routing_db, lon, lat)
    assert first == second
    assert first.nis_code in {of, near}
    expected = oracle.expect(lon, lat)
    assert (first.nis_code, first.match) == (expected.nis_code, expected.match)


def test_point_covered_by_two_communes_goes_to_the_one_it_is_deepest_in(routing_db, oracle):
    # The largest overlap between two simplified neighbours in the 2025 set.
    a, b, lon, lat = routing_db.execute(
        text(
            """
            SELECT a.nis_code, b.nis_code, ST_X(p), ST_Y(p)
            FROM communes a
            JOIN communes b ON a.id < b.id AND a.boundary && b.boundary
                 AND ST_Overlaps(a.boundary, b.boundary)
            CROSS JOIN LATERAL (
                SELECT ST_CollectionExtract(ST_Intersection(a.boundary, b.boundary), 3) AS i
            ) x
            CROSS JOIN LATERAL (SELECT ST_PointOnSurface(x.i) AS p) y
            WHERE a.valid_to IS NULL AND b.valid_to IS NULL
            ORDER BY ST_Area(x.i) DESC LIMIT 1
            """
        )
    ).one()
    assert oracle.distance_m(a, lon, lat) == oracle.distance_m(b, lon, lat) == 0.0
    depth = {nis: oracle.depth_m(nis, lon, lat) for nis in (a, b)}
    deepest = max(sorted(depth), key=lambda nis: depth[nis])
    assert abs(depth[a] - depth[b]) > 1, "pick a point where the rule decides, not a tie"
    match = locate(routing_db, lon, lat)
    assert (match.nis_code, match.match) == (deepest, "overlap")
    assert locate(routing_db, lon, lat) == match


def _gap_point(db, around: str, within_m: float) -> tuple[float, float]:
    """A point near commune `around` that no commune covers (a sliver between neighbours)."""
    return db.execute(
        text(
            """
            WITH me AS (
                SELECT ST_Transform(boundary, 3812) AS g FROM communes
                WHERE nis_code = :nis AND valid_to IS NULL
            ), covered AS (
                SELECT ST_Union(ST_Transform(c.boundary, 3812)) AS u FROM communes c, me
                WHERE c.valid_to IS NULL AND ST_DWithin(ST_Transform(c.boundary, 3812), me.g, 200)
            ), gaps AS (
                SELECT (ST_Dump(ST_Difference(ST_Buffer(me.g, :within), covered.u))).geom AS g
                FROM me, covered
            )
            SELECT ST_X(p), ST_Y(p)
            FROM (SELECT ST_Transform(ST_PointOnSurface(g), 4326) AS p FROM gaps
                  ORDER BY ST_Area(g) DESC LIMIT 1) largest
            """
        ),
        {"nis": around, "within": within_m},
    ).one()


@pytest.mark.parametrize("around", ["21004", "44021", "62063"])
def test_point_in_a_gap_between_neighbours_snaps_to_the_nearest(routing_db, oracle, around):
    lon, lat = _gap_point(routing_db, around, within_m=30)
    expected = oracle.expect(lon, lat)
    assert expected.match == "nearest", "the point must lie in no commune"
    match = locate(routing_db, lon, lat)
    assert (match.nis_code, match.match) == (expected.nis_code, "nearest")
    assert 0 < match.distance_m <= 30.5
    assert match.distance_m == pytest.approx(expected.distance_m, abs=TOLERANCE_M)


def test_point_just_beyond_the_snap_distance_is_outside(routing_db, oracle):
    # 60 m straight out to sea from the Ostend beach: the nearest commune is too far to snap.
    x, y = to_metric(2.9186, 51.2400).coords[0]
    for step in range(2000):
        lon, lat = to_wgs84(x, y + step)
        nearest, distance = oracle.nearest(lon, lat)
        if distance > 60:
            break
    assert 60 < distance < 61.5
    with pytest.raises(OutsideServiceAreaError) as excinfo:
        locate(routing_db, lon, lat)
    assert excinfo.value.extra["nearest_commune"]["nis_code"] == nearest


@pytest.mark.parametrize(("place", "point", "nis_code"), ABROAD_NEAR, ids=lambda v: str(v))
def test_abroad_but_near_names_the_nearest_commune(routing_db, oracle, place, point, nis_code):
    nearest, distance = oracle.nearest(*point)
    assert nearest == nis_code and 100 < distance < 1000
    with pytest.raises(OutsideServiceAreaError) as excinfo:
        locate(routing_db, *point)
    detail = excinfo.value.detail
    assert detail.startswith("The place is outside the area served")
    assert f"is {round(distance)} m away" in detail
    assert any(name in detail for name in oracle.names[nis_code])
    nearest_commune = excinfo.value.extra["nearest_commune"]
    assert nearest_commune["nis_code"] == nis_code
    assert nearest_commune["distance_m"] == round(distance)
    assert nearest_commune["name"] in oracle.names[nis_code]
    assert set(nearest_commune["names"].values()) <= set(oracle.names[nis_code])


@pytest.mark.parametrize(("place", "point"), ABROAD_FAR, ids=lambda v: str(v))
def test_abroad_and_far_is_outside_without_a_hint(routing_db, oracle, place, point):
    assert oracle.nearest(*point)[1] > 1000
    with pytest.raises(OutsideServiceAreaError) as excinfo:
        locate(routing_db, *point)
    assert excinfo.value.detail.startswith("The place is outside the area served")
    assert "nearest" not in excinfo.value.detail
    assert excinfo.value.extra == {}


VENNBAHN_HOLES_SQL = text(
    """
    SELECT ST_X(p), ST_Y(p) FROM (
        SELECT ST_PointOnSurface(ST_MakePolygon(ST_InteriorRingN(g, n))) AS p,
               ST_Area(ST_MakePolygon(ST_InteriorRingN(g, n))) AS area
        FROM (SELECT (ST_Dump(ST_Union(boundary))).geom AS g FROM communes
              WHERE valid_to IS NULL AND ST_Intersects(boundary, ST_MakeEnvelope(6.1, 50.5, 6.3, 50.7, 4326))) u,
             generate_series(1, ST_NumInteriorRings(g)) n
    ) holes ORDER BY area DESC LIMIT 3
    """
)


def test_german_vennbahn_enclaves_are_outside(routing_db):
    # The three largest holes in Belgium's territory are the German enclaves along the Vennbahn.
    holes = routing_db.execute(VENNBAHN_HOLES_SQL).all()
    assert len(holes) == 3
    for lon, lat in holes:
        assert 6.18 < lon < 6.23 and 50.56 < lat < 50.66
        with pytest.raises(OutsideServiceAreaError):
            locate(routing_db, lon, lat)


@pytest.mark.parametrize("point", [(0.0, 0.0), (-180.0, 90.0), (180.0, -89.9), (-74.0, 40.7)])
def test_far_away_places_are_outside(routing_db, point):
    with pytest.raises(OutsideServiceAreaError):
        locate(routing_db, *point)


@pytest.mark.parametrize("lat", [-90.0, -89.9999999999])
def test_south_pole_is_outside_not_a_database_error(connection, lat):
    with pytest.raises(OutsideServiceAreaError):
        locate(connection, 4.35, lat)
