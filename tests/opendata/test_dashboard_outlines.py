"""GET /opendata/dashboard/outlines: Belgium's communes once, small, cacheable, edge to edge."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, shape
from sqlalchemy import text

from app.geo.boundaries import refresh_routing
from app.geo.projection import METRIC_SRID, WGS84, transformer
from app.opendata import outlines
from tests.factories import FLAGEY, GRAND_PLACE

URL = "/opendata/dashboard/outlines"
CURRENT = "nis_code = :nis AND id IN (SELECT commune_id FROM commune_parts)"


def get(client, **headers):
    return client.get(URL, headers=headers)


def collection(client) -> dict:
    return json.loads(get(client).get_data())


def metric(geometries) -> np.ndarray:
    project = transformer(WGS84, METRIC_SRID)
    return shapely.transform(
        np.array(geometries), lambda xy: np.column_stack(project.transform(xy[:, 0], xy[:, 1]))
    )


def test_one_file_of_every_commune_for_every_reader(client):
    response = get(client, **{"Accept-Language": "nl"})
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    body = response.get_json(force=True)
    assert body["type"] == "FeatureCollection"
    features = {f["id"]: f for f in body["features"]}
    assert len(features) == 565
    assert features["21004"]["properties"] == {
        "nis_code": "21004",
        "names": {"fr": "Bruxelles", "nl": "Brussel", "de": "Brüssel"},
        "region": "brussels",
        "region_code": "04000",
        "area_km2": pytest.approx(32.6, abs=0.5),
        "population": 185_103,
    }
    assert sum(f["properties"]["population"] for f in features.values()) == 11_492_641
    # No name in the reader's language: the French reader gets the Dutch reader's bytes.
    assert get(client, **{"Accept-Language": "fr"}).get_data() == response.get_data()


def test_the_file_is_gzipped_under_300_kb_for_all_of_belgium(client):
    plain = get(client)
    zipped = get(client, **{"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers
    assert plain.headers["Vary"] == zipped.headers["Vary"] == "Accept-Encoding"
    size = int(zipped.headers["Content-Length"])
    assert size == len(zipped.get_data()) <= 300_000
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert int(plain.headers["Content-Length"]) == len(plain.get_data())


def test_a_copy_is_kept_a_day_then_revalidated_with_a_304(client):
    plain = get(client)
    zipped = get(client, **{"Accept-Encoding": "gzip"})
    for response in (plain, zipped):
        assert response.headers["Cache-Control"] == "public, max-age=86400"
        assert not response.headers["ETag"].startswith("W/"), "strong: byte for byte"
    assert plain.headers["ETag"] != zipped.headers["ETag"], "one per encoding"

    for etag in (
        plain.headers["ETag"],
        zipped.headers["ETag"],
        f'"other", {plain.headers["ETag"]}',
    ):
        again = get(client, **{"If-None-Match": etag, "Accept-Encoding": "gzip"})
        assert again.status_code == 304
        assert again.get_data() == b""
        assert again.headers["ETag"] == zipped.headers["ETag"]
        assert again.headers["Cache-Control"] == "public, max-age=86400"
    assert get(client, **{"If-None-Match": '"other"'}).status_code == 200


def holes(geometries) -> np.ndarray:
    union = shapely.union_all(geometries)
    rings = [ring for part in getattr(union, "geoms", [union]) for ring in part.interiors]
    return shapely.polygons(np.array(rings))


def test_neighbours_still_share_their_edges_no_gap_no_overlap(client, session):
    shapes = [shape(f["geometry"]) for f in collection(client)["features"]]
    assert all(g.is_valid for g in shapes)
    served = metric(shapes)
    # Edge-matched and without overlaps, as GEOS checks a coverage.
    assert shapely.coverage_is_valid(served)
    union_area = shapely.union_all(served).area
    assert sum(g.area for g in served) == pytest.approx(union_area, rel=1e-9)
    # Every gap between the outlines served was one of the boundary file: simplifying opened
    # none of its own. The file's 3,451 slivers are filled; the Vennbahn's enclaves stay.
    rows = session.execute(
        text(
            "SELECT ST_AsBinary(ST_Transform(boundary, 3812)) FROM communes "
            "WHERE id IN (SELECT commune_id FROM commune_parts)"
        )
    ).scalars()
    boundaries = shapely.from_wkb([bytes(r) for r in rows])
    before, after = holes(boundaries), holes(served)
    assert len(before) > 3000
    gaps = shapely.STRtree(shapely.buffer(before, 1))
    assert all(len(gaps.query(hole, predicate="intersects")) for hole in after)
    assert sorted(round(shapely.area(h) / 1e6, 1) for h in after) == [1.9, 9.9, 12.1]
    assert union_area == pytest.approx(shapely.union_all(boundaries).area, rel=0.002)


def test_simplified_outlines_still_hold_their_commune(client, session):
    # Bruxelles with a vertex every 5 m, as in full-resolution boundaries; routing rebuilt.
    session.execute(
        text(
            "UPDATE communes SET boundary = ST_Multi(ST_Transform(ST_Segmentize("
            f"ST_Transform(boundary, 3812), 5), 4326)) WHERE {CURRENT}"
        ),
        {"nis": "21004"},
    )
    refresh_routing(session)
    dense = session.execute(
        text(f"SELECT ST_NPoints(boundary) FROM communes WHERE {CURRENT}"), {"nis": "21004"}
    ).scalar_one()
    features = {f["id"]: f for f in collection(client)["features"]}
    for nis, place in (("21004", GRAND_PLACE), ("21009", FLAGEY)):
        geometry = features[nis]["geometry"]
        assert geometry["type"] in {"Polygon", "MultiPolygon"}
        assert shape(geometry).contains(Point(place))
        points = shapely.get_coordinates(shape(geometry))
        assert all(len(repr(float(v)).split(".")[-1]) <= 5 for v in points.ravel())
    served = len(shapely.get_coordinates(shape(features["21004"]["geometry"])))
    assert dense > 5000 and served < dense / 10


def test_a_new_boundary_or_population_is_a_new_file(client, session):
    before = get(client)
    west = shape(json.loads(before.get_data())["features"][0]["geometry"]).bounds[0]
    first = json.loads(before.get_data())["features"][0]["id"]
    session.execute(
        text(f"UPDATE communes SET boundary = ST_Translate(boundary, 0.01, 0) WHERE {CURRENT}"),
        {"nis": first},
    )
    refresh_routing(session)
    moved = get(client, **{"If-None-Match": before.headers["ETag"]})
    assert moved.status_code == 200, "the old copy is stale"
    assert moved.headers["ETag"] != before.headers["ETag"]
    feature = json.loads(moved.get_data())["features"][0]
    assert shape(feature["geometry"]).bounds[0] == pytest.approx(west + 0.01, abs=2e-3)

    session.execute(text("UPDATE commune_populations SET population = 1, loaded_at = now()"))
    counted = get(client, **{"If-None-Match": moved.headers["ETag"]})
    assert counted.status_code == 200
    assert json.loads(counted.get_data())["features"][0]["properties"]["population"] == 1


def test_processes_serve_the_file_the_commands_stored(client, session):
    # The session's set-up stored it, as `make db` does: a new process reads it, makes none.
    stored = session.execute(text("SELECT count(*) FROM commune_outline_files")).scalar_one()
    assert stored == 1
    session.execute(
        text(
            "UPDATE commune_outline_files SET "
            'body = convert_to(\'{"type":"FeatureCollection","features":[]}\', \'UTF8\')'
        )
    )
    outlines._VERSIONS.clear()
    try:
        assert collection(client) == {"type": "FeatureCollection", "features": []}
    finally:
        outlines._VERSIONS.clear()  # Not the altered file for the next tests.
