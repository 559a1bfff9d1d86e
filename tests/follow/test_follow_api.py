"""The resident's follow link over HTTP: what it shows, what it lets them do, and what it hides."""

from __future__ import annotations

import datetime as dt
import re
import secrets

import pytest
from sqlalchemy import text

from app.dates import long_date
from app.tickets.edits import add_update
from app.tickets.services import Actor, transition
from tests.helpers.follow import RESIDENT_EMAIL

CREW = Actor(name="crew:anne.dupont", user_id=7)
FOLLOW = "/api/v1/follow/"


def _move(session, report_id, *steps):
    for status, extra in steps:
        transition(session, report_id, status, actor=CREW, **extra)
    session.commit()


RESOLVE = [
    ("acknowledged", {}),
    ("planned", {"planned_for": dt.date(2026, 12, 14), "note": "Crew B, bring the big roller"}),
    ("resolved", {}),
]


def _age(session, report_id, status, days):
    """Pretend the report reached `status` `days` ago."""
    session.execute(
        text(
            "UPDATE report_status_changes SET at = at - make_interval(days => :days) "
            "WHERE report_id = :id AND to_status = :status"
        ),
        {"id": report_id, "status": status, "days": days},
    )


def _status(session, report_id):
    return session.execute(
        text("SELECT status FROM reports WHERE id = :id"), {"id": report_id}
    ).scalar_one()


def test_the_link_shows_the_report_its_public_updates_and_history(client, session, followed):
    report_id, token = followed
    add_update(session, report_id, "We will fix it next week.", actor=CREW, public=True)
    _move(session, report_id, *RESOLVE)
    response = client.get(FOLLOW + token, headers={"Accept-Language": "nl"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    body = response.get_json()
    assert body["report"]["id"] == str(report_id)
    assert body["report"]["status"] == "resolved"
    assert body["report"]["commune"]["name"] == "Brussel"
    # Resolved: no longer planned, and only the history says for when it was.
    assert body["planned_for"] is None
    assert [h["planned_for"] for h in body["history"]] == [None, None, "2026-12-14", None]
    assert body["updates"] == [
        {
            "author": "staff",
            "body": "We will fix it next week.",
            "created_at": body["updates"][0]["created_at"],
            "public": True,
        }
    ]
    assert [h["to_status"] for h in body["history"]] == [
        "new",
        "acknowledged",
        "planned",
        "resolved",
    ]
    assert body["subscribed"] is True
    assert body["can_reopen"] is True


def test_the_planned_date_goes_once_the_ticket_moves_on_and_stays_in_the_history(
    client, session, followed
):
    report_id, token = followed
    _move(session, report_id, ("acknowledged", {}))
    _move(session, report_id, ("planned", {"planned_for": dt.date(2026, 12, 8)}))
    assert client.get(FOLLOW + token).get_json()["planned_for"] == "2026-12-08"
    _move(session, report_id, ("resolved", {}), ("reopened", {}))
    body = client.get(FOLLOW + token).get_json()
    assert body["report"]["status"] == "reopened"
    assert body["planned_for"] is None
    # Planned again for another day: the page says the new one, the history says both.
    _move(session, report_id, ("planned", {"planned_for": dt.date(2027, 1, 12)}))
    assert client.get(FOLLOW + token).get_json()["planned_for"] == "2027-01-12"
    _move(session, report_id, ("in_progress", {}))
    body = client.get(FOLLOW + token).get_json()
    assert body["planned_for"] is None
    planned = [(h["to_status"], h["planned_for"]) for h in body["history"] if h["planned_for"]]
    assert planned == [("planned", "2026-12-08"), ("planned", "2027-01-12")]


def test_a_ticket_planned_again_for_the_same_day_says_so_twice(client, session, followed):
    report_id, token = followed
    again = ("planned", {"planned_for": dt.date(2026, 12, 8)})
    _move(session, report_id, ("acknowledged", {}), again, ("resolved", {}), ("reopened", {}))
    # The audit row of the second planning names no date: it did not change.
    _move(session, report_id, again)
    body = client.get(FOLLOW + token).get_json()
    assert body["planned_for"] == "2026-12-08"
    assert [h["planned_for"] for h in body["history"] if h["to_status"] == "planned"] == [
        "2026-12-08",
        "2026-12-08",
    ]


def test_nothing_private_leaks_through_the_link(client, session, followed):
    report_id, token = followed
    session.execute(
        text(
            "UPDATE bodies SET contact_email = 'travaux@bruxelles.example', "
            "delivery_method = 'email' "
            "WHERE code = 'commune-21004'"
        )
    )
    add_update(
        session, report_id, "Neighbour says the owner is difficult", actor=CREW, public=False
    )
    _move(session, report_id, *RESOLVE)
    raw = client.get(FOLLOW + token).get_data(as_text=True)
    for secret in (
        RESIDENT_EMAIL,
        "Marie Peeters",
        "470 12 34 56",
        "owner is difficult",
        "big roller",
        "anne.dupont",
        "travaux@bruxelles.example",
        token,
    ):
        assert secret not in raw


def test_a_forged_or_unknown_link_is_a_404_problem(client, followed):
    _, token = followed
    for forged in (
        secrets.token_urlsafe(32),
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        "x" * 500,
    ):
        response = client.get(FOLLOW + forged)
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
        post = client.post(FOLLOW + forged + "/comments", json={"body": "hello"})
        assert post.status_code == 404


def test_a_comment_is_the_reporters_not_yet_public_and_is_audited(client, session, followed):
    report_id, token = followed
    response = client.post(FOLLOW + token + "/comments", json={"body": "  It got bigger.  "})
    assert response.status_code == 201
    assert response.get_json()["body"] == "It got bigger."
    assert response.get_json()["public"] is False
    page = client.get(FOLLOW + token).get_json()
    updates = [(u["author"], u["body"], u["public"]) for u in page["updates"]]
    assert updates == [("reporter", "It got bigger.", False)]
    actions = session.execute(
        text("SELECT actor, action FROM audit_log WHERE report_id = :id"), {"id": report_id}
    ).all()
    assert ("reporter", "resident_comment") in actions


def test_a_blank_comment_is_refused(client, followed):
    _, token = followed
    for blank in ("   ", "\u200b\u2060 \ufeff"):
        response = client.post(FOLLOW + token + "/comments", json={"body": blank})
        assert response.status_code == 422, blank


def test_not_fixed_reopens_a_report_resolved_less_than_30_days_ago(client, session, followed):
    report_id, token = followed
    _move(session, report_id, *RESOLVE)
    _age(session, report_id, "resolved", 29)
    response = client.post(FOLLOW + token + "/not-fixed", json={"comment": "Still a hole."})
    assert response.status_code == 200
    assert response.get_json()["report"]["status"] == "reopened"
    assert _status(session, report_id) == "reopened"
    history = response.get_json()["history"]
    assert (history[-1]["to_status"], history[-1]["by"]) == ("reopened", "reporter")


def test_not_fixed_more_than_30_days_after_resolution_is_refused(client, session, followed):
    report_id, token = followed
    _move(session, report_id, *RESOLVE)
    _age(session, report_id, "resolved", 31)
    response = client.post(FOLLOW + token + "/not-fixed")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "30 days" in response.get_json()["detail"]
    assert _status(session, report_id) == "resolved"
    assert client.get(FOLLOW + token).get_json()["can_reopen"] is False


def test_not_fixed_on_a_report_not_resolved_is_a_409(client, session, followed):
    report_id, token = followed
    response = client.post(FOLLOW + token + "/not-fixed")
    assert response.status_code == 409
    assert _status(session, report_id) == "new"


def test_fixed_tells_everyone_the_reporter_confirms(client, session, followed):
    report_id, token = followed
    response = client.post(FOLLOW + token + "/fixed")
    assert response.status_code == 200
    (update,) = response.get_json()["updates"]
    assert update["author"] == "reporter"
    assert "réparé" in update["body"]
    actions = session.execute(
        text("SELECT action FROM audit_log WHERE report_id = :id"), {"id": report_id}
    ).scalars()
    assert "reporter_says_fixed" in list(actions)


@pytest.mark.parametrize(("days", "expected"), [(179, 200), (181, 410)])
def test_the_link_expires_180_days_after_closure(client, session, followed, days, expected):
    report_id, token = followed
    _move(session, report_id, ("rejected", {"reason": "Private road"}))
    _age(session, report_id, "rejected", days)
    response = client.get(FOLLOW + token)
    assert response.status_code == expected
    if expected == 410:
        assert response.mimetype == "application/problem+json"
        body = response.get_json()
        # The day in words (never 2026-06-01), and as a value the follow page words itself.
        closed = dt.date.fromisoformat(body["closed_on"])
        assert f"closed on {long_date(closed, 'en')} " in body["detail"]
        assert not re.search(r"\d{4}-\d{2}-\d{2}", body["detail"])
        assert body["expiry_days"] == 180
        assert client.post(FOLLOW + token + "/comments", json={"body": "hi"}).status_code == 410
    else:
        assert response.get_json()["history"][-1]["reason"] == "Private road"
