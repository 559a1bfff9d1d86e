"""GET /api/v1/reports: an RFC 7946 FeatureCollection, newest first, filtered and paginated."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import text

from tests.helpers.api import GEOJSON, assert_problem

DAY = dt.timedelta(days=1)
T0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)


def ids(response) -> list[str]:
    return [f["id"] for f in response.get_json()["features"]]


def next_link(response) -> str | None:
    links = [link for link in response.get_json()["links"] if link["rel"] == "next"]
    assert len(links) <= 1
    return links[0]["href"] if links else None


def test_reports_form_a_feature_collection_of_points(client, report_factory):
    report = report_factory(in_namur=True, category="blocked_drain")

    response = client.get("/api/v1/reports")

    assert response.status_code == 200
    assert response.mimetype == GEOJSON
    body = response.get_json()
    assert body["type"] == "FeatureCollection"
    [feature] = body["features"]
    assert feature["type"] == "Feature"
    assert feature["id"] == str(report.id)
    assert feature["geometry"]["type"] == "Point"
    # RFC 7946: longitude first, WGS84.
    lon, lat = feature["geometry"]["coordinates"]
    assert (lon, lat) == (pytest.approx(4.8620), pytest.approx(50.4594))
    properties = feature["properties"]
    assert properties["category"]["code"] == "blocked_drain"
    assert properties["commune"]["nis_code"] == "92094"
    assert properties["status"] == "new"
    assert [link["rel"] for link in body["links"]] == ["self"]
    assert "Link" not in response.headers


def test_newest_first(client, report_factory):
    oldest = report_factory(created_at=T0)
    newest = report_factory(created_at=T0 + 2 * DAY)
    middle = report_factory(created_at=T0 + DAY)

    response = client.get("/api/v1/reports")

    assert ids(response) == [str(newest.id), str(middle.id), str(oldest.id)]


@pytest.fixture
def spread(report_factory):
    """Four reports in two cities, of two categories and two statuses, on four days."""
    return {
        "brussels_pothole": report_factory(in_brussels=True, created_at=T0),
        "ixelles_graffiti": report_factory(
            in_ixelles=True, category="graffiti", created_at=T0 + DAY
        ),
        "namur_pothole_closed": report_factory(in_namur=True, closed=True, created_at=T0 + 2 * DAY),
        "liege_graffiti": report_factory(
            in_liege=True, category="graffiti", created_at=T0 + 3 * DAY
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"bbox": "4.30,50.80,4.40,50.87"}, {"brussels_pothole", "ixelles_graffiti"}),
        ({"bbox": "4.0,50.0,6.0,50.7"}, {"namur_pothole_closed", "liege_graffiti"}),
        ({"commune": "21004"}, {"brussels_pothole"}),
        ({"commune": "92094"}, {"namur_pothole_closed"}),
        ({"category": "graffiti"}, {"ixelles_graffiti", "liege_graffiti"}),
        ({"status": "resolved"}, {"namur_pothole_closed"}),
        (
            {"status": "new,resolved"},
            {"brussels_pothole", "ixelles_graffiti", "namur_pothole_closed", "liege_graffiti"},
        ),
        ({"status": "new"}, {"brussels_pothole", "ixelles_graffiti", "liege_graffiti"}),
        ({"since": (T0 + 2 * DAY).isoformat()}, {"namur_pothole_closed", "liege_graffiti"}),
        ({"until": (T0 + DAY).isoformat()}, {"brussels_pothole"}),
        (
            {"since": (T0 + DAY).isoformat(), "until": (T0 + 3 * DAY).isoformat()},
            {"ixelles_graffiti", "namur_pothole_closed"},
        ),
        ({"category": "graffiti", "bbox": "4.30,50.80,4.40,50.87"}, {"ixelles_graffiti"}),
        ({"category": "fallen_tree"}, set()),
        ({"commune": "44021"}, set()),
    ],
    ids=lambda value: (
        "&".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else None
    ),
)
def test_filters(client, spread, query, expected):
    response = client.get("/api/v1/reports", query_string=query)

    assert response.status_code == 200, response.get_json()
    assert set(ids(response)) == {str(spread[name].id) for name in expected}


def test_since_without_a_time_zone_is_read_as_utc(client, spread):
    response = client.get("/api/v1/reports", query_string={"since": "2025-03-04T09:00:00"})

    assert ids(response) == [str(spread["liege_graffiti"].id)]


def test_cursor_pagination_walks_every_report_once(client, report_factory, connection):
    # Pairs created at the same instant check that the cursor breaks ties without a gap.
    created = [report_factory(created_at=T0 + (i // 2) * DAY) for i in range(11)]
    total = connection.execute(text("SELECT count(*) FROM reports")).scalar()
    assert total == len(created)

    seen, pages = [], 0
    url = "/api/v1/reports?limit=3&category=pothole"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        page = ids(response)
        pages += 1
        seen.extend(page)
        url = next_link(response)
        if url:
            assert len(page) == 3
            assert response.headers["Link"] == f'<{url}>; rel="next"'
            # The next link keeps the filters and only changes the cursor.
            query = parse_qs(urlsplit(url).query)
            assert query["limit"] == ["3"] and query["category"] == ["pothole"]
        else:
            assert "Link" not in response.headers

    assert pages == 4
    assert len(seen) == len(set(seen)) == 11
    by_age = sorted(created, key=lambda r: (r.created_at, str(r.id)), reverse=True)
    assert seen == [str(r.id) for r in by_age]


def test_no_next_link_when_everything_fits(client, report_factory):
    for _ in range(3):
        report_factory()

    response = client.get("/api/v1/reports?limit=3")

    assert len(ids(response)) == 3
    assert next_link(response) is None


def test_an_empty_result_is_an_empty_collection(client):
    response = client.get("/api/v1/reports", query_string={"commune": "11002"})

    assert response.status_code == 200
    assert response.get_json()["features"] == []


@pytest.mark.parametrize("query", ["status=", "status=new,"])
def test_an_empty_status_is_refused_naming_the_parameter(client, query):
    # `status=` once listed every report with a 200, though the OpenAPI enum refuses it.
    response = client.get(f"/api/v1/reports?{query}")

    problem = assert_problem(response, 422)
    assert [error["pointer"] for error in problem["errors"]] == ["status"]
    assert problem["errors"][0]["detail"].startswith("Must be one of: new, ")
