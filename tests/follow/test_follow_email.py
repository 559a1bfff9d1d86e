"""A resident hears back by real email, sent by the worker to a real SMTP server, and follows
the link it carries.

The worker commits, so this module has a database of its own, migrated and seeded with one
commune whose body reads every new ticket at once; reports and messages are removed after
each test.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db import Database
from app.notify.worker import drain
from app.tickets.services import Actor, transition
from app.web import create_app
from tests.helpers.databases import migrated_database
from tests.helpers.follow import BODY_EMAIL, ONE_COMMUNE_SQL, RESIDENT_EMAIL, report_body

LINK = re.compile(r"https://pave\.example\.be(/follow/[A-Za-z0-9_-]+)\r?\n")
CONFIRM = re.compile(r"https://pave\.example\.be/follow/confirm/([A-Za-z0-9_-]+)\r?\n")
NEIGHBOUR = "jan@example.org"
CREW = Actor(name="crew:anne", user_id=7)


@pytest.fixture(scope="module")
def engine():
    with migrated_database("pave_follow", seed_sql=ONE_COMMUNE_SQL) as engine:
        yield engine


@pytest.fixture(autouse=True)
def clean(engine):
    yield
    with engine.begin() as db:
        db.execute(text("DELETE FROM outbox_messages"))
        db.execute(text("DELETE FROM reports"))
        db.execute(text("DELETE FROM login_throttle"))


@pytest.fixture
def client(engine):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": Database(engine),
            "PUBLIC_BASE_URL": "https://pave.example.be",
        }
    )
    return app.test_client()


def _post(client, language: str) -> uuid.UUID:
    response = client.post(
        "/api/v1/reports", json=report_body(), headers={"Accept-Language": language}
    )
    assert response.status_code == 201, response.get_json()
    return uuid.UUID(response.get_json()["id"])


def _to(smtp, recipient):
    return [m for m in smtp.messages if m["To"] == recipient]


def test_the_resident_gets_the_confirmation_and_follows_the_link(client, engine, smtp, sender):
    report_id = _post(client, "de-BE,de;q=0.9,fr;q=0.5")
    assert drain(engine, sender).sent == 2

    (confirmation,) = _to(smtp, RESIDENT_EMAIL)
    assert confirmation["Subject"] == f"Wir haben Ihre Meldung {str(report_id)[:8]} erhalten"
    assert confirmation["Content-Language"] == "de"
    text_ = confirmation.get_content()
    assert "Keine E-Mails mehr zu dieser Meldung" in text_
    follow = LINK.findall(text_)[0]

    page = client.get(f"/api/v1{follow}")
    assert page.status_code == 200
    assert page.get_json()["report"]["id"] == str(report_id)
    comment = client.post(f"/api/v1{follow}/comments", json={"body": "Danke!"})
    assert comment.status_code == 201
    updates = client.get(f"/api/v1{follow}").get_json()["updates"]
    assert [u["body"] for u in updates] == ["Danke!"]

    # The body reads each new ticket at once.
    (notice,) = _to(smtp, BODY_EMAIL)
    assert notice["Subject"].startswith("Nouveau signalement")
    assert str(report_id) in notice.get_content()


def test_after_unsubscribing_the_resident_gets_no_more_email(client, engine, smtp, sender):
    report_id = _post(client, "nl")
    drain(engine, sender)
    (confirmation,) = _to(smtp, RESIDENT_EMAIL)
    follow = LINK.findall(confirmation.get_content())[0]

    # As a staff request or the command line would: inside the app, which knows its address.
    with client.application.app_context(), Session(engine) as session, session.begin():
        transition(session, report_id, "acknowledged", actor=CREW)
    assert drain(engine, sender).sent == 1
    (acknowledged,) = _to(smtp, RESIDENT_EMAIL)[1:]
    assert acknowledged["Subject"].startswith("Uw melding")
    assert client.get("/api/v1" + LINK.findall(acknowledged.get_content())[0]).status_code == 200

    assert client.post(f"/api/v1{follow}/unsubscribe").status_code == 204
    # As a staff request or the command line would: inside the app, which knows its address.
    with client.application.app_context(), Session(engine) as session, session.begin():
        transition(session, report_id, "planned", actor=CREW, planned_for=dt.date(2026, 12, 14))
        transition(session, report_id, "resolved", actor=CREW)
    assert drain(engine, sender).sent == 0
    assert len(_to(smtp, RESIDENT_EMAIL)) == 2


def test_a_neighbour_hears_nothing_but_the_question_until_they_confirm(
    client, engine, smtp, sender
):
    report_id = _post(client, "fr")
    body = {"email": NEIGHBOUR, "language": "nl"}
    assert client.post(f"/api/v1/reports/{report_id}/followers", json=body).status_code == 202
    with client.application.app_context(), Session(engine) as session, session.begin():
        transition(session, report_id, "acknowledged", actor=CREW)
    drain(engine, sender)

    (question,) = _to(smtp, NEIGHBOUR)
    assert question["Subject"] == f"Bevestig het volgen van melding {str(report_id)[:8]}"
    assert question["Content-Language"] == "nl"
    text_ = question.get_content()
    assert LINK.findall(text_) == []
    assert "A deep hole" not in text_
    (confirmation,) = CONFIRM.findall(text_)

    confirmed = client.post(f"/api/v1/follow-confirmations/{confirmation}")
    assert confirmed.status_code == 201
    with client.application.app_context(), Session(engine) as session, session.begin():
        transition(session, report_id, "planned", actor=CREW, planned_for=dt.date(2026, 12, 14))
    drain(engine, sender)

    question, following, planned = _to(smtp, NEIGHBOUR)
    assert following["Subject"].startswith("U volgt melding")
    assert planned["Subject"].startswith(f"De melding {str(report_id)[:8]} die u volgt")
    link = LINK.findall(following.get_content())[0]
    assert link == f"/follow/{confirmed.get_json()['token']}"
    page = client.get(f"/api/v1{link}").get_json()
    assert page["is_reporter"] is False
    assert client.post(f"/api/v1{link}/fixed").status_code == 403


def test_followers_read_of_the_report_they_follow_and_the_reporter_of_their_own(
    client, engine, smtp, sender
):
    """A neighbour (nl) and the reporter of a merged duplicate (de) are not told of "your
    report" nor thanked for it; the reporter (fr) still is."""
    report_id = _post(client, "fr")
    ref = str(report_id)[:8]
    body = {"email": NEIGHBOUR, "language": "nl"}
    assert client.post(f"/api/v1/reports/{report_id}/followers", json=body).status_code == 202
    drain(engine, sender)
    (question,) = _to(smtp, NEIGHBOUR)
    (confirmation,) = CONFIRM.findall(question.get_content())
    assert client.post(f"/api/v1/follow-confirmations/{confirmation}").status_code == 201
    duplicate = client.post(
        "/api/v1/reports",
        json=report_body("klaus@example.org"),
        headers={"Accept-Language": "de"},
    )
    assert duplicate.status_code == 201
    with client.application.app_context(), Session(engine) as session, session.begin():
        transition(
            session, duplicate.get_json()["id"], "duplicate", actor=CREW, duplicate_of=report_id
        )
        transition(session, report_id, "acknowledged", actor=CREW)
        transition(session, report_id, "planned", actor=CREW, planned_for=dt.date(2026, 12, 14))
        transition(session, report_id, "resolved", actor=CREW)
    drain(engine, sender)

    steps = ("acknowledged", "planned", "resolved")
    reporter = {m["Subject"] for m in _to(smtp, RESIDENT_EMAIL)}
    assert {
        f"Votre signalement {ref} a été pris en charge",
        f"Votre signalement {ref} est planifié",
        f"Votre signalement {ref} est résolu",
    } <= reporter
    assert "Merci pour votre signalement." in _to(smtp, RESIDENT_EMAIL)[-1].get_content()
    neighbour = [m for m in _to(smtp, NEIGHBOUR) if m["Subject"].startswith("De melding")]
    assert [m["Subject"] for m in neighbour] == [
        f"De melding {ref} die u volgt is in behandeling genomen",
        f"De melding {ref} die u volgt is ingepland",
        f"De melding {ref} die u volgt is opgelost",
    ]
    merged = _to(smtp, "klaus@example.org")[-len(steps) :]
    assert [m["Subject"] for m in merged] == [
        f"Die Meldung {ref}, der Sie folgen, wird bearbeitet",
        f"Die Meldung {ref}, der Sie folgen, ist eingeplant",
        f"Die Meldung {ref}, der Sie folgen, ist erledigt",
    ]
    for message in neighbour + merged:
        text_ = message.get_content().lower()
        assert not any(w in text_ for w in ("uw melding", "bedankt", "ihre meldung", "danke"))


def test_a_follower_reads_that_the_reporter_was_told_the_reason(client, engine, smtp, sender):
    report_id = _post(client, "fr")
    body = {"email": NEIGHBOUR, "language": "nl"}
    client.post(f"/api/v1/reports/{report_id}/followers", json=body)
    drain(engine, sender)
    (confirmation,) = CONFIRM.findall(_to(smtp, NEIGHBOUR)[0].get_content())
    assert client.post(f"/api/v1/follow-confirmations/{confirmation}").status_code == 201
    with client.application.app_context(), Session(engine) as session, session.begin():
        transition(session, report_id, "rejected", actor=CREW, reason="Privéweg van Dupont")
    drain(engine, sender)

    rejected = _to(smtp, NEIGHBOUR)[-1]
    assert rejected["Subject"] == f"De melding {str(report_id)[:8]} die u volgt werd afgewezen"
    text_ = rejected.get_content()
    assert "Het bestuur heeft de reden alleen meegedeeld aan wie de melding deed." in text_
    assert "Dupont" not in text_ and "Reden:" not in text_
    assert "Privéweg van Dupont" in _to(smtp, RESIDENT_EMAIL)[-1].get_content()
