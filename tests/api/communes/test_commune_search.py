"""Finding a commune by name, to place a report when the phone has no position."""

from __future__ import annotations

import pytest

from tests.helpers.api import assert_problem, report_body


def search(client, q: str, **params):
    return client.get("/api/v1/communes", query_string={"q": q, **params})


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Liège", "62063"),
        ("liege", "62063"),  # accents and case do not matter
        ("Luik", "62063"),  # the Dutch name
        ("Lüttich", "62063"),  # the German name
        ("saint josse", "21014"),  # hyphens do not matter
        ("Tongeren", "73111"),  # a commune created by the 2025 mergers
    ],
)
def test_a_commune_is_found_by_any_of_its_names(client, query, expected):
    response = search(client, query)

    assert response.status_code == 200
    assert expected in [c["nis_code"] for c in response.get_json()]


def test_names_that_start_with_the_query_come_first(client):
    names = [c["name"] for c in search(client, "Lie").get_json()]

    assert names[:2] == ["Liedekerke", "Liège"]


def test_merged_communes_of_2019_are_not_offered(client):
    # Borsbeek merged into Antwerpen on 1 January 2025.
    assert search(client, "Borsbeek").get_json() == []


def test_the_point_given_for_a_commune_is_routed_to_that_commune(client):
    place = search(client, "Eupen").get_json()[0]
    body = report_body(
        description="Pothole in front of the town hall (placed by commune name)",
        location={**place["point"], "accuracy_m": place["radius_m"]},
    )

    response = client.post("/api/v1/reports", json=body)

    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["commune"]["nis_code"] == "63023"
    assert response.get_json()["location"]["accuracy_m"] == place["radius_m"]


@pytest.mark.parametrize("params", [{"q": "x"}, {"q": "Liège", "limit": 0}, {}])
def test_a_bad_search_is_a_422_problem(client, params):
    response = client.get("/api/v1/communes", query_string=params)

    assert_problem(response, 422)
