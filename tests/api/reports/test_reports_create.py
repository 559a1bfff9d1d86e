"""POST /api/v1/reports: a report is stored once, routed to its commune and responsible body."""

import uuid

import pytest
from sqlalchemy import text

from tests.helpers.api import NAMUR_CITADEL, report_body, row_counts


def post_report(client, body, key=None, **headers):
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post("/api/v1/reports", json=body, headers=headers)


def test_creating_a_report_answers_201_with_the_author_s_own_report(client, connection):
    before = row_counts(connection)

    response = post_report(client, report_body(), key=str(uuid.uuid4()))

    assert response.status_code == 201
    assert response.mimetype == "application/json"
    body = response.get_json()
    report_id = uuid.UUID(body["id"])
    assert body["category"]["code"] == "pothole"
    assert body["status"] == "new"
    assert body["created_at"]
    # The answer goes to the author, who reads their own text; the public does not until staff
    # mark it publishable (it may hold personal data).
    assert body["description"] == "Deep hole in front of the town hall"
    assert client.get(f"/api/v1/reports/{report_id}").get_json()["description"] is None
    assert _stored_description(connection, report_id) == "Deep hole in front of the town hall"
    assert body["commune"] == {"nis_code": "21004", "name": "Bruxelles"}
    assert body["responsible_body"]["kind"] == "commune"
    assert body["location"] == {"lat": 50.8467, "lon": 4.3525, "accuracy_m": 8.0}
    assert response.headers["Location"].endswith(f"/api/v1/reports/{report_id}")
    assert "Idempotent-Replayed" not in response.headers
    reports, changes = row_counts(connection)
    assert (reports, changes) == (before[0] + 1, before[1] + 1)


def test_the_first_history_row_records_the_report_as_received(client, connection):
    report_id = post_report(client, report_body()).get_json()["id"]

    history = connection.execute(
        text(
            "SELECT from_status, to_status, actor FROM report_status_changes WHERE report_id = :id"
        ),
        {"id": report_id},
    ).all()
    assert [tuple(row) for row in history] == [(None, "new", "reporter")]


def test_the_location_header_leads_to_the_same_report(client):
    created = post_report(client, report_body())

    fetched = client.get(created.headers["Location"])

    assert fetched.status_code == 200
    # All but what only the author reads: their photo and follow tokens, their unpublished text,
    # and what became of their acknowledgement email.
    mine = ("photo_token", "follow_token", "description", "acknowledgement", "notice")
    assert fetched.get_json() == {k: v for k, v in created.get_json().items() if k not in mine} | {
        "description": None
    }


def test_a_report_in_namur_goes_to_namur(client):
    body = post_report(client, report_body(location=NAMUR_CITADEL)).get_json()

    assert body["commune"]["nis_code"] == "92094"
    assert body["responsible_body"]["kind"] == "commune"
    assert body["location"]["accuracy_m"] is None


@pytest.mark.parametrize(
    ("location", "region_body"),
    [
        ({"lat": 50.8467, "lon": 4.3525}, "region-brussels"),
        (NAMUR_CITADEL, "region-wallonia"),
        ({"lat": 51.0535, "lon": 3.7253}, "region-flanders"),  # Gent, Sint-Baafs
    ],
    ids=["brussels", "wallonia", "flanders"],
)
def test_a_traffic_light_fault_goes_to_the_region(client, location, region_body):
    response = post_report(client, report_body(category="traffic_light_fault", location=location))

    assert response.status_code == 201
    responsible = response.get_json()["responsible_body"]
    assert responsible["code"] == region_body
    assert responsible["kind"] == "region"


def test_names_follow_accept_language(client):
    response = post_report(client, report_body(), **{"Accept-Language": "nl-BE"})

    body = response.get_json()
    assert body["category"]["name"] == "Put in de weg"
    assert body["commune"]["name"] == "Brussel"


def test_description_and_reporter_are_optional(client):
    body = report_body()
    del body["description"]

    response = post_report(client, body)

    assert response.status_code == 201
    assert response.get_json()["description"] is None


def _stored_description(connection, report_id) -> str | None:
    return connection.execute(
        text("SELECT description FROM reports WHERE id = :id"), {"id": report_id}
    ).scalar_one()


def test_a_description_of_exactly_5000_characters_is_accepted(client, connection):
    response = post_report(client, report_body(description="é" * 5000))

    assert response.status_code == 201
    assert _stored_description(connection, response.get_json()["id"]) == "é" * 5000


def test_the_reporter_contact_is_stored_but_not_returned(client, connection):
    reporter = {"name": "Anne Janssens", "email": "anne@example.org", "phone": "+32 470 12 34 56"}

    response = post_report(client, report_body(reporter=reporter))

    assert response.status_code == 201
    raw = response.get_data(as_text=True)
    for value in reporter.values():
        assert value not in raw
    stored = connection.execute(
        text("SELECT reporter_name, reporter_email, reporter_phone FROM reports WHERE id = :id"),
        {"id": response.get_json()["id"]},
    ).one()
    assert tuple(stored) == (reporter["name"], reporter["email"], reporter["phone"])
