"""Messages are written with the change they tell about, to the right person, in their language."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from app.notify.messages import TEMPLATES, render
from app.tickets.errors import MissingReasonError
from app.tickets.services import notify_new_report, transition
from tests.helpers.tickets import CREW, messages


def test_the_resident_hears_of_each_step_in_their_language(session, ticket):
    transition(session, ticket, "acknowledged", actor=CREW)
    transition(session, ticket, "planned", actor=CREW, planned_for=dt.date(2026, 12, 14))
    transition(session, ticket, "in_progress", actor=CREW)
    transition(session, ticket, "resolved", actor=CREW)
    sent = messages(session, ticket)
    assert [m.kind for m in sent] == [
        "resident_acknowledged",
        "resident_planned",
        "resident_resolved",
    ]
    assert {m.language for m in sent} == {"nl"}
    email = session.execute(
        text("SELECT reporter_email FROM reports WHERE id = :id"), {"id": ticket}
    ).scalar_one()
    assert {m.recipient for m in sent} == {email}
    assert sent[0].subject.startswith("Uw melding")
    assert "gepland op 14 december 2026" in sent[1].body
    assert "Bruxelles" in sent[0].body or "Brussel" in sent[0].body


def test_a_report_without_email_sends_nothing_to_a_resident(session, report_factory):
    report = report_factory(in_brussels=True)
    transition(session, report.id, "acknowledged", actor=CREW)
    assert messages(session, report.id) == []


def test_a_rolled_back_change_leaves_no_message(session_factory, ticket):
    with pytest.raises(RuntimeError), session_factory() as work, work.begin():
        transition(work, ticket, "acknowledged", actor=CREW)
        assert len(messages(work, ticket)) == 1
        raise RuntimeError("something later in the same request failed")
    with session_factory() as fresh:
        assert messages(fresh, ticket) == []
        assert (
            fresh.execute(
                text("SELECT status FROM reports WHERE id = :id"), {"id": ticket}
            ).scalar_one()
            == "new"
        )


def test_a_failed_transition_leaves_no_message(session, ticket):
    transition(session, ticket, "acknowledged", actor=CREW)
    with pytest.raises(MissingReasonError, match="reason"):
        transition(session, ticket, "rejected", actor=CREW)
    assert [m.kind for m in messages(session, ticket)] == ["resident_acknowledged"]


def _set_body(session, code, **values):
    if values.get("contact_email"):
        # A body with an email receives its tickets by email (its delivery_method).
        values.setdefault("delivery_method", "email")
    assignments = ", ".join(f"{key} = :{key}" for key in values)
    session.execute(
        text(f"UPDATE bodies SET {assignments} WHERE code = :code"), {**values, "code": code}
    )


def _body_of(session, report_id):
    return session.execute(
        text("SELECT b.code FROM reports r JOIN bodies b ON b.id = r.body_id WHERE r.id = :id"),
        {"id": report_id},
    ).scalar_one()


def test_a_body_set_to_immediate_is_told_of_each_new_ticket(session, ticket):
    code = _body_of(session, ticket)
    _set_body(session, code, contact_email="travaux@example.org", notify_mode="immediate")
    notify_new_report(session, ticket)
    (message,) = [m for m in messages(session, ticket) if m.kind == "body_new_report"]
    assert (message.kind, message.recipient, message.language) == (
        "body_new_report",
        "travaux@example.org",
        "fr",
    )
    assert str(ticket) in message.body


def test_a_body_on_a_daily_digest_or_without_email_gets_no_single_message(session, ticket):
    code = _body_of(session, ticket)
    _set_body(session, code, contact_email="travaux@example.org", notify_mode="daily")
    notify_new_report(session, ticket)
    _set_body(session, code, contact_email=None, notify_mode="immediate")
    notify_new_report(session, ticket)
    assert [m.kind for m in messages(session, ticket)] == ["resident_received"] * 2


def test_a_transfer_tells_the_new_body_and_the_reporter_at_once(session, ticket):
    _set_body(session, "region-brussels", contact_email="region@example.org")
    transition(
        session,
        ticket,
        "transferred",
        actor=CREW,
        to_body_code="region-brussels",
        reason="Gewestweg",
    )
    reporter = session.execute(
        text("SELECT reporter_email FROM reports WHERE id = :id"), {"id": ticket}
    ).scalar_one()
    sent = messages(session, ticket)
    assert [(m.kind, m.recipient) for m in sent] == [
        ("resident_transferred", reporter),
        ("body_new_report", "region@example.org"),
    ]
    # In the reporter's Dutch, naming the body now responsible and the reason, as the
    # crews' form says it is told.
    email = sent[0]
    assert email.language == "nl"
    assert email.subject.startswith("Uw melding") and "doorgestuurd naar" in email.subject
    new_body = session.execute(
        text("SELECT name_nl FROM bodies WHERE code = 'region-brussels'")
    ).scalar_one()
    assert f"de bevoegde instantie: {new_body}.\nReden: Gewestweg\n" in email.body


def test_every_message_exists_in_the_four_languages():
    for kind, texts in TEMPLATES.items():
        assert set(texts) == {"fr", "nl", "de", "en"}, kind


def test_an_unknown_language_falls_back_to_french():
    email = render(
        "resident_resolved", "it", ref="ab12", category="Nid", commune="Namur", body="Ville"
    )
    assert email.language == "fr"
    assert email.subject == "Votre signalement ab12 est résolu"
