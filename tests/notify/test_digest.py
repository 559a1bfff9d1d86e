"""The daily digest: one message per body on a digest, listing its new tickets, once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from app.notify.cli import digest_command
from app.notify.digest import send_digests
from app.tickets.services import transition
from tests.helpers.tickets import CREW

DIGEST_SQL = text(
    "SELECT recipient, language, subject, body FROM outbox_messages "
    "WHERE kind = 'body_digest' ORDER BY id"
)


def _set_body(session, code, **values):
    if values.get("contact_email"):
        # A body with an email receives its tickets by email (its delivery_method).
        values.setdefault("delivery_method", "email")
    assignments = ", ".join(f"{key} = :{key}" for key in values)
    session.execute(
        text(f"UPDATE bodies SET {assignments} WHERE code = :code"), {**values, "code": code}
    )


def _now(session) -> dt.datetime:
    return session.execute(text("SELECT now()")).scalar_one()


def _digests(session):
    return session.execute(DIGEST_SQL).all()


def test_a_daily_body_gets_its_new_tickets_in_one_message_once(session, report_factory):
    _set_body(
        session, "commune-21004", contact_email="travaux@bruxelles.example", notify_mode="daily"
    )
    now = _now(session)
    earlier = [
        report_factory(in_brussels=True, created_at=now - dt.timedelta(hours=h)) for h in (3, 2)
    ]
    later = report_factory(in_brussels=True, created_at=now - dt.timedelta(minutes=30))
    report_factory(in_namur=True, created_at=now - dt.timedelta(hours=2))

    send_digests(session, until=now - dt.timedelta(hours=1))
    (digest,) = _digests(session)
    assert (digest.recipient, digest.language) == ("travaux@bruxelles.example", "fr")
    assert digest.subject == "Nouveaux signalements du jour : 2"
    for report in earlier:
        assert str(report.id) in digest.body
    assert str(later.id) not in digest.body

    # Run again for the same span: nothing new, nothing sent.
    send_digests(session, until=now - dt.timedelta(hours=1))
    assert len(_digests(session)) == 1

    send_digests(session, until=now)
    second = _digests(session)[1]
    assert str(later.id) in second.body
    assert all(str(report.id) not in second.body for report in earlier)


def test_a_ticket_transferred_to_a_daily_body_is_in_its_digest(session, report_factory):
    _set_body(session, "region-brussels", contact_email="region@example.org", notify_mode="daily")
    now = _now(session)
    report = report_factory(in_brussels=True, created_at=now - dt.timedelta(days=3))
    transition(
        session,
        report.id,
        "transferred",
        actor=CREW,
        to_body_code="region-brussels",
        reason="Regional road",
    )
    send_digests(session, until=now)
    (digest,) = _digests(session)
    assert digest.recipient == "region@example.org"
    assert str(report.id) in digest.body


def test_bodies_on_immediate_or_without_email_get_no_digest(session, report_factory):
    _set_body(session, "commune-21004", contact_email=None, notify_mode="daily")
    _set_body(session, "commune-21009", contact_email="ixelles@example.org")
    now = _now(session)
    report_factory(in_brussels=True, created_at=now - dt.timedelta(hours=2))
    report_factory(in_ixelles=True, created_at=now - dt.timedelta(hours=2))
    send_digests(session, until=now)
    assert _digests(session) == []


def test_the_digest_command_queues_and_is_idempotent(app, session, report_factory):
    _set_body(session, "commune-44021", contact_email="wegen@gent.example", notify_mode="daily")
    now = _now(session)
    report_factory(lon=3.7263, lat=51.0530, created_at=now - dt.timedelta(hours=2))
    session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(digest_command)
    assert first.exit_code == 0, first.output
    assert "commune-44021: 1 ticket(s)" in first.output
    second = runner.invoke(digest_command)
    assert second.exit_code == 0, second.output
    assert "0 digest(s) queued" in second.output
    (digest,) = _digests(session)
    assert (digest.recipient, digest.language) == ("wegen@gent.example", "nl")
    assert digest.subject == "Nieuwe meldingen van de dag: 1"
