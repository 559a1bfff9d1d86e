"""GET /api/v1/categories: the eleven seeded categories, named in the client's language."""

import pytest

EXPECTED_CODES = {
    "pothole",
    "damaged_pavement",
    "streetlight_out",
    "traffic_light_fault",
    "illegal_dumping",
    "overflowing_bin",
    "graffiti",
    "damaged_sign",
    "blocked_drain",
    "fallen_tree",
    "other",
}


def test_lists_the_eleven_categories_with_names_in_four_languages_and_a_group(client):
    response = client.get("/api/v1/categories")

    assert response.status_code == 200
    categories = response.get_json()
    assert {c["code"] for c in categories} == EXPECTED_CODES
    assert len(categories) == 11
    for category in categories:
        assert set(category["names"]) == {"fr", "nl", "de", "en"}
        assert all(category["names"].values())
        assert category["group"]["code"]
        assert set(category["group"]["names"]) == {"fr", "nl", "de", "en"}


def test_categories_of_one_group_are_listed_together(client):
    groups = [c["group"]["code"] for c in client.get("/api/v1/categories").get_json()]
    # Each group appears as one run, so a client can render headings in order.
    runs = [g for i, g in enumerate(groups) if i == 0 or groups[i - 1] != g]
    assert len(runs) == len(set(groups))


@pytest.mark.parametrize(
    ("accept_language", "pothole_name", "group_name"),
    [
        ("fr-BE,fr;q=0.9", "Nid-de-poule", "Voirie"),
        ("nl-BE", "Put in de weg", "Wegen"),
        ("de", "Schlagloch", "Straßen"),
        ("en-GB,en;q=0.8", "Pothole", "Roads"),
        ("it, nl;q=0.5", "Put in de weg", "Wegen"),
    ],
)
def test_accept_language_picks_the_name(client, accept_language, pothole_name, group_name):
    response = client.get("/api/v1/categories", headers={"Accept-Language": accept_language})

    pothole = next(c for c in response.get_json() if c["code"] == "pothole")
    assert pothole["name"] == pothole_name
    assert pothole["group"]["name"] == group_name


def test_without_a_language_preference_names_are_in_english(client):
    pothole = next(c for c in client.get("/api/v1/categories").get_json() if c["code"] == "pothole")
    assert pothole["name"] == "Pothole"
