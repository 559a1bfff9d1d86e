"""Following a report someone else made: one email with a private link, and nothing leaks."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from app.tickets.services import Actor, transition
from tests.follow.conftest import RESIDENT_EMAIL, links_in

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


def test_a_neighbour_follows_a_report_and_gets_a_working_link(client, session, post_report):
    report_id = post_report()
    response = _follow(client, report_id, language="nl")
    assert response.status_code == 202
    (email,) = _emails_to(session, report_id, NEIGHBOUR)
    assert email.kind == "resident_following"
    assert email.language == "nl"
    (token,) = links_in(session, report_id, "resident_following")
    page = client.get(f"/api/v1/follow/{token}")
    assert page.status_code == 200
    assert page.get_json()["report"]["id"] == str(report_id)


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


def test_the_follower_hears_of_the_next_step(client, session, post_report):
    report_id = post_report()
    _follow(client, report_id, language="en")
    transition(session, report_id, "acknowledged", actor=CREW)
    session.commit()
    kinds = [e.kind for e in _emails_to(session, report_id, NEIGHBOUR)]
    assert kinds == ["resident_following", "resident_acknowledged"]


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
    _follow(client, report_id, language="fr")
    (reporter_token,) = links_in(session, report_id, "resident_received")
    (neighbour_token,) = links_in(session, report_id, "resident_following")

    def shown(token):
        return client.get(f"/api/v1/follow/{token}").get_json()["report"]["description"]

    assert shown(reporter_token) == "A deep hole in front of number 12"
    assert shown(neighbour_token) is None
    session.execute(
        text("UPDATE reports SET description_public = true WHERE id = :id"), {"id": report_id}
    )
    assert shown(neighbour_token) == "A deep hole in front of number 12"
