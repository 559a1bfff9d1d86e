"""Moving a ticket through its lifecycle: what is allowed, what each move needs, what it records."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from app.errors import NotFoundError
from app.tickets.errors import (
    InvalidDuplicateError,
    InvalidTransferError,
    InvalidTransitionError,
    MissingPlannedDateError,
    MissingReasonError,
    ReopenWindowClosedError,
    StaleVersionError,
)
from app.tickets.services import Actor, transition
from tests.helpers.tickets import CREW, audit, messages, state

PLAN_DAY = dt.date(2026, 12, 14)


def test_a_crew_takes_a_ticket_from_new_to_resolved(session, ticket):
    transition(session, ticket, "acknowledged", actor=CREW)
    transition(session, ticket, "planned", actor=CREW, planned_for=PLAN_DAY)
    transition(session, ticket, "in_progress", actor=CREW)
    saved = transition(session, ticket, "resolved", actor=CREW, note="Hole filled")
    now = state(session, ticket)
    assert (now.status, now.version, now.planned_for) == ("resolved", 5, PLAN_DAY)
    assert saved.version == 5
    history = session.execute(
        text(
            "SELECT from_status, to_status, actor, note FROM report_status_changes "
            "WHERE report_id = :id ORDER BY id"
        ),
        {"id": ticket},
    ).all()
    assert [tuple(row) for row in history] == [
        (None, "new", "reporter", None),
        ("new", "acknowledged", "crew:anne", None),
        ("acknowledged", "planned", "crew:anne", None),
        ("planned", "in_progress", "crew:anne", None),
        ("in_progress", "resolved", "crew:anne", "Hole filled"),
    ]


def test_an_invalid_transition_names_the_allowed_ones_and_changes_nothing(session, ticket):
    with pytest.raises(InvalidTransitionError) as caught:
        transition(session, ticket, "resolved", actor=CREW)
    assert caught.value.current == "new"
    assert caught.value.allowed == ["acknowledged", "rejected", "duplicate", "transferred"]
    assert caught.value.extra["allowed"] == caught.value.allowed
    assert state(session, ticket).status == "new"
    assert state(session, ticket).version == 1
    assert audit(session, ticket) == []


def test_an_unknown_report_is_not_found(session):
    with pytest.raises(NotFoundError):
        transition(session, uuid.uuid4(), "acknowledged", actor=CREW)


def test_rejecting_needs_a_reason_which_the_resident_reads(session, ticket):
    # Nothing a resident could read: zero-width spaces, a BOM, a word joiner say nothing.
    for blank in (None, "", "   ", "\u200b", "\ufeff \u2060", "\u3000\u200d"):
        with pytest.raises(MissingReasonError):
            transition(session, ticket, "rejected", actor=CREW, reason=blank)
    assert state(session, ticket).status == "new"
    transition(session, ticket, "rejected", actor=CREW, reason="Private land")
    assert state(session, ticket).status == "rejected"
    (message,) = messages(session, ticket)
    assert message.kind == "resident_rejected"
    assert "Reden: Private land" in message.body


def test_planning_needs_a_date(session, ticket):
    transition(session, ticket, "acknowledged", actor=CREW)
    with pytest.raises(MissingPlannedDateError):
        transition(session, ticket, "planned", actor=CREW)
    transition(session, ticket, "planned", actor=CREW, planned_for=PLAN_DAY)
    assert state(session, ticket).planned_for == PLAN_DAY


def test_a_duplicate_points_to_another_existing_report(session, ticket, report_factory):
    original = report_factory(in_brussels=True).id
    with pytest.raises(InvalidDuplicateError):
        transition(session, ticket, "duplicate", actor=CREW)
    with pytest.raises(InvalidDuplicateError):
        transition(session, ticket, "duplicate", actor=CREW, duplicate_of=ticket)
    with pytest.raises(InvalidDuplicateError):
        transition(session, ticket, "duplicate", actor=CREW, duplicate_of=uuid.uuid4())
    transition(session, ticket, "duplicate", actor=CREW, duplicate_of=original)
    now = state(session, ticket)
    assert (now.status, now.duplicate_of) == ("duplicate", original)


def test_a_duplicate_of_a_duplicate_is_refused(session, ticket, report_factory):
    original = report_factory(in_brussels=True).id
    copy = report_factory(in_brussels=True).id
    transition(session, copy, "duplicate", actor=CREW, duplicate_of=original)
    with pytest.raises(InvalidDuplicateError, match="itself a duplicate"):
        transition(session, ticket, "duplicate", actor=CREW, duplicate_of=copy)


def test_reopening_a_duplicate_forgets_its_original(session, ticket, report_factory):
    original = report_factory(in_brussels=True).id
    transition(session, ticket, "duplicate", actor=CREW, duplicate_of=original)
    transition(session, ticket, "reopened", actor=CREW, note="Not the same hole")
    now = state(session, ticket)
    assert (now.status, now.duplicate_of) == ("reopened", None)


def test_a_transfer_moves_the_ticket_to_the_other_body_and_history_keeps_the_first(session, ticket):
    before = state(session, ticket).body_code
    with pytest.raises(MissingReasonError):
        transition(session, ticket, "transferred", actor=CREW, to_body_code="region-brussels")
    with pytest.raises(InvalidTransferError):
        transition(session, ticket, "transferred", actor=CREW, to_body_code="nowhere", reason="x")
    with pytest.raises(InvalidTransferError):
        transition(session, ticket, "transferred", actor=CREW, to_body_code=before, reason="x")
    transition(
        session,
        ticket,
        "transferred",
        actor=CREW,
        to_body_code="region-brussels",
        reason="Regional road",
    )
    assert state(session, ticket).body_code == "region-brussels"
    (entry,) = audit(session, ticket)
    assert entry.before["body_code"] == before
    assert entry.after["body_code"] == "region-brussels"
    assert entry.after["reason"] == "Regional road"
    # The new body works on it from there.
    transition(session, ticket, "acknowledged", actor=Actor(name="region:luc"))
    assert state(session, ticket).status == "acknowledged"


def _resolve(session, ticket, days_ago: int) -> None:
    transition(session, ticket, "acknowledged", actor=CREW)
    transition(session, ticket, "resolved", actor=CREW)
    session.execute(
        text(
            "UPDATE report_status_changes SET at = now() - make_interval(days => :days) "
            "WHERE report_id = :id AND to_status = 'resolved'"
        ),
        {"id": ticket, "days": days_ago},
    )


def test_the_reporter_reopens_within_thirty_days(session, ticket):
    _resolve(session, ticket, days_ago=29)
    transition(session, ticket, "reopened", actor=Actor.reporter(), note="Still a hole")
    assert state(session, ticket).status == "reopened"


def test_the_reporter_cannot_reopen_after_thirty_days(session, ticket):
    _resolve(session, ticket, days_ago=31)
    with pytest.raises(ReopenWindowClosedError):
        transition(session, ticket, "reopened", actor=Actor.reporter())
    assert state(session, ticket).status == "resolved"
    # Staff still can.
    transition(session, ticket, "reopened", actor=CREW, note="Asked by phone")
    assert state(session, ticket).status == "reopened"


def test_the_reporter_cannot_do_what_staff_does(session, ticket):
    with pytest.raises(InvalidTransitionError) as caught:
        transition(session, ticket, "acknowledged", actor=Actor.reporter())
    assert caught.value.allowed == []


def test_a_stale_version_is_refused_and_nothing_changes(session, ticket):
    transition(session, ticket, "acknowledged", actor=CREW, expected_version=1)
    with pytest.raises(StaleVersionError) as caught:
        transition(session, ticket, "rejected", actor=CREW, reason="x", expected_version=1)
    assert caught.value.current_version == 2
    now = state(session, ticket)
    assert (now.status, now.version) == ("acknowledged", 2)
    assert len(audit(session, ticket)) == 1
    assert [m.kind for m in messages(session, ticket)] == ["resident_acknowledged"]


def test_each_change_is_audited_with_before_and_after(session, ticket):
    transition(session, ticket, "acknowledged", actor=CREW, note="Seen on site")
    transition(session, ticket, "planned", actor=CREW, planned_for=PLAN_DAY)
    first, second = audit(session, ticket)
    assert (first.actor, first.action) == ("crew:anne", "transition")
    assert first.before == {"status": "new", "version": 1}
    assert first.after == {"status": "acknowledged", "version": 2, "note": "Seen on site"}
    assert second.before == {"status": "acknowledged", "version": 2, "planned_for": None}
    assert second.after == {"status": "planned", "version": 3, "planned_for": "2026-12-14"}


def test_the_audit_log_cannot_be_rewritten(session, ticket):
    transition(session, ticket, "acknowledged", actor=CREW)
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(ProgrammingError, match="append-only"), session.begin_nested():
            session.execute(text(statement + " WHERE report_id = :id"), {"id": ticket})
    assert [row.actor for row in audit(session, ticket)] == ["crew:anne"]
