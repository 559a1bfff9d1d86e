"""Replaying an Idempotency-Key never shows more of a ticket than the caller may read now.

The attack: a crew member of Bruxelles posts an internal note under an Idempotency-Key, then
transfers the ticket to Namur, whose crew adds internal notes of their own. Replaying the old
key used to answer 201 with the ticket as it is today, unchecked: Namur's internal notes
(through `audit[].after`), the unpublished description, the staff's names.

The defence: a replay is answered like a read made now. The caller's right to read the ticket
is checked again (the same 403 a GET gives, marked `Idempotent-Replayed` so that an offline
client knows its change was applied), and the body is built from the caller's current view,
never from a stored copy. Audit entries of internal notes follow the rule of the notes
themselves: whoever may not read internal notes does not see their audit entries either.
"""

from __future__ import annotations

import json
import uuid

from sqlalchemy import text

from app.accounts.models import Role
from app.tickets import queries
from tests.helpers.api import assert_problem
from tests.helpers.staff import TICKETS, crew, make_staff, places, staff_as, ticket

__all__ = ["crew", "make_staff", "places", "staff_as", "ticket"]

REPLAYED = "Idempotent-Replayed"
NAMUR_SECRET = "Namur only: the depot code is 4711"
MY_NOTE = "Brussels note: seen on my round"


def _trail(connection, ticket_id):
    return connection.execute(
        text(
            "SELECT r.version, (SELECT count(*) FROM audit_log WHERE report_id = r.id), "
            "(SELECT count(*) FROM report_updates WHERE report_id = r.id) "
            "FROM reports r WHERE r.id = :id"
        ),
        {"id": ticket_id},
    ).one()


def _note(staff, ticket_id, version, body, key=None):
    headers = {"Idempotency-Key": key} if key else None
    return staff.change(
        "POST",
        f"{TICKETS}/{ticket_id}/updates",
        version,
        headers=headers,
        json={"body": body, "public": False},
    )


def test_a_replay_after_the_ticket_left_my_body_shows_nothing_of_it(
    crew, staff_as, places, ticket, connection
):
    key = str(uuid.uuid4())
    first = _note(crew, ticket.id, 1, MY_NOTE, key)
    assert first.status_code == 201, first.get_json()
    transferred = crew.transition(
        ticket.id, "transferred", to_body="commune-92094", reason="Not our street"
    )
    assert transferred.status_code == 200, transferred.get_json()
    namur = staff_as(Role.CREW_MEMBER, body_id=places.namur)
    version = namur.ticket(ticket.id)["version"]
    assert _note(namur, ticket.id, version, NAMUR_SECRET).status_code == 201
    before = _trail(connection, ticket.id)

    replay = _note(crew, ticket.id, 1, MY_NOTE, key)

    # Exactly what a read of the ticket now answers, and not a word of the ticket.
    read = crew.get(f"{TICKETS}/{ticket.id}")
    problem = assert_problem(replay, 403)
    assert problem == assert_problem(read, 403)
    assert replay.headers[REPLAYED] == "true"
    text_sent = replay.get_data(as_text=True)
    for secret in (NAMUR_SECRET, MY_NOTE, "Deep pothole", "commune-92094"):
        assert secret not in text_sent
    assert "ETag" not in replay.headers
    assert _trail(connection, ticket.id) == before


def test_a_replay_by_someone_moved_to_another_body_is_refused(crew, places, ticket, session):
    key = str(uuid.uuid4())
    assert _note(crew, ticket.id, 1, MY_NOTE, key).status_code == 201
    # The crew member now works for Ixelles: they may no longer read Bruxelles' tickets.
    session.execute(
        text("UPDATE role_grants SET body_id = :ixelles WHERE user_id = :id"),
        {"ixelles": places.ixelles, "id": crew.user.id},
    )
    session.commit()

    replay = _note(crew, ticket.id, 1, MY_NOTE, key)

    assert_problem(replay, 403)
    assert replay.headers[REPLAYED] == "true"
    for secret in (MY_NOTE, "Deep pothole"):
        assert secret not in replay.get_data(as_text=True)


def test_a_replay_still_allowed_answers_what_a_read_answers_now(crew, staff_as, ticket):
    key = str(uuid.uuid4())
    first = _note(crew, ticket.id, 1, MY_NOTE, key)
    assert first.status_code == 201
    colleague = staff_as(Role.CREW_MEMBER)
    assert _note(colleague, ticket.id, 2, "A colleague's note").status_code == 201

    replay = _note(crew, ticket.id, 1, MY_NOTE, key)

    assert replay.status_code == 201, replay.get_json()
    assert replay.headers[REPLAYED] == "true"
    read = crew.get(f"{TICKETS}/{ticket.id}")
    assert replay.get_json() == read.get_json()
    assert replay.headers["ETag"] == read.headers["ETag"]


def test_audit_entries_of_internal_notes_are_shown_only_with_the_notes(crew, ticket, session):
    assert _note(crew, ticket.id, 1, NAMUR_SECRET).status_code == 201
    public = crew.change(
        "POST",
        f"{TICKETS}/{ticket.id}/updates",
        2,
        json={"body": "We will fix it next week", "public": True},
    )
    assert public.status_code == 201

    outsider = queries.get_ticket(session, ticket.id, with_internal=False, with_contact=False)
    insider = queries.get_ticket(session, ticket.id, with_internal=True, with_contact=False)

    assert NAMUR_SECRET not in json.dumps(outsider.audit, default=str)
    assert NAMUR_SECRET not in json.dumps(outsider.updates, default=str)
    assert [e["action"] for e in outsider.audit] == ["public_update"]
    assert [e["action"] for e in insider.audit] == ["internal_note", "public_update"]
    assert NAMUR_SECRET in json.dumps(insider.audit, default=str)
