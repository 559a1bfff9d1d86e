"""What crews and managers see of the deliveries to a body's own system, and the retry.

In one rolled-back transaction: the body connected by its rows, the deliveries queued by the
changes that give the body a ticket, their outcomes written as the worker writes them.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from app.accounts.models import Role
from app.delivery import outbox
from app.tickets.services import Actor, transition
from tests.helpers.api import assert_problem, report_body

FAILED = "/api/v1/staff/deliveries/failed"
CREW = Actor(name="Crew")


def receive_by_open311(session, body_id: int) -> None:
    session.execute(
        text("UPDATE bodies SET delivery_method = 'open311' WHERE id = :id"), {"id": body_id}
    )
    session.execute(
        text("INSERT INTO body_open311 (body_id, endpoint) VALUES (:id, 'https://crm.example/')"),
        {"id": body_id},
    )


def deliveries(session, report_id) -> list:
    return session.execute(
        text("SELECT * FROM report_deliveries WHERE report_id = :id"), {"id": report_id}
    ).all()


def give_up(session, report_id, error: str) -> int:
    """Given up after a 403, as the sender records it: its line and its parts."""
    return session.execute(
        text(
            "UPDATE report_deliveries SET failed_at = now(), attempts = 12, last_error = :e, "
            "last_error_kind = 'refused', last_error_status = 403, last_error_detail = 'bad key' "
            "WHERE report_id = :id RETURNING id"
        ),
        {"id": report_id, "e": error},
    ).scalar_one()


def test_a_report_is_queued_for_a_body_with_open311_in_its_own_transaction(client, session, places):
    receive_by_open311(session, places.brussels)
    created = client.post("/api/v1/reports", json=report_body())
    assert created.status_code == 201
    [queued] = deliveries(session, created.get_json()["id"])
    assert queued.body_id == places.brussels and queued.sent_at is None
    # A body that receives by email or in Pavé only gets no delivery row.
    elsewhere = client.post(
        "/api/v1/reports", json=report_body(location={"lat": 50.4594, "lon": 4.8620})
    )
    assert deliveries(session, elsewhere.get_json()["id"]) == []
    # A refused report leaves no row either.
    before = session.execute(text("SELECT count(*) FROM report_deliveries")).scalar_one()
    assert client.post("/api/v1/reports", json=report_body(category="nope")).status_code == 422
    assert session.execute(text("SELECT count(*) FROM report_deliveries")).scalar_one() == before


def test_a_transfer_to_a_body_with_open311_queues_it_once(session, ticket, places):
    receive_by_open311(session, places.ixelles)
    assert deliveries(session, ticket.id) == []
    transition(
        session,
        ticket.id,
        "transferred",
        actor=CREW,
        reason="Ixelles",
        to_body_code="commune-21009",
    )
    [queued] = deliveries(session, ticket.id)
    assert queued.body_id == places.ixelles


def test_the_ticket_says_where_it_is_handled(crew, session, ticket, places):
    assert crew.ticket(ticket.id)["delivery"] is None
    receive_by_open311(session, places.brussels)
    outbox.queue_delivery(session.connection(), ticket.id)
    sending = crew.ticket(ticket.id)["delivery"]
    assert sending["state"] == "sending" and sending["reference"] is None
    assert sending["body"]["code"] == "commune-21004"
    session.execute(
        text(
            "UPDATE report_deliveries SET sent_at = now(), remote_id = '12345' WHERE report_id = :id"
        ),
        {"id": ticket.id},
    )
    sent = crew.ticket(ticket.id)["delivery"]
    assert (sent["state"], sent["reference"], sent["error"]) == ("sent", "12345", None)


@pytest.fixture
def failed(session, ticket, places):
    receive_by_open311(session, places.brussels)
    outbox.queue_delivery(session.connection(), ticket.id)
    return give_up(session, ticket.id, "403 from https://crm.example/: bad key")


def test_managers_see_their_bodys_failed_deliveries_and_retry_them(
    staff_as, crew, failed, ticket, places, session
):
    manager = staff_as(Role.COMMUNE_MANAGER)
    [item] = manager.get(FAILED).get_json()["items"]
    assert (item["id"], item["state"], item["report_id"]) == (failed, "failed", str(ticket.id))
    assert "bad key" in item["error"]
    # Its parts, for the screens to say it in their reader's language.
    assert item["failure"] == {"kind": "refused", "status": 403, "detail": "bad key"}
    assert crew.get(FAILED).status_code == 403  # crews see it on the ticket, not the list
    ixelles = staff_as(Role.COMMUNE_MANAGER, body_id=places.ixelles)
    assert ixelles.get(FAILED).get_json()["items"] == []
    assert_problem(ixelles.change("POST", f"/api/v1/staff/deliveries/{failed}/retry"), 404)
    admin = staff_as(Role.ADMINISTRATOR)
    assert [i["id"] for i in admin.get(FAILED).get_json()["items"]] == [failed]

    retried = manager.change("POST", f"/api/v1/staff/deliveries/{failed}/retry")
    assert retried.status_code == 200, retried.get_json()
    assert retried.get_json()["state"] == "sending"
    row = deliveries(session, ticket.id)[0]
    assert row.failed_at is None and row.attempts == 0
    audit = crew.ticket(ticket.id)["audit"]
    assert audit[-1]["action"] == "delivery_retry" and audit[-1]["actor"] == manager.user.name
    # Not failed any more: a second retry is a conflict, an unknown id a 404.
    assert_problem(manager.change("POST", f"/api/v1/staff/deliveries/{failed}/retry"), 409)
    assert_problem(manager.change("POST", "/api/v1/staff/deliveries/99999999/retry"), 404)
    assert manager.get(FAILED).get_json()["items"] == []


def test_the_retry_needs_the_csrf_token_and_a_login(app, failed, staff_as):
    manager = staff_as(Role.COMMUNE_MANAGER)
    assert manager.client.post(f"/api/v1/staff/deliveries/{failed}/retry").status_code == 403
    assert app.test_client().get(FAILED).status_code == 401


def test_another_bodys_delivery_is_answered_as_a_missing_one(staff_as, failed, places, session):
    """A 403 for another body's id and a 404 for a missing one would let staff count the
    deliveries to every body (found by an outside test): both are the same 404."""
    ixelles = staff_as(Role.COMMUNE_MANAGER, body_id=places.ixelles)
    missing = failed + 1_000_000

    def refused(delivery_id: int) -> str:
        path = f"/api/v1/staff/deliveries/{delivery_id}/retry"
        problem = assert_problem(ixelles.change("POST", path), 404)
        return json.dumps(problem, sort_keys=True).replace(str(delivery_id), "<id>")

    assert refused(failed) == refused(missing)
    row = session.execute(
        text("SELECT failed_at FROM report_deliveries WHERE id = :id"), {"id": failed}
    )
    assert row.scalar_one() is not None  # still given up: nothing was queued
