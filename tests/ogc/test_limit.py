"""limit: 10 by default, 1000 at most (more is served as 1000, not refused), 1 at least."""

from __future__ import annotations

import pytest

from tests.helpers.ogc import BASE, copy_report, features, links, ogc_error


@pytest.fixture
def twelve(session, report_factory):
    copy_report(session, report_factory().id, 11)


def test_ten_features_unless_said(client, twelve):
    page = features(client)

    assert page["numberReturned"] == 10
    assert page["numberMatched"] == 12
    assert links(page, "next")


@pytest.mark.parametrize("limit", [1, 5, 12])
def test_at_most_limit_features(client, twelve, limit):
    page = features(client, limit=limit)

    assert page["numberReturned"] == limit
    assert bool(links(page, "next")) == (limit < 12)


def test_a_limit_above_the_maximum_serves_the_maximum(client, session, report_factory):
    copy_report(session, report_factory().id, 1004, step_deg=0.00001)

    for limit in ("1001", "1000000000", "9" * 40):
        page = features(client, limit=limit)
        assert page["numberReturned"] == 1000, limit
        assert page["numberMatched"] == 1005
        assert "limit=" + limit in links(page, "next")[0]["href"]


@pytest.mark.parametrize("limit", ["0", "-1", "1.5", "1e3", "ten", "", " 5", "+5", "0x10"])
def test_a_limit_that_is_no_whole_number_from_1_is_a_400(client, limit):
    response = client.get(f"{BASE}/collections/reports/items", query_string={"limit": limit})

    assert "limit" in ogc_error(response, 400)
    assert response.get_json()["code"] == "InvalidParameterValue"


def test_communes_take_the_same_limit(client):
    assert features(client, "communes", limit=3)["numberReturned"] == 3
    assert features(client, "communes", limit=5000)["numberReturned"] == 565
    assert client.get(f"{BASE}/collections/communes/items?limit=0").status_code == 400
