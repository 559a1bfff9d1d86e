"""The staff changes' rules without HTTP: once only under an Idempotency-Key, who may be
assigned a ticket (app/tickets/changes.py)."""

from __future__ import annotations

import pytest

from app.accounts.models import User
from app.errors import IdempotencyKeyReuseError
from app.tickets import changes
from app.tickets.errors import InvalidAssigneeError
from app.tickets.idempotency import StaffKey
from app.tickets.store import lock_ticket


@pytest.fixture
def user(session):
    user = User(email="crew@example.org", name="Crew", active=True)
    session.add(user)
    session.flush()
    return user


def _version(session, ticket) -> int:
    return lock_ticket(session.connection(), ticket, None).version


def test_a_change_under_a_key_is_made_once_and_then_answered_with_its_status(session, user, ticket):
    key = StaffKey.of(user.id, "outbox-1", "patch", ticket, {"priority": "high"})
    made = []

    def change(session):
        actor = changes.actor_of(user)
        changes.patch_ticket(session, ticket, {"priority": "high"}, actor=actor, expected_version=1)
        made.append(ticket)

    assert changes.apply_once(session, key, ticket, change, 201) is None
    assert changes.apply_once(session, key, ticket, change, 201) == 201
    assert len(made) == 1
    assert _version(session, ticket) == 2

    other = StaffKey.of(user.id, "outbox-1", "patch", ticket, {"priority": "low"})
    with pytest.raises(IdempotencyKeyReuseError):
        changes.apply_once(session, other, ticket, change)


def test_only_a_member_of_the_tickets_body_may_be_assigned(session, user, ticket):
    # An active user without a grant on the ticket's body.
    with pytest.raises(InvalidAssigneeError) as refused:
        changes.check_assignee(session, ticket, user.id)

    assert InvalidAssigneeError.code == "invalid-assignee"
    assert refused.value.extra == {"assignee_user_id": user.id}
