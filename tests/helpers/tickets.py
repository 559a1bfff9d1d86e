"""Reading a ticket back as the database holds it: state, audit trail and outbox."""

from __future__ import annotations

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
