"""No English in an email written in French, Dutch or German (issue 12, item 14).

Every kind of email is rendered from the Python dicts, for a reporter and for a follower, with
sample values that are in no language; then the emails the app really sends in a report's life
go through a real SMTP server (aiosmtpd). Neither may hold a phrase of the English texts.
The English phrases are read from the dicts at run time: a new kind is checked as it comes.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from string import Template

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db import Database
from app.notify.body_messages import (
    DIGEST_LABELS,
    DIGEST_REPLY_NOT_READ,
    NONE_GIVEN,
    PHOTOS_SECTION,
    REPLY_NOT_READ,
    REPLY_READ,
)
from app.notify.follower_messages import FOLLOWER_FOOTER, FOLLOWER_REASON, FOLLOWER_TEMPLATES
from app.notify.messages import ABOUT_FOOTER, RESIDENT_FOOTER, TEMPLATES, render
from app.notify.worker import drain
from app.tickets.edits import add_update
from app.tickets.services import Actor, transition
from app.web import create_app
from tests.helpers.databases import migrated_database
from tests.helpers.follow import BODY_EMAIL, ONE_COMMUNE_SQL, RESIDENT_EMAIL, report_body

LANGUAGES = ("fr", "nl", "de")
PLACEHOLDER = re.compile(r"\$\{?\w+\}?")
NEIGHBOUR = "jan@example.org"
CREW = Actor(name="crew:anne", user_id=7)


def english_texts() -> list[str]:
    """Every English text of the emails: subjects, bodies, reasons and footers."""
    texts = [part for kind in TEMPLATES.values() for part in kind["en"]]
    texts += [part for kind in FOLLOWER_TEMPLATES.values() for part in kind["en"]]
    texts += [*FOLLOWER_REASON["en"], FOLLOWER_FOOTER["en"], RESIDENT_FOOTER["en"]]
    texts += [BODY_SECTIONS_EN, *DIGEST_LABELS["en"].values()]
    return [*texts, ABOUT_FOOTER["en"]]


# What the worker adds to a body's email as it sends it, and the digest's labels.
SECTIONS = (PHOTOS_SECTION, REPLY_READ, REPLY_NOT_READ, DIGEST_REPLY_NOT_READ, NONE_GIVEN)
BODY_SECTIONS_EN = "\n".join(section["en"] for section in SECTIONS)


def english_phrases() -> set[str]:
    """The English words between the placeholders, two words or more ("Reference:" alone
    could be a value; "A new report was routed to you" cannot)."""
    phrases = set()
    for template in english_texts():
        for line in template.splitlines():
            for piece in PLACEHOLDER.split(line):
                phrase = piece.strip(" :;,.-")
                if len(phrase.split()) >= 2:
                    phrases.add(phrase)
    return phrases


PHRASES = english_phrases()


def english_in(*texts: str) -> list[str]:
    return sorted(phrase for phrase in PHRASES if any(phrase in t for t in texts))


def sample_values() -> dict[str, str]:
    """A value in no language for every placeholder of every template: «name»."""
    names = set()
    for template in english_texts():
        names.update(m.group().strip("${}") for m in PLACEHOLDER.finditer(template))
    return {name: f"«{name}»" for name in names}


def test_the_english_phrases_are_found():
    # The check below means something only if it knows the English it looks for.
    assert "A new report was routed to you" in PHRASES
    assert "Stop the emails about this report" in PHRASES
    assert len(PHRASES) > 30


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ["reporter", "follower"])
@pytest.mark.parametrize("reason", ["Voirie privée", ""])
def test_every_kind_renders_without_english(language, role, reason):
    values = {**sample_values(), "link_role": role, "reason": reason}
    # A follower also gets kinds of their own (the reporter's "not fixed").
    kinds = [*TEMPLATES] if role == "reporter" else [*TEMPLATES, *FOLLOWER_TEMPLATES]
    assert "resident_not_fixed" in kinds or role == "reporter"
    for kind in dict.fromkeys(kinds):
        email = render(kind, language, **values)
        assert email.language == language
        assert english_in(email.subject, email.body) == [], f"{kind} for a {role} in {language}"
        # Every placeholder was filled: none left for the reader to see.
        assert not PLACEHOLDER.search(email.subject + email.body), kind


@pytest.mark.parametrize("language", LANGUAGES)
def test_what_a_body_s_email_gets_as_it_is_sent_has_no_english(language):
    assert any(phrase.startswith("Replies to this email are not read") for phrase in PHRASES)
    assert "Reported by" in PHRASES
    values = sample_values()
    for section in SECTIONS:
        filled = Template(section[language]).substitute(values)
        assert english_in(filled) == [], (section["en"], language)
    assert english_in(*DIGEST_LABELS[language].values()) == []


@pytest.fixture(scope="module")
def engine():
    with migrated_database("pave_no_english", seed_sql=ONE_COMMUNE_SQL) as engine:
        yield engine


@pytest.fixture
def client(engine):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": Database(engine),
            "PUBLIC_BASE_URL": "https://pave.example.be",
        }
    )
    yield app.test_client()
    with engine.begin() as db:
        db.execute(text("DELETE FROM outbox_messages"))
        db.execute(text("DELETE FROM reports"))
        db.execute(text("DELETE FROM login_throttle"))


CONFIRM = re.compile(r"https://pave\.example\.be/follow/confirm/([A-Za-z0-9_-]+)\r?\n")


def _report(client, language: str) -> uuid.UUID:
    response = client.post(
        "/api/v1/reports", json=report_body(), headers={"Accept-Language": language}
    )
    assert response.status_code == 201, response.get_json()
    return uuid.UUID(response.get_json()["id"])


def _follow(client, engine, sender, smtp, report_id, language: str) -> None:
    body = {"email": NEIGHBOUR, "language": language}
    assert client.post(f"/api/v1/reports/{report_id}/followers", json=body).status_code == 202
    drain(engine, sender)
    (token,) = CONFIRM.findall(smtp.messages[-1].get_content())
    assert client.post(f"/api/v1/follow-confirmations/{token}").status_code == 201


@pytest.mark.parametrize(
    ("reporter", "follower", "last"), [("nl", "de", "resolved"), ("de", "fr", "rejected")]
)
def test_the_emails_really_sent_have_no_english(
    client, engine, smtp, sender, reporter, follower, last
):
    report_id = _report(client, reporter)
    _follow(client, engine, sender, smtp, report_id, follower)
    with client.application.app_context(), Session(engine) as session, session.begin():
        transition(session, report_id, "acknowledged", actor=CREW)
        transition(session, report_id, "planned", actor=CREW, planned_for=dt.date(2026, 12, 14))
        if last == "rejected":
            transition(session, report_id, "rejected", actor=CREW, reason="Privéweg")
        else:
            transition(session, report_id, "in_progress", actor=CREW)
            transition(session, report_id, "resolved", actor=CREW)
    drain(engine, sender)

    languages = {}
    for message in smtp.messages:
        body = message.get_content()
        assert english_in(message["Subject"], body) == [], (message["To"], message["Subject"])
        languages.setdefault(message["To"], set()).add(message["Content-Language"])
    # Received, acknowledged, planned and the last step to each; the question, then
    # "you follow" to the neighbour; and the new ticket to the commune, in its language.
    assert languages == {RESIDENT_EMAIL: {reporter}, NEIGHBOUR: {follower}, BODY_EMAIL: {"fr"}}
    assert len([m for m in smtp.messages if m["To"] == RESIDENT_EMAIL]) == 4
    assert len([m for m in smtp.messages if m["To"] == NEIGHBOUR]) == 5


@pytest.mark.parametrize(("reporter", "follower"), [("fr", "nl"), ("nl", "de")])
def test_a_reopening_and_a_public_update_really_sent_have_no_english(
    client, engine, smtp, sender, reporter, follower
):
    report_id = _report(client, reporter)
    _follow(client, engine, sender, smtp, report_id, follower)
    with client.application.app_context(), Session(engine) as session, session.begin():
        transition(session, report_id, "acknowledged", actor=CREW)
        transition(session, report_id, "resolved", actor=CREW)
        transition(session, report_id, "reopened", actor=Actor.reporter())
        transition(session, report_id, "resolved", actor=CREW)
        transition(session, report_id, "reopened", actor=CREW, reason="«r»", reason_public=True)
        add_update(session, report_id, "«update»", actor=CREW, public=True, notify=True)
        add_update(session, report_id, "«note»", actor=CREW, public=False, notify=True)
    before = len(smtp.messages)
    drain(engine, sender)

    new = smtp.messages[before:]
    for message in new:
        body = message.get_content()
        assert english_in(message["Subject"], body) == [], (message["To"], message["Subject"])
        assert "«note»" not in body
    # Acknowledged, resolved twice, reopened by staff and the update to each; the reporter's
    # own "not fixed" to the follower only (who also gets "you follow", since _follow).
    assert [m["To"] for m in new].count(RESIDENT_EMAIL) == 5
    assert [m["To"] for m in new].count(NEIGHBOUR) == 1 + 6
    assert {(m["To"], m["Content-Language"]) for m in new} == {
        (RESIDENT_EMAIL, reporter),
        (NEIGHBOUR, follower),
    }
    assert len([m for m in new if "«update»" in m.get_content()]) == 2
    assert len([m for m in new if "«r»" in m.get_content()]) == 2
