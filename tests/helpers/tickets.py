"""A ticket to act on, and reading it back as the database holds it: state, audit, outbox."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.tickets.services import Actor

CREW = Actor(name="crew:anne", user_id=7)


def state(session, report_id):
    return session.execute(
        text(
            "SELECT r.status, r.version, b.code AS body_code, r.planned_for, r.duplicate_of, "
            "r.priority, r.assignee_user_id "
            "FROM reports r JOIN bodies b ON b.id = r.body_id WHERE r.id = :id"
        ),
        {"id": report_id},
    ).one()


def audit(session, report_id):
    return session.execute(
        text(
            "SELECT actor, action, before, after FROM audit_log WHERE report_id = :id ORDER BY id"
        ),
        {"id": report_id},
    ).all()


def messages(session, report_id):
    return session.execute(
        text(
            "SELECT kind, recipient, language, subject, body FROM outbox_messages "
            "WHERE report_id = :id ORDER BY id"
        ),
        {"id": report_id},
    ).all()


@pytest.fixture
def ticket(report_factory, session):
    """A new report in Brussels by a Dutch-speaking reporter who left an email address."""
    report = report_factory(with_reporter=True, in_brussels=True)
    session.execute(
        text("UPDATE reports SET reporter_language = 'nl' WHERE id = :id"), {"id": report.id}
    )
    return report.id
