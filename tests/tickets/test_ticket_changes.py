"""Assignment, priority, public updates and internal notes: each bumps the version and is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.tickets.edits import add_update, assign, set_description_public, set_priority
from app.tickets.errors import InvalidPriorityError, StaleVersionError
from tests.helpers.tickets import CREW, audit, state


def test_assigning_to_a_crew_member(session, ticket):
    saved = assign(session, ticket, 42, actor=CREW, expected_version=1)
    assert saved.version == 2
    assert state(session, ticket).assignee_user_id == 42
    (entry,) = audit(session, ticket)
    assert entry.action == "assign"
    assert entry.before == {"assignee_user_id": None, "version": 1}
    assert entry.after == {"assignee_user_id": 42, "version": 2}


def test_priority_takes_one_of_four_values(session, ticket):
    set_priority(session, ticket, "urgent", actor=CREW)
    assert state(session, ticket).priority == "urgent"
    with pytest.raises(InvalidPriorityError):
        set_priority(session, ticket, "asap", actor=CREW)
    assert state(session, ticket).priority == "urgent"


def test_public_updates_and_internal_notes_are_kept_apart(session, ticket):
    add_update(session, ticket, "Work starts Monday", actor=CREW, public=True)
    add_update(session, ticket, "Needs the big roller", actor=CREW, public=False)
    rows = session.execute(
        text("SELECT body, public, author FROM report_updates WHERE report_id = :id ORDER BY id"),
        {"id": ticket},
    ).all()
    assert [tuple(r) for r in rows] == [
        ("Work starts Monday", True, "crew:anne"),
        ("Needs the big roller", False, "crew:anne"),
    ]
    assert [e.action for e in audit(session, ticket)] == ["public_update", "internal_note"]
    assert state(session, ticket).version == 3


def test_a_stale_edit_of_any_kind_is_refused(session, ticket):
    set_priority(session, ticket, "high", actor=CREW, expected_version=1)
    with pytest.raises(StaleVersionError):
        assign(session, ticket, 42, actor=CREW, expected_version=1)
    with pytest.raises(StaleVersionError):
        add_update(session, ticket, "late", actor=CREW, public=True, expected_version=1)
    now = state(session, ticket)
    assert (now.version, now.assignee_user_id) == (2, None)
    count = session.execute(
        text("SELECT count(*) FROM report_updates WHERE report_id = :id"), {"id": ticket}
    ).scalar_one()
    assert count == 0


def test_only_what_the_public_reads_moves_the_public_update_time(session, ticket):
    # Seen from outside, a moving updated_at told when crews worked a ticket and wrote notes
    # they never published.
    session.execute(
        text("UPDATE reports SET updated_at = now() - interval '1 day' WHERE id = :id"),
        {"id": ticket},
    )

    def moved() -> bool:
        updated = session.execute(
            text("SELECT updated_at > now() - interval '1 hour' FROM reports WHERE id = :id"),
            {"id": ticket},
        ).scalar_one()
        session.execute(
            text("UPDATE reports SET updated_at = now() - interval '1 day' WHERE id = :id"),
            {"id": ticket},
        )
        return updated

    add_update(session, ticket, "Needs the big roller", actor=CREW, public=False)
    assert not moved(), "an internal note"
    set_priority(session, ticket, "high", actor=CREW)
    assert not moved(), "a priority"
    assign(session, ticket, 42, actor=CREW)
    assert not moved(), "an assignee"
    set_description_public(session, ticket, True, actor=CREW)
    assert moved(), "the description published"
    add_update(session, ticket, "Work starts Monday", actor=CREW, public=True)
    assert moved(), "a public update"
    assert state(session, ticket).version == 6
