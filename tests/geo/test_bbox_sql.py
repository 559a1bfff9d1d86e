"""The bbox SQL of app/geo/bbox.py: which test, which envelopes, which SRIDs (no database)."""

from __future__ import annotations

from app.geo.bbox import bbox_condition, bbox_params
from app.geo.projection import LAMBERT_72, LAMBERT_2008, WGS84, epsg_uri, srid_of

FLAGEY = (4.37, 50.82, 4.38, 50.83)


def test_points_use_the_bounding_box_operator_in_wgs84():
    sql = bbox_condition("v.location", FLAGEY, WGS84, points=True)
    assert sql == f"v.location && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, {WGS84})"


def test_polygons_use_st_intersects_in_wgs84():
    sql = bbox_condition("c.boundary", FLAGEY, WGS84)
    assert sql == f"ST_Intersects(c.boundary, ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, {WGS84}))"


def test_a_box_across_the_antimeridian_is_two_envelopes():
    sql = bbox_condition("v.location", (170.0, -10.0, -170.0, 10.0), WGS84, points=True)
    assert sql == (
        f"(v.location && ST_MakeEnvelope(:minx, :miny, 180, :maxy, {WGS84})"
        f" OR v.location && ST_MakeEnvelope(-180, :miny, :maxx, :maxy, {WGS84}))"
    )


def test_a_projected_box_is_densified_and_taken_to_wgs84():
    for srid in (LAMBERT_72, LAMBERT_2008):
        for points in (True, False):
            sql = bbox_condition("g", (1.0, 2.0, 3.0, 4.0), srid, points=points)
            box = f"ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, {srid})"
            assert sql == f"ST_Intersects(g, ST_Transform(ST_Segmentize({box}, 1000), {WGS84}))"


def test_the_corners_are_bound_by_name():
    assert bbox_params(FLAGEY) == {"minx": 4.37, "miny": 50.82, "maxx": 4.38, "maxy": 50.83}


def test_epsg_uris_name_the_codes_they_are_built_from():
    for srid in (WGS84, LAMBERT_72, LAMBERT_2008):
        assert srid_of(epsg_uri(srid)) == srid
