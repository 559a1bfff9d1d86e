"""Idempotency-Key on staff changes: a retry is answered as the first time and applied once.

The crews' offline outbox sends its item's id as the key, with the ETag the ticket had when
the change was made; if the answer was lost, the retry carries the same, now stale, ETag.
"""

from __future__ import annotations

import uuid

from sqlalchemy import text

from app.accounts.models import Role
from app.tickets import idempotency
from app.tickets.idempotency import StaffKey
from tests.helpers.api import assert_problem
from tests.helpers.staff import TICKETS

REPLAYED = "Idempotent-Replayed"


def _trail(connection, ticket_id):
    """What a change leaves behind: version, history, audit, updates and queued emails."""
    return connection.execute(
        text(
            """
            SELECT r.version, r.status, r.priority,
                   (SELECT count(*) FROM report_status_changes WHERE report_id = r.id),
                   (SELECT count(*) FROM audit_log WHERE report_id = r.id),
                   (SELECT count(*) FROM report_updates WHERE report_id = r.id),
                   (SELECT count(*) FROM outbox_messages WHERE report_id = r.id)
            FROM reports r WHERE r.id = :id
            """
        ),
        {"id": ticket_id},
    ).one()


def _keyed(staff, method, path, version, key, **kwargs):
    return staff.change(method, path, version, headers={"Idempotency-Key": key}, **kwargs)


def test_a_transition_retried_with_its_key_and_old_etag_is_answered_not_redone(
    crew, ticket, connection
):
    key = str(uuid.uuid4())
    path = f"{TICKETS}/{ticket.id}/transitions"
    first = _keyed(crew, "POST", path, 1, key, json={"to": "acknowledged"})
    assert first.status_code == 200, first.get_json()
    after_first = _trail(connection, ticket.id)

    # The answer was lost: the phone sends the same change again, with the ETag it had.
    retry = _keyed(crew, "POST", path, 1, key, json={"to": "acknowledged"})

    assert retry.status_code == 200, retry.get_json()
    assert retry.headers[REPLAYED] == "true"
    assert REPLAYED not in first.headers
    assert retry.get_json()["status"] == "acknowledged"
    assert retry.get_json()["version"] == first.get_json()["version"]
    assert retry.headers["ETag"] == first.headers["ETag"]
    # One history row, one audit row, one email to the resident: not two of each.
    assert _trail(connection, ticket.id) == after_first


def test_a_retry_needs_no_if_match(crew, ticket, connection):
    key = str(uuid.uuid4())
    path = f"{TICKETS}/{ticket.id}/updates"
    body = {"body": "The crew comes on Monday", "public": True}
    assert _keyed(crew, "POST", path, 1, key, json=body).status_code == 201
    after_first = _trail(connection, ticket.id)

    retry = crew.change("POST", path, headers={"Idempotency-Key": key}, json=body)

    assert retry.status_code == 201, retry.get_json()
    assert [u["body"] for u in retry.get_json()["updates"]] == ["The crew comes on Monday"]
    assert _trail(connection, ticket.id) == after_first


def test_a_retried_patch_does_not_undo_a_later_change_by_someone_else(
    crew, staff_as, ticket, connection
):
    manager = staff_as(Role.COMMUNE_MANAGER)
    key = str(uuid.uuid4())
    path = f"{TICKETS}/{ticket.id}"
    assert _keyed(crew, "PATCH", path, 1, key, json={"priority": "high"}).status_code == 200
    assert manager.change("PATCH", path, 2, json={"priority": "urgent"}).status_code == 200
    before = _trail(connection, ticket.id)

    retry = _keyed(crew, "PATCH", path, 1, key, json={"priority": "high"})

    assert retry.status_code == 200, retry.get_json()
    assert retry.headers[REPLAYED] == "true"
    # The answer shows the ticket as it is now: the manager's change stands.
    assert retry.get_json()["priority"] == "urgent"
    assert _trail(connection, ticket.id) == before


def test_the_same_key_with_another_change_is_a_422_problem(crew, ticket, connection):
    key = str(uuid.uuid4())
    path = f"{TICKETS}/{ticket.id}/transitions"
    assert _keyed(crew, "POST", path, 1, key, json={"to": "acknowledged"}).status_code == 200
    before = _trail(connection, ticket.id)

    reused = _keyed(crew, "POST", path, 2, key, json={"to": "rejected", "reason": "Private land"})
    on_another_endpoint = _keyed(
        crew,
        "POST",
        f"{path[: -len('/transitions')]}/updates",
        2,
        key,
        json={"body": "x", "public": False},
    )

    for response in (reused, on_another_endpoint):
        problem = assert_problem(response, 422)
        assert problem["type"].endswith("/idempotency-key-reuse")
    assert _trail(connection, ticket.id) == before


def test_a_duplicate_sent_while_the_first_is_in_flight_is_a_409_problem(
    crew, ticket, engine, connection
):
    key = str(uuid.uuid4())
    body = {"to": "acknowledged"}
    path = f"{TICKETS}/{ticket.id}/transitions"
    before = _trail(connection, ticket.id)
    # Another transaction holds the key, as the first request does until it commits.
    with engine.connect() as other, other.begin():
        held = StaffKey.of(crew.user.id, key, "transition", ticket.id, body)
        assert idempotency.claim(other, held) is None
        response = _keyed(crew, "POST", path, 1, key, json=body)

    problem = assert_problem(response, 409)
    assert problem["type"].endswith("/request-in-flight")
    assert _trail(connection, ticket.id) == before
    # The first attempt ended without a change: the retry applies it.
    assert _keyed(crew, "POST", path, 1, key, json=body).status_code == 200


def test_a_refused_change_does_not_use_up_its_key(crew, ticket, connection):
    key = str(uuid.uuid4())
    path = f"{TICKETS}/{ticket.id}/transitions"

    # Made on a version the phone had wrong: refused, and nothing remembered of it.
    assert_problem(_keyed(crew, "POST", path, 7, key, json={"to": "acknowledged"}), 412)
    assert_problem(_keyed(crew, "POST", path, 1, key, json={"to": "resolved"}), 409)
    applied = _keyed(crew, "POST", path, 1, key, json={"to": "acknowledged"})

    assert applied.status_code == 200, applied.get_json()
    assert REPLAYED not in applied.headers
    assert _trail(connection, ticket.id).status == "acknowledged"


def test_keys_belong_to_their_user(crew, staff_as, ticket, connection):
    colleague = staff_as(Role.CREW_MEMBER)
    key = str(uuid.uuid4())
    path = f"{TICKETS}/{ticket.id}/updates"
    body = {"body": "Seen on my round", "public": False}

    assert _keyed(crew, "POST", path, 1, key, json=body).status_code == 201
    theirs = _keyed(colleague, "POST", path, 2, key, json=body)

    assert theirs.status_code == 201, theirs.get_json()
    assert REPLAYED not in theirs.headers
    assert _trail(connection, ticket.id).version == 3


def test_a_transfer_retried_after_the_ticket_left_my_commune_is_told_applied_not_shown(
    crew, ticket, connection
):
    key = str(uuid.uuid4())
    path = f"{TICKETS}/{ticket.id}/transitions"
    body = {"to": "transferred", "to_body": "commune-92094", "reason": "Not our street"}
    assert _keyed(crew, "POST", path, 1, key, json=body).status_code == 200
    # Without the key, the crew may no longer change a ticket of Namur.
    assert_problem(crew.change("POST", path, 2, json={"to": "acknowledged"}), 403)
    before = _trail(connection, ticket.id)

    retry = _keyed(crew, "POST", path, 1, key, json=body)

    # Refused as a read of the ticket would be now, but marked as the replay of a change
    # applied: the offline outbox knows its transfer went through.
    assert_problem(retry, 403)
    assert retry.headers[REPLAYED] == "true"
    assert _trail(connection, ticket.id) == before


def test_a_malformed_key_is_a_422_problem(crew, ticket, connection):
    before = _trail(connection, ticket.id)
    path = f"{TICKETS}/{ticket.id}/transitions"

    for key in ("two words", "x" * 256):
        response = _keyed(crew, "POST", path, 1, key, json={"to": "acknowledged"})
        problem = assert_problem(response, 422)
        assert problem["errors"][0]["pointer"] == "Idempotency-Key"
    assert _trail(connection, ticket.id) == before
