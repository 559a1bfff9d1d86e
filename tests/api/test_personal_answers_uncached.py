"""An answer for one person is kept by no cache: a shared commune computer's browser, or a
proxy, would hand a reporter's contact details, or a new report's tokens, to the next user."""

from __future__ import annotations

from tests.helpers.api import report_body
from tests.helpers.staff import TICKETS

NO_STORE = "private, no-store"


def test_a_staff_members_answers_are_not_stored(crew, ticket):
    for path in (f"{TICKETS}/{ticket.id}", TICKETS, f"{TICKETS}/map", "/api/v1/auth/me"):
        answer = crew.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["Cache-Control"] == NO_STORE, path
    # The reporter's contact, which the ticket's answer carries, is why.
    assert crew.ticket(ticket.id)["reporter"] is not None


def test_a_new_reports_tokens_are_not_stored(client):
    created = client.post("/api/v1/reports", json=report_body())

    assert created.status_code == 201
    assert {"follow_token", "photo_token"} <= set(created.get_json())
    assert created.headers["Cache-Control"] == NO_STORE


def test_a_staff_path_refused_without_credentials_is_not_stored_either(client):
    refused = client.get(TICKETS)

    assert refused.status_code == 401
    assert refused.headers["Cache-Control"] == NO_STORE


def test_public_answers_keep_their_own_caching(client):
    requests = client.get("/open311/v2/requests.json")
    places = client.get("/api/v1/communes/places")

    assert requests.status_code == 200 and "no-store" not in requests.headers.get(
        "Cache-Control", ""
    )
    assert places.headers["Cache-Control"] == "public, max-age=86400"
