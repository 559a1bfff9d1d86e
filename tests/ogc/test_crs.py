"""Part 2 (CRS by reference): geometries and boxes in Belgian Lambert 72 and Lambert 2008."""

from __future__ import annotations

import pytest
from pyproj import Transformer

from app.opendata import records
from tests.factories import FLAGEY, GRAND_PLACE, NAMUR_CITADEL
from tests.helpers.ogc import (
    BASE,
    CRS84,
    GEOJSON,
    LAMBERT72,
    LAMBERT2008,
    features,
    ids,
    ogc_error,
)

TO_LAMBERT72 = Transformer.from_crs("EPSG:4326", "EPSG:31370", always_xy=True)
TO_LAMBERT2008 = Transformer.from_crs("EPSG:4326", "EPSG:3812", always_xy=True)


def items(client, **query):
    response = client.get(f"{BASE}/collections/reports/items", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def test_geometries_come_in_crs84_unless_asked_and_the_header_says_so(client, report_factory):
    report_factory(lon=FLAGEY[0], lat=FLAGEY[1])

    default = items(client)
    explicit = items(client, crs=CRS84)

    assert default.headers["Content-Crs"] == f"<{CRS84}>"
    assert default.get_json()["features"] == explicit.get_json()["features"]
    assert default.get_json()["features"][0]["geometry"]["coordinates"] == list(FLAGEY)


def test_in_lambert_2008_a_report_is_at_its_published_x_and_y(client, session, report_factory):
    report = report_factory(lon=FLAGEY[0], lat=FLAGEY[1])
    sql, params = records.select(records.RecordFilter(ids=(report.id,)))
    row = session.execute(sql, params).mappings().one()

    response = items(client, crs=LAMBERT2008)

    assert response.headers["Content-Crs"] == f"<{LAMBERT2008}>"
    x, y = response.get_json()["features"][0]["geometry"]["coordinates"]
    assert x == pytest.approx(float(row["x_lambert2008"]), abs=0.011)
    assert y == pytest.approx(float(row["y_lambert2008"]), abs=0.011)
    assert (x, y) == pytest.approx(TO_LAMBERT2008.transform(*FLAGEY), abs=1)


def test_in_lambert_72_a_report_is_where_pyproj_puts_it(client, report_factory):
    report = report_factory(lon=NAMUR_CITADEL[0], lat=NAMUR_CITADEL[1])

    response = client.get(
        f"{BASE}/collections/reports/items/{report.id}", query_string={"crs": LAMBERT72}
    )

    assert response.mimetype == GEOJSON
    assert response.headers["Content-Crs"] == f"<{LAMBERT72}>"
    x, y = response.get_json()["geometry"]["coordinates"]
    # PostGIS and pyproj may shift the datum differently, by a metre or so.
    assert (x, y) == pytest.approx(TO_LAMBERT72.transform(*NAMUR_CITADEL), abs=2)
    assert "crs" not in response.get_json()["geometry"]


def test_a_box_in_either_lambert_selects_what_it_covers(client, report_factory):
    flagey = report_factory(lon=FLAGEY[0], lat=FLAGEY[1])
    report_factory(lon=GRAND_PLACE[0], lat=GRAND_PLACE[1])

    for uri, transformer in ((LAMBERT72, TO_LAMBERT72), (LAMBERT2008, TO_LAMBERT2008)):
        x, y = transformer.transform(*FLAGEY)
        box = f"{x - 50},{y - 50},{x + 50},{y + 50}"
        assert ids(features(client, bbox=box, **{"bbox-crs": uri})) == [str(flagey.id)], uri
        # The same box read as longitudes and latitudes would be refused, not misread.
        assert client.get(f"{BASE}/collections/reports/items?bbox={box}").status_code == 400


def test_a_projected_box_far_from_belgium_is_empty_not_an_error(client, report_factory):
    report_factory()

    for box in ("1e9,1e9,2e9,2e9", "-1e12,-1e12,-1e11,-1e11"):
        page = features(client, bbox=box, **{"bbox-crs": LAMBERT2008})
        assert page["features"] == [] and page["numberMatched"] == 0
    everything = "-1e12,-1e12,1e12,1e12"
    assert features(client, bbox=everything, **{"bbox-crs": LAMBERT72})["numberReturned"] == 1


def test_the_safe_curie_form_names_a_crs_too(client, report_factory):
    report_factory(lon=FLAGEY[0], lat=FLAGEY[1])

    by_curie = items(client, crs="[EPSG:3812]")

    assert by_curie.headers["Content-Crs"] == f"<{LAMBERT2008}>"
    assert by_curie.get_json()["features"] == items(client, crs=LAMBERT2008).get_json()["features"]


def test_communes_come_in_lambert_too(client):
    response = client.get(
        f"{BASE}/collections/communes/items/21004", query_string={"crs": LAMBERT2008}
    )

    ring = response.get_json()["geometry"]["coordinates"][0][0]
    assert response.headers["Content-Crs"] == f"<{LAMBERT2008}>"
    x, y = TO_LAMBERT2008.transform(*GRAND_PLACE)
    assert all(abs(px - x) < 10_000 and abs(py - y) < 10_000 for px, py in ring)


@pytest.mark.parametrize(
    "crs",
    [
        "http://www.opengis.net/def/crs/EPSG/0/4326",
        "EPSG:3812",
        "http://www.opengis.net/def/crs/EPSG/0/99999",
        "CRS84",
        "",
    ],
)
def test_an_unsupported_crs_is_a_400_listing_the_supported_ones(client, crs):
    for name in ("crs", "bbox-crs"):
        query = {name: crs, "bbox": "4,50,5,51"}
        response = client.get(f"{BASE}/collections/reports/items", query_string=query)
        description = ogc_error(response, 400)
        assert description.startswith(f"{name}:") and LAMBERT72 in description


def test_a_projected_box_whose_left_edge_is_east_of_its_right_is_a_400(client):
    query = {"bbox": "160000,160000,150000,170000", "bbox-crs": LAMBERT72}
    response = client.get(f"{BASE}/collections/reports/items", query_string=query)

    assert "left edge" in ogc_error(response, 400)
