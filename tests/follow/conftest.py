"""Reports made over HTTP by residents, and the follow links their emails carry."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import text

from tests.factories import GRAND_PLACE

LINK = re.compile(r"https?://[^\s]+/follow/([A-Za-z0-9_-]+)\n")
RESIDENT_EMAIL = "marie@example.org"


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
