"""Reports made over HTTP by residents, and the follow links their emails carry."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import text

from tests.factories import GRAND_PLACE
from tests.helpers.accounts import make_staff, places  # noqa: F401  (fixtures)
from tests.helpers.staff import crew, staff_as  # noqa: F401  (fixtures)

LINK = re.compile(r"https?://[^\s]+/follow/([A-Za-z0-9_-]+)\n")
CONFIRM_LINK = re.compile(r"https?://[^\s]+/follow/confirm/([A-Za-z0-9_-]+)\n")
RESIDENT_EMAIL = "marie@example.org"
BODY_EMAIL = "travaux@bruxelles.example"
BOX = "ST_Multi(ST_MakeEnvelope(4.3, 50.8, 4.4, 50.9, 4326))"
# One commune (a box around Brussels) and its body, for tests that need a database of their own.
ONE_COMMUNE_SQL = [
    "INSERT INTO boundary_sets (id, sha256, source, valid_from, commune_count) "
    "VALUES (1, 'test', 'test', '2025-01-01', 1)",
    "INSERT INTO communes (id, nis_code, name_fr, name_nl, region_code, boundary_set_id, "
    f"valid_from, boundary) VALUES (1, '21004', 'Bruxelles', 'Brussel', '04000', 1, "
    f"'2025-01-01', {BOX})",
    "INSERT INTO commune_parts (commune_id, geom) "
    "VALUES (1, ST_MakeEnvelope(4.3, 50.8, 4.4, 50.9, 4326))",
    "INSERT INTO bodies (code, kind, name_fr, name_nl, nis_code, region_code, contact_email, "
    "delivery_method) "
    "VALUES ('commune-21004', 'commune', 'Ville de Bruxelles', 'Stad Brussel', '21004', "
    f"'04000', '{BODY_EMAIL}', 'email')",
]


def report_body(email: str | None = RESIDENT_EMAIL, **extra) -> dict:
    body = {
        "category": "pothole",
        "description": "A deep hole in front of number 12",
        "location": {"lon": GRAND_PLACE[0], "lat": GRAND_PLACE[1]},
        **extra,
    }
    if email:
        body["reporter"] = {"name": "Marie Peeters", "email": email, "phone": "+32 470 12 34 56"}
    return body


def links_in(session, report_id: uuid.UUID, kind: str) -> list[str]:
    """The follow tokens in the outbox messages of `kind` about the report, oldest first."""
    bodies = session.execute(
        text("SELECT body FROM outbox_messages WHERE report_id = :id AND kind = :kind ORDER BY id"),
        {"id": report_id, "kind": kind},
    ).scalars()
    return [token for body in bodies for token in LINK.findall(body)]


def confirmations_in(session, report_id: uuid.UUID, recipient: str) -> list[str]:
    """The confirmation tokens of the follow requests of `recipient`, oldest first."""
    bodies = session.execute(
        text(
            "SELECT body FROM outbox_messages WHERE report_id = :id "
            "AND kind = 'resident_follow_confirm' AND recipient = lower(:to) ORDER BY id"
        ),
        {"id": report_id, "to": recipient},
    ).scalars()
    return [token for body in bodies for token in CONFIRM_LINK.findall(body)]


def follow_and_confirm(client, session, report_id, email: str, language: str = "fr") -> str:
    """Ask to follow the report as `email`, confirm from the email's link; the follow token."""
    body = {"email": email, "language": language}
    response = client.post(f"/api/v1/reports/{report_id}/followers", json=body)
    assert response.status_code == 202, response.get_json()
    confirmation = confirmations_in(session, report_id, email)[-1]
    confirmed = client.post(f"/api/v1/follow-confirmations/{confirmation}")
    assert confirmed.status_code == 201, confirmed.get_json()
    return confirmed.get_json()["token"]


@pytest.fixture
def post_report(client):
    """post_report(language=…, email=…) → the id of a report made with POST /api/v1/reports."""

    def post(language: str | None = "fr", email: str | None = RESIDENT_EMAIL, **headers):
        if language:
            headers["Accept-Language"] = language
        response = client.post("/api/v1/reports", json=report_body(email), headers=headers)
        assert response.status_code == 201, response.get_json()
        return uuid.UUID(response.get_json()["id"])

    return post


@pytest.fixture
def followed(post_report, session):
    """A report made by a resident with an email, and the token of their confirmation."""
    report_id = post_report()
    (token,) = links_in(session, report_id, "resident_received")
    return report_id, token
