"""A new report writes its emails with it: the resident's confirmation and the body's notice."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import text

from app.tickets.services import Actor, transition
from tests.helpers.follow import RESIDENT_EMAIL, links_in, report_body

CREW = Actor(name="crew:anne", user_id=7)


def _messages(session, report_id):
    return session.execute(
        text(
            "SELECT kind, recipient, language, subject, body FROM outbox_messages "
            "WHERE report_id = :id ORDER BY id"
        ),
        {"id": report_id},
    ).all()


def _set_brussels(session, **values):
    if values.get("contact_email"):
        values.setdefault("delivery_method", "email")
    assignments = ", ".join(f"{key} = :{key}" for key in values)
    session.execute(text(f"UPDATE bodies SET {assignments} WHERE code = 'commune-21004'"), values)
    session.commit()


@pytest.mark.parametrize(
    ("accept_language", "language", "subject"),
    [
        ("nl-BE,nl;q=0.9,en;q=0.5", "nl", "Wij hebben uw melding {ref} goed ontvangen"),
        ("de", "de", "Wir haben Ihre Meldung {ref} erhalten"),
        ("en-GB", "en", "We have received your report {ref}"),
        ("it", "fr", "Nous avons bien reçu votre signalement {ref}"),
        (None, "fr", "Nous avons bien reçu votre signalement {ref}"),
    ],
)
def test_the_resident_is_confirmed_in_the_language_of_their_browser(
    post_report, session, accept_language, language, subject
):
    report_id = post_report(accept_language)
    (message,) = _messages(session, report_id)
    assert (message.kind, message.recipient, message.language) == (
        "resident_received",
        RESIDENT_EMAIL,
        language,
    )
    assert message.subject == subject.format(ref=str(report_id)[:8])
    stored = session.execute(
        text("SELECT reporter_language FROM reports WHERE id = :id"), {"id": report_id}
    ).scalar_one()
    assert stored == language


def test_the_confirmation_carries_a_follow_link_and_an_unsubscribe_link(post_report, session):
    report_id = post_report("fr")
    (message,) = _messages(session, report_id)
    (token,) = links_in(session, report_id, "resident_received")
    assert f"http://localhost/follow/{token}\n" in message.body
    assert f"http://localhost/follow/{token}/unsubscribe\n" in message.body
    # Only the token's hash is stored (beside the phone's link, from the creation answer).
    stored = session.execute(
        text("SELECT token_hash FROM resident_follow_tokens WHERE report_id = :id"),
        {"id": report_id},
    ).scalars()
    assert hashlib.sha256(token.encode()).hexdigest() in list(stored)
    assert token not in str(list(stored))


def test_public_base_url_sets_the_address_of_the_links(app, client, session):
    app.config["PUBLIC_BASE_URL"] = "https://pave.example.be/"
    response = client.post("/api/v1/reports", json=report_body())
    report_id = response.get_json()["id"]
    (message,) = _messages(session, report_id)
    assert "https://pave.example.be/follow/" in message.body


def test_a_report_without_email_to_a_body_without_email_writes_no_message(post_report, session):
    report_id = post_report(email=None)
    assert _messages(session, report_id) == []
    assert links_in(session, report_id, "resident_received") == []


def test_a_body_on_immediate_emails_is_told_of_the_new_report(post_report, session):
    _set_brussels(session, contact_email="travaux@bruxelles.example", notify_mode="immediate")
    report_id = post_report(email=None)
    (message,) = _messages(session, report_id)
    assert (message.kind, message.recipient) == ("body_new_report", "travaux@bruxelles.example")
    assert str(report_id) in message.body


def test_a_body_on_a_daily_digest_gets_no_single_email(post_report, session):
    _set_brussels(session, contact_email="travaux@bruxelles.example", notify_mode="daily")
    report_id = post_report()
    assert [m.kind for m in _messages(session, report_id)] == ["resident_received"]


def test_a_replayed_report_sends_no_second_confirmation(client, session):
    headers = {"Idempotency-Key": "8f14e45f-ceea-467f-a0c4-5f2d1c3a9b10"}
    first = client.post("/api/v1/reports", json=report_body(), headers=headers)
    again = client.post("/api/v1/reports", json=report_body(), headers=headers)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert [m.kind for m in _messages(session, first.get_json()["id"])] == ["resident_received"]


def test_each_later_email_carries_a_link_that_works(client, post_report, session):
    report_id = post_report("nl")
    transition(session, report_id, "acknowledged", actor=CREW)
    session.commit()
    (token,) = links_in(session, report_id, "resident_acknowledged")
    assert token not in links_in(session, report_id, "resident_received")
    assert client.get(f"/api/v1/follow/{token}").status_code == 200


def test_unsubscribe_withdraws_waiting_emails_and_stops_later_ones(client, followed, session):
    report_id, token = followed
    transition(session, report_id, "acknowledged", actor=CREW)
    session.commit()
    assert [m.kind for m in _messages(session, report_id)] == [
        "resident_received",
        "resident_acknowledged",
    ]
    assert client.post(f"/api/v1/follow/{token}/unsubscribe").status_code == 204
    assert client.post(f"/api/v1/follow/{token}/unsubscribe").status_code == 204
    assert _messages(session, report_id) == []
    transition(session, report_id, "rejected", actor=CREW, reason="Private road")
    session.commit()
    assert _messages(session, report_id) == []
    page = client.get(f"/api/v1/follow/{token}").get_json()
    assert page["subscribed"] is False
    (audit,) = session.execute(
        text(
            "SELECT actor, after FROM audit_log "
            "WHERE report_id = :id AND action = 'reporter_unsubscribed'"
        ),
        {"id": report_id},
    ).all()
    assert audit.actor == "reporter"
    assert audit.after == {"withdrawn_messages": 2}
