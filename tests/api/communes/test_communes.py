"""GET /api/v1/communes/lookup: which Belgian commune is responsible for a point."""

import pytest

from tests.helpers.api import AACHEN, GRAND_PLACE, NAMUR_CITADEL, PARIS, assert_problem


def test_grand_place_is_in_the_city_of_brussels(client):
    response = client.get("/api/v1/communes/lookup", query_string=GRAND_PLACE)

    assert response.status_code == 200
    body = response.get_json()
    assert body["nis_code"] == "21004"
    assert body["names"]["fr"] == "Bruxelles"
    assert body["names"]["nl"] == "Brussel"
    assert body["region"]["code"] == "04000"
    assert body["match"] == "inside"
    assert body["distance_m"] == 0


def test_namur_citadel_is_in_namur_in_wallonia(client):
    body = client.get("/api/v1/communes/lookup", query_string=NAMUR_CITADEL).get_json()

    assert body["nis_code"] == "92094"
    assert body["region"]["code"] == "03000"


@pytest.mark.parametrize(
    ("accept_language", "name"), [("nl", "Brussel"), ("fr", "Bruxelles"), ("en", "Bruxelles")]
)
def test_the_name_follows_accept_language(client, accept_language, name):
    response = client.get(
        "/api/v1/communes/lookup",
        query_string=GRAND_PLACE,
        headers={"Accept-Language": accept_language},
    )
    # Brussels has no English name of its own; the region's first language stands in.
    assert response.get_json()["name"] == name


@pytest.mark.parametrize("place", [PARIS, AACHEN], ids=["paris", "aachen"])
def test_a_point_abroad_is_a_404_problem(client, place):
    response = client.get("/api/v1/communes/lookup", query_string=place)

    body = assert_problem(response, 404)
    assert "outside the area served" in body["detail"]
