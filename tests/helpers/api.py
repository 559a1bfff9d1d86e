"""Assertions shared by the API tests: problem+json bodies and the rows a request wrote."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

PROBLEM_JSON = "application/problem+json"
GEOJSON = "application/geo+json"

# Places a resident might stand; the coordinates are (lat, lon) as a client sends them.
GRAND_PLACE = {"lat": 50.8467, "lon": 4.3525}
NAMUR_CITADEL = {"lat": 50.4594, "lon": 4.8620}
NORTH_SEA = {"lat": 51.5, "lon": 2.5}
PARIS = {"lat": 48.8566, "lon": 2.3522}
AACHEN = {"lat": 50.776, "lon": 6.084}
MAASTRICHT = {"lat": 50.8514, "lon": 5.6910}


def row_counts(connection: Connection) -> tuple[int, int]:
    """How many reports and status changes the test's transaction can see."""
    counts = connection.execute(
        text("SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM report_status_changes)")
    ).one()
    return int(counts[0]), int(counts[1])


def assert_problem(response, status: int) -> dict:
    """The response is an RFC 9457 problem with this status; returns its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM_JSON
    body = response.get_json()
    for member in ("type", "title", "status", "detail"):
        assert body.get(member), f"problem without {member}: {body}"
    assert body["status"] == status
    return body


def report_body(**overrides) -> dict:
    """A valid creation request at the Grand-Place; keyword arguments replace its fields."""
    body = {
        "category": "pothole",
        "description": "Deep hole in front of the town hall",
        "location": {**GRAND_PLACE, "accuracy_m": 8.0},
    }
    body.update(overrides)
    return body
