"""Emails write dates as their reader does, in Belgian time: never 2026-12-08, never UTC."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import text

from app.accounts.emails import queue_password_reset_email
from app.accounts.models import Role
from app.accounts.services import Grant, create_user
from app.dates import long_date, long_datetime
from app.follow import followers as following
from app.notify.digest import send_digests
from app.notify.notifications import notify_invitation
from app.tickets.services import transition
from tests.helpers.tickets import CREW, messages

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
PLANNED = {
    "fr": "prévue le 8 décembre 2026.",
    "nl": "gepland op 8 december 2026.",
    "de": "für den 8. Dezember 2026 geplant.",
    "en": "planned for 8 December 2026.",
}
# 23:01 UTC on 7 December is one minute past midnight in Brussels (winter, UTC+1).
DEADLINE = dt.datetime(2026, 12, 7, 23, 1, tzinfo=dt.UTC)
DEADLINE_READ = {
    "fr": "8 décembre 2026 à 00:01",
    "nl": "8 december 2026 om 00:01",
    "de": "8. Dezember 2026 um 00:01 Uhr",
    "en": "8 December 2026 at 00:01",
}
# The pattern of a deadline written to a reader, whatever its day and minute.
DEADLINE_PATTERN = {
    "fr": r"(1er|\d{1,2}) [a-zéû]+ \d{4} à \d\d:\d\d",
    "nl": r"\d{1,2} [a-z]+ \d{4} om \d\d:\d\d",
    "de": r"\d{1,2}\. [A-ZÄ][a-zä]+ \d{4} um \d\d:\d\d Uhr",
    "en": r"\d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d",
}


def _assert_readable(message):
    for part in (message.subject, message.body):
        assert not ISO_DATE.search(part), part
        assert "UTC" not in part, part


def _outbox(session, kind):
    return session.execute(
        text("SELECT language, subject, body FROM outbox_messages WHERE kind = :kind ORDER BY id"),
        {"kind": kind},
    ).all()


@pytest.mark.parametrize("language", ["fr", "nl", "de", "en"])
def test_the_planned_email_gives_the_day_in_the_residents_language(session, ticket, language):
    session.execute(
        text("UPDATE reports SET reporter_language = :lang WHERE id = :id"),
        {"lang": language, "id": ticket},
    )
    transition(session, ticket, "acknowledged", actor=CREW)
    transition(session, ticket, "planned", actor=CREW, planned_for=dt.date(2026, 12, 8))
    planned = [m for m in messages(session, ticket) if m.kind == "resident_planned"]
    (email,) = planned
    assert PLANNED[language] in email.body
    _assert_readable(email)


@pytest.mark.parametrize("language", ["fr", "nl", "de", "en"])
def test_the_follow_confirmation_gives_its_deadline_in_belgian_time(session, ticket, language):
    assert following.request(session, ticket, "buur@example.org", language)
    (email,) = _outbox(session, "resident_follow_confirm")
    assert email.language == language
    assert re.search(DEADLINE_PATTERN[language], email.body), email.body
    _assert_readable(email)


@pytest.mark.parametrize(("region", "language"), [("04000", "fr"), ("02000", "nl")])
def test_the_invitation_gives_its_deadline_in_belgian_time(session, region, language):
    notify_invitation(
        session.connection(),
        email="ploeg@example.org",
        name="Anne",
        role="crew_member",
        body_id=None,
        region_code=region,
        link="https://pave.example/staff/#invitation=x",
        expires_at=DEADLINE,
    )
    (email,) = _outbox(session, "staff_invitation")
    assert email.language == language
    assert DEADLINE_READ[language] in email.body
    _assert_readable(email)


@pytest.mark.parametrize(("body", "language"), [("commune-21004", "fr"), ("commune-44021", "nl")])
def test_the_password_reset_gives_its_deadline_in_belgian_time(session, body, language):
    body_id = session.execute(
        text("SELECT id FROM bodies WHERE code = :code"), {"code": body}
    ).scalar_one()
    user = create_user(
        session,
        "ploeg@example.org",
        "correct horse battery staple",
        grants=(Grant(Role.CREW_MEMBER, body_id=body_id),),
    )
    queue_password_reset_email(session, user, "https://pave.example/staff/#reset=x", DEADLINE)
    (email,) = _outbox(session, "staff_password_reset")
    assert email.language == language
    assert DEADLINE_READ[language] in email.body
    _assert_readable(email)


def test_the_digest_says_since_when_in_the_bodys_language(session, report_factory):
    session.execute(
        text(
            "UPDATE bodies SET contact_email = 'travaux@bruxelles.example', notify_mode = 'daily', "
            "delivery_method = 'email' "
            "WHERE code = 'commune-21004'"
        )
    )
    now = session.execute(text("SELECT now()")).scalar_one()
    report_factory(in_brussels=True, created_at=now - dt.timedelta(hours=2))
    send_digests(session, until=now)
    (digest,) = _outbox(session, "body_digest")
    assert re.search("depuis le " + DEADLINE_PATTERN["fr"], digest.body), digest.body
    _assert_readable(digest)


@pytest.mark.parametrize("language", ["fr", "nl", "de", "en"])
def test_a_deadline_reads_in_each_language(language):
    assert long_datetime(DEADLINE, language) == DEADLINE_READ[language]


def test_summer_time_and_the_first_of_the_month():
    # Brussels is two hours ahead of UTC in summer.
    summer = dt.datetime(2026, 7, 1, 6, 30, tzinfo=dt.UTC)
    assert long_datetime(summer, "fr") == "1er juillet 2026 à 08:30"
    assert long_date(dt.date(2026, 3, 1), "de") == "1. März 2026"
    assert long_date(dt.date(2026, 3, 1), "nl") == "1 maart 2026"
