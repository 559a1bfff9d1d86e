"""Collections (/ogc/collections and /ogc/collections/{id}): what each holds and where."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import FLAGEY, GRAND_PLACE, LIEGE_SAINT_LAMBERT, NAMUR_CITADEL
from tests.helpers.ogc import (
    BASE,
    CRS84,
    GEOJSON,
    LAMBERT72,
    LAMBERT2008,
    get_json,
    local,
    one_link,
)


def by_id(client) -> dict[str, dict]:
    document = get_json(client, "/collections")
    assert one_link(document, "self", "application/json")
    assert one_link(document, "alternate", "text/html")
    return {c["id"]: c for c in document["collections"]}


def test_collections_are_reports_and_communes_each_with_its_items_links(client):
    collections = by_id(client)

    assert set(collections) == {"reports", "communes"}
    for cid, collection in collections.items():
        assert collection["title"] and collection["description"]
        assert collection["itemType"] == "feature"
        items = one_link(collection, "items", GEOJSON)
        assert local(items["href"]) == f"/ogc/collections/{cid}/items"
        assert local(one_link(collection, "items", "text/html")["href"]).endswith("?f=html")
        assert client.get(local(items["href"])).mimetype == GEOJSON


def test_a_collection_is_described_alone_as_in_the_list(client):
    listed = by_id(client)["reports"]
    alone = get_json(client, "/collections/reports")

    assert {k: v for k, v in alone.items() if k != "links"} == {
        k: v for k, v in listed.items() if k != "links"
    }
    assert local(one_link(alone, "self", "application/json")["href"]).startswith(
        "/ogc/collections/reports"
    )
    assert one_link(alone, "alternate", "text/html")


def test_the_reports_extent_is_the_box_and_time_span_of_the_reports(client, report_factory):
    oldest = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC)
    report_factory(lon=FLAGEY[0], lat=FLAGEY[1], created_at=oldest)
    report_factory(lon=NAMUR_CITADEL[0], lat=NAMUR_CITADEL[1])
    report_factory(lon=LIEGE_SAINT_LAMBERT[0], lat=LIEGE_SAINT_LAMBERT[1])

    extent = get_json(client, "/collections/reports")["extent"]

    assert extent["spatial"]["crs"] == CRS84
    assert extent["spatial"]["bbox"] == [
        [FLAGEY[0], NAMUR_CITADEL[1], LIEGE_SAINT_LAMBERT[0], FLAGEY[1]]
    ]
    assert extent["temporal"]["interval"] == [["2025-03-01T09:30:00Z", None]]


def test_without_reports_the_extent_is_belgium_and_has_no_start(client):
    extent = get_json(client, "/collections/reports")["extent"]

    minx, miny, maxx, maxy = extent["spatial"]["bbox"][0]
    assert minx < GRAND_PLACE[0] < maxx and miny < GRAND_PLACE[1] < maxy
    assert 2.5 <= minx < 2.6 and 6.4 < maxx <= 6.5 and 49.4 < miny < 49.5 and 51.5 < maxy < 51.6
    assert extent["temporal"]["interval"] == [[None, None]]


def test_the_communes_extent_covers_belgium_from_the_day_the_boundaries_apply(client):
    extent = get_json(client, "/collections/communes")["extent"]

    minx, miny, maxx, maxy = extent["spatial"]["bbox"][0]
    assert 2.5 < minx < 2.6 and 6.4 < maxx < 6.5 and 49.4 < miny < 49.5 and 51.5 < maxy < 51.6
    assert extent["temporal"]["interval"] == [["2025-01-01T00:00:00Z", None]]


def test_collections_offer_crs84_and_both_belgian_lambert_stored_in_crs84(client):
    for collection in by_id(client).values():
        assert collection["crs"] == [CRS84, LAMBERT72, LAMBERT2008]
        assert collection["storageCrs"] == CRS84


def test_an_unknown_collection_is_a_404(client):
    response = client.get(f"{BASE}/collections/potholes")

    assert response.status_code == 404
    assert response.get_json()["code"] == "NotFound"
    assert "reports, communes" in response.get_json()["description"]


@pytest.mark.parametrize("path", ["/collections", "/collections/reports", "/collections/communes"])
def test_collections_as_html_link_to_their_features(client, path):
    response = client.get(f"{BASE}{path}?f=html")

    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "/ogc/collections/reports/items?f=html" in html or path.endswith("communes")
    assert "/ogc/collections/communes/items?f=html" in html or path.endswith("reports")
