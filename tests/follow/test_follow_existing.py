"""Following a report someone else made: one email with a private link, and nothing leaks."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import text

from app.tickets.services import Actor, transition
from tests.helpers.follow import RESIDENT_EMAIL, confirmations_in, follow_and_confirm, links_in

NEIGHBOUR = "jan@example.org"
CREW = Actor(name="crew:anne.dupont", user_id=7)


def _follow(client, report_id, email=NEIGHBOUR, **body):
    return client.post(f"/api/v1/reports/{report_id}/followers", json={"email": email, **body})


def _emails_to(session, report_id, address):
    return session.execute(
        text(
            "SELECT kind, language, subject FROM outbox_messages "
            "WHERE report_id = :id AND lower(recipient) = lower(:address) ORDER BY id"
        ),
        {"id": report_id, "address": address},
    ).all()


def test_a_neighbour_confirms_then_gets_a_working_link(client, session, post_report):
    report_id = post_report()
    response = _follow(client, report_id, language="nl")
    assert response.status_code == 202
    (email,) = _emails_to(session, report_id, NEIGHBOUR)
    assert email.kind == "resident_follow_confirm"
    assert email.language == "nl"
    assert links_in(session, report_id, "resident_follow_confirm") == []
    (confirmation,) = confirmations_in(session, report_id, NEIGHBOUR)
    confirmed = client.post(f"/api/v1/follow-confirmations/{confirmation}")
    assert confirmed.status_code == 201
    token = confirmed.get_json()["token"]
    assert links_in(session, report_id, "resident_following") == [token]
    page = client.get(f"/api/v1/follow/{token}")
    assert page.status_code == 200
    assert page.get_json()["report"]["id"] == str(report_id)
    assert page.get_json()["is_reporter"] is False
    # The confirmation link works once; a second click is told it worked, and gets no link.
    again = client.post(f"/api/v1/follow-confirmations/{confirmation}")
    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"
    assert again.get_json()["type"].endswith("/follow-already-confirmed")
    assert "token" not in again.get_json()


def test_the_language_comes_from_the_browser_when_not_given(client, session, post_report):
    report_id = post_report()
    response = client.post(
        f"/api/v1/reports/{report_id}/followers",
        json={"email": NEIGHBOUR},
        headers={"Accept-Language": "de-DE,de;q=0.9"},
    )
    assert response.status_code == 202
    (email,) = _emails_to(session, report_id, NEIGHBOUR)
    assert email.language == "de"


def test_following_twice_sends_one_email(client, session, post_report):
    report_id = post_report()
    assert _follow(client, report_id).status_code == 202
    assert _follow(client, report_id, email=NEIGHBOUR.upper()).status_code == 202
    assert len(_emails_to(session, report_id, NEIGHBOUR)) == 1
    count = session.execute(
        text("SELECT count(*) FROM report_followers WHERE report_id = :id"), {"id": report_id}
    ).scalar_one()
    assert count == 1


def test_the_follower_hears_of_the_next_steps_only_once_confirmed(client, session, post_report):
    report_id = post_report()
    _follow(client, report_id, language="en")
    transition(session, report_id, "acknowledged", actor=CREW)
    session.commit()
    kinds = [e.kind for e in _emails_to(session, report_id, NEIGHBOUR)]
    assert kinds == ["resident_follow_confirm"]
    (confirmation,) = confirmations_in(session, report_id, NEIGHBOUR)
    assert client.post(f"/api/v1/follow-confirmations/{confirmation}").status_code == 201
    transition(session, report_id, "planned", actor=CREW, planned_for=dt.date(2026, 12, 14))
    session.commit()
    kinds = [e.kind for e in _emails_to(session, report_id, NEIGHBOUR)]
    assert kinds == ["resident_follow_confirm", "resident_following", "resident_planned"]


def test_the_answer_tells_nothing_about_other_followers(client, session, post_report):
    report_id = post_report()
    first = _follow(client, report_id)
    again = _follow(client, report_id)
    reporter = _follow(client, report_id, email=RESIDENT_EMAIL)
    stranger = _follow(client, report_id, email="someone.else@example.org")
    bodies = {r.get_data() for r in (first, again, reporter, stranger)}
    assert {r.status_code for r in (first, again, reporter, stranger)} == {202}
    assert len(bodies) == 1
    assert NEIGHBOUR not in bodies.pop().decode()
    # The reporter already hears of their report: no second email for them.
    assert [e.kind for e in _emails_to(session, report_id, RESIDENT_EMAIL)] == ["resident_received"]


def test_an_unknown_report_is_a_404_problem(client):
    response = _follow(client, uuid.uuid4())
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_a_bad_email_is_a_422_problem(client, session, post_report):
    report_id = post_report()
    for bad in ("not-an-email", "", "a@b"):
        response = _follow(client, report_id, email=bad)
        assert response.status_code == 422, bad
        assert response.mimetype == "application/problem+json"
    assert client.post(f"/api/v1/reports/{report_id}/followers", json={}).status_code == 422
    assert _follow(client, report_id, language="es").status_code == 422
    assert _emails_to(session, report_id, NEIGHBOUR) == []


def test_a_closed_report_cannot_be_followed(client, session, post_report):
    report_id = post_report()
    transition(session, report_id, "rejected", actor=CREW, reason="Private land")
    session.commit()
    response = _follow(client, report_id)
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert _emails_to(session, report_id, NEIGHBOUR) == []


def test_the_reporter_reads_their_own_text_a_neighbour_only_once_published(
    client, session, post_report
):
    report_id = post_report()
    neighbour_token = follow_and_confirm(client, session, report_id, NEIGHBOUR)
    (reporter_token,) = links_in(session, report_id, "resident_received")

    def shown(token):
        return client.get(f"/api/v1/follow/{token}").get_json()["report"]["description"]

    assert shown(reporter_token) == "A deep hole in front of number 12"
    assert shown(neighbour_token) is None
    session.execute(
        text("UPDATE reports SET description_public = true WHERE id = :id"), {"id": report_id}
    )
    assert shown(neighbour_token) == "A deep hole in front of number 12"
