"""bbox: only the features in the box, through the GiST index; malformed boxes are a 400."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from app.ogc import crs, params
from app.ogc.collections import COLLECTIONS
from app.ogc.features import Query
from tests.factories import FLAGEY, GRAND_PLACE, LIEGE_SAINT_LAMBERT, NAMUR_CITADEL
from tests.helpers.ogc import BASE, copy_report, features, ids, ogc_error

AROUND_BRUSSELS = "4.30,50.80,4.40,50.87"


@pytest.fixture
def places(report_factory) -> dict:
    return {
        "grand_place": report_factory(lon=GRAND_PLACE[0], lat=GRAND_PLACE[1]),
        "flagey": report_factory(lon=FLAGEY[0], lat=FLAGEY[1]),
        "namur": report_factory(lon=NAMUR_CITADEL[0], lat=NAMUR_CITADEL[1]),
        "liege": report_factory(lon=LIEGE_SAINT_LAMBERT[0], lat=LIEGE_SAINT_LAMBERT[1]),
    }


def found(client, **query) -> set[str]:
    return set(ids(features(client, **query)))


def test_only_the_reports_inside_the_box(client, places):
    inside = found(client, bbox=AROUND_BRUSSELS)

    assert inside == {str(places["grand_place"].id), str(places["flagey"].id)}


def test_a_box_is_inclusive_of_its_edges(client, places):
    lon, lat = NAMUR_CITADEL

    assert found(client, bbox=f"{lon},{lat},{lon},{lat}") == {str(places["namur"].id)}


def test_six_numbers_give_heights_that_a_flat_dataset_ignores(client, places):
    box = "4.30,50.80,-100,4.40,50.87,2000"

    assert found(client, bbox=box) == found(client, bbox=AROUND_BRUSSELS)


def test_a_box_around_nothing_is_an_empty_collection(client, places):
    page = features(client, bbox="-5,40,-4,41")

    assert page["features"] == [] and page["numberMatched"] == page["numberReturned"] == 0


def test_a_box_across_the_antimeridian_wraps_around(client, places):
    # From 170° east, across 180°, to 10° east: Belgium is in it. To -170°: it is not.
    assert len(found(client, bbox="170,-90,10,90")) == 4
    assert found(client, bbox="170,-90,-170,90") == set()


def test_the_bbox_combines_with_the_other_filters(client, places, report_factory):
    report_factory(lon=FLAGEY[0], lat=FLAGEY[1], category="graffiti")

    graffiti = found(client, bbox=AROUND_BRUSSELS, category_code="graffiti")

    assert len(graffiti) == 1 and str(places["flagey"].id) not in graffiti


def test_communes_in_a_box_are_those_whose_boundary_crosses_it(client):
    # A small box in the middle of the Grand-Place is in Bruxelles alone.
    lon, lat = GRAND_PLACE
    tiny = f"{lon - 0.0005},{lat - 0.0005},{lon + 0.0005},{lat + 0.0005}"

    assert found(client, collection="communes", bbox=tiny) == {"21004"}
    around = found(client, collection="communes", bbox=AROUND_BRUSSELS, limit=100)
    assert {"21004", "21009", "21001"} <= around and "92094" not in around


@pytest.mark.parametrize(
    ("bbox", "problem"),
    [
        ("4.3,50.8,4.4", "3 numbers"),
        ("4.3,50.8,4.4,50.9,1", "5 numbers"),
        ("4.3,50.8,4.4,50.9,1,2,3", "7 numbers"),
        ("", "1 number;"),
        ("4.3,fifty,4.4,50.9", "'fifty' is not a number"),
        ("4.3,50.8,4.4,nan", "'nan' is not a number"),
        ("4.3,50.8,4.4,inf", "'inf' is not a number"),
        ("4.3,50.9,4.4,50.8", "lower edge"),
        ("4.3,50.8,0,4.4,50.9,-1", "minimum height"),
        ("4.3,50.8,190,50.9", "longitudes"),
        ("4.3,-95,4.4,50.9", "latitudes"),
    ],
)
def test_a_malformed_box_is_a_400_saying_what_is_wrong(client, bbox, problem):
    response = client.get(f"{BASE}/collections/reports/items", query_string={"bbox": bbox})

    description = ogc_error(response, 400)
    assert description.startswith("bbox:") and problem in description


def test_a_bbox_query_reads_the_gist_index_of_the_published_locations(session, report_factory):
    # A few thousand reports spread over Belgium, the statistics brought up to date.
    for place in (GRAND_PLACE, NAMUR_CITADEL, LIEGE_SAINT_LAMBERT):
        report = report_factory(lon=place[0], lat=place[1])
        copy_report(session, report.id, 1000, step_deg=0.0001)
    session.execute(text("ANALYZE reports"))
    reports = COLLECTIONS["reports"]

    for limit, box in ((1000, AROUND_BRUSSELS), (10, "5.55,50.63,5.60,50.66")):
        query = Query(limit=limit, bbox=params.parse_bbox(box, crs.CRS84))
        sorts = reports.sorts(session, query, reports.count(session, query))
        sql, values = reports.page_sql(query, sorts)
        plan = session.execute(text(f"EXPLAIN (FORMAT JSON) {sql.text}"), values).scalar_one()
        assert "ix_reports_public_location" in json.dumps(plan), (box, plan)
