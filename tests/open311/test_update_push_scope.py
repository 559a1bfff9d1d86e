"""A remote system pushing to POST servicerequestupdates may change only its own bodies'
tickets, once per update_id, and nothing it sends reaches a resident unchecked."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import Role
from app.accounts.services import issue_token, revoke_token
from app.reports.models import Report
from app.tickets.models import ReportUpdate
from app.tickets.services import Actor, transition
from tests.helpers.open311 import BASE, json_array, json_error

UPDATES = f"{BASE}/servicerequestupdates.json"


def push(client, api_key, report_id, status, **fields):
    data = {"service_request_id": str(report_id), "status": status, **fields}
    return client.post(UPDATES, data=data, headers={"Authorization": f"Bearer {api_key}"})


def status_of(session, report_id) -> str:
    session.expire_all()
    return session.get(Report, report_id).status


def public_updates(session, report_id) -> int:
    return session.scalar(
        select(func.count()).where(ReportUpdate.report_id == report_id, ReportUpdate.public)
    )


def test_another_communes_key_is_refused_and_changes_nothing(client, namur_key, session, ticket):
    answer = push(client, namur_key, ticket.id, "investigating", description="Pas chez nous.")
    assert "may not" in json_error(answer, 403)
    assert status_of(session, ticket.id) == "new"
    assert public_updates(session, ticket.id) == 0


def test_after_a_transfer_the_first_bodys_key_no_longer_moves_the_ticket(
    client, api_key, session, ticket
):
    transition(
        session,
        ticket.id,
        "transferred",
        actor=Actor(name="Équipe de Bruxelles"),
        to_body_code="region-brussels",
        reason="Voirie régionale",
    )
    session.commit()
    answer = push(client, api_key, ticket.id, "fixed", description="Pas chez nous.")
    assert "may not" in json_error(answer, 403)
    assert status_of(session, ticket.id) not in ("resolved", "closed", "rejected")


def test_a_revoked_or_forged_key_is_refused(client, session, make_staff, ticket):
    user = make_staff(Role.CREW_MEMBER)
    row, key = issue_token(session, user, "Open311")
    revoke_token(session, user, row.id)
    session.commit()
    assert "revoked" in json_error(push(client, key, ticket.id, "investigating"), 403)
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    json_error(push(client, forged, ticket.id, "investigating"), 403)
    assert status_of(session, ticket.id) == "new"


def test_a_replayed_update_id_is_answered_again_not_applied_twice(client, api_key, session, ticket):
    push(client, api_key, ticket.id, "investigating")
    fields = {"update_id": "crm-4711", "description": "Réparé ce matin."}
    first = json_array(push(client, api_key, ticket.id, "fixed", **fields))
    again = push(client, api_key, ticket.id, "fixed", **fields)
    assert again.status_code == 200
    assert json_array(again) == first
    assert status_of(session, ticket.id) == "resolved"
    assert public_updates(session, ticket.id) == 1
    # The same id for another request is a mistake of the remote, said as such.
    other = push(client, api_key, "6f1c5a0e-0000-4000-8000-000000000000", "fixed", **fields)
    assert other.status_code in (400, 404)


def test_a_reused_update_id_saying_something_else_is_refused(client, api_key, session, ticket):
    push(client, api_key, ticket.id, "investigating")
    fields = {"update_id": "crm-4712"}
    push(client, api_key, ticket.id, "in_progress", description="Équipe en route.", **fields)
    other = push(client, api_key, ticket.id, "fixed", description="Réparé.", **fields)
    assert "already used for a different update" in json_error(other, 400)
    assert status_of(session, ticket.id) == "in_progress"
    assert public_updates(session, ticket.id) == 1


def test_nul_control_characters_and_huge_values_are_refused(client, api_key, session, ticket):
    cases = [
        {"status": "investigating", "description": "Réparé\x00"},
        {"status": "investigating", "description": "Réparé \x1b[31m"},
        {"status": "investigating", "description": "x" * 100_000},
        {"status": "investigating" + "g" * 100_000},
        {"status": "investigating", "update_id": "u" * 1000},
        {"status": "investigating", "update_id": "crm\x00"},
    ]
    for fields in cases:
        status = fields.pop("status")
        answer = push(client, api_key, ticket.id, status, **fields)
        assert answer.status_code == 400, (fields.keys(), answer.data[:200])
        assert len(answer.data) < 2000  # the huge value is not echoed back
    assert status_of(session, ticket.id) == "new"
    assert public_updates(session, ticket.id) == 0
