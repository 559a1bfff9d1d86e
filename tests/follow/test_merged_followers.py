"""A duplicate's followers move to the original: they hear of it, once each, in their language."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import text

from app.follow import links as resident
from app.tickets.services import Actor, transition
from tests.helpers.follow import RESIDENT_EMAIL, links_in

CREW = Actor(name="crew:anne.dupont", user_id=7)
FOLLOW = "/api/v1/follow/"
JAN = "jan@example.org"
RESOLVE = [
    ("acknowledged", {}),
    ("planned", {"planned_for": dt.date(2026, 12, 14)}),
    ("resolved", {}),
]


def _move(session, report_id, *steps):
    for status, extra in steps:
        transition(session, report_id, status, actor=CREW, **extra)
    session.commit()


def _merge(session, duplicate, original):
    _move(session, duplicate, ("duplicate", {"duplicate_of": original}))


def _sent(session, report_id, kind):
    """(recipient in lower case, language) of each message of `kind` about the report."""
    return session.execute(
        text(
            "SELECT lower(recipient), language FROM outbox_messages "
            "WHERE report_id = :id AND kind = :kind ORDER BY id"
        ),
        {"id": report_id, "kind": kind},
    ).all()


def test_resolving_the_original_tells_the_duplicates_reporter_once(client, session, post_report):
    original = post_report("fr")
    duplicate = post_report("nl", JAN)
    # The same people again, spelt differently: each still hears once.
    again = post_report("nl", "Jan@Example.ORG")
    own = post_report("fr", RESIDENT_EMAIL.upper())
    for report_id in (duplicate, again, own):
        _merge(session, report_id, original)

    _move(session, original, *RESOLVE)

    for kind in ("resident_acknowledged", "resident_planned", "resident_resolved"):
        sent = _sent(session, original, kind)
        assert Counter(recipient for recipient, _ in sent) == {RESIDENT_EMAIL: 1, JAN: 1}
        assert dict(sent)[JAN] == "nl"
    # Jan's email carries a link of his own, which opens the original.
    jan_token = links_in(session, original, "resident_resolved")[1]
    page = client.get(FOLLOW + jan_token)
    assert page.status_code == 200
    assert page.get_json()["report"]["id"] == str(original)
    assert page.get_json()["report"]["status"] == "resolved"


def test_the_duplicates_reporter_hears_at_once_that_it_joined_another_report(
    client, session, post_report
):
    original = post_report("fr")
    duplicate = post_report("nl", JAN)
    _merge(session, duplicate, original)

    assert _sent(session, duplicate, "resident_duplicate") == [(JAN, "nl")]
    subject, body = session.execute(
        text(
            "SELECT subject, body FROM outbox_messages "
            "WHERE report_id = :id AND kind = 'resident_duplicate'"
        ),
        {"id": duplicate},
    ).one()
    assert subject.startswith(f"Uw melding {str(duplicate)[:8]} is gekoppeld")
    assert "aan een andere melding van hetzelfde probleem. U volgt voortaan die melding" in body
    # It names no original (which may be published only as an area); its link opens the
    # duplicate's page, which says where to go.
    assert str(original)[:8] not in body
    (token,) = links_in(session, duplicate, "resident_duplicate")
    page = client.get(FOLLOW + token)
    assert page.status_code == 200
    assert page.get_json()["report"]["id"] == str(duplicate)


def test_the_duplicates_link_keeps_working_and_names_the_original(client, session, post_report):
    original = post_report("fr")
    duplicate = post_report("nl", JAN)
    (token,) = links_in(session, duplicate, "resident_received")

    _merge(session, duplicate, original)

    page = client.get(FOLLOW + token)
    assert page.status_code == 200
    assert page.get_json()["report"]["status"] == "duplicate"
    assert page.get_json()["history"][-1]["to_status"] == "duplicate"
    assert resident.find(session, token).merged_into == original
    audit = session.execute(
        text("SELECT action, after FROM audit_log WHERE report_id = :id ORDER BY id DESC"),
        {"id": original},
    ).first()
    assert audit == ("merge_followers", {"duplicate": str(duplicate), "followers": 1})


def test_followers_move_again_when_the_original_becomes_a_duplicate(session, post_report):
    first = post_report("nl", JAN)
    second = post_report("de", "lena@example.org")
    third = post_report("fr")
    _merge(session, first, second)
    _merge(session, second, third)

    _move(session, third, ("acknowledged", {}))

    assert sorted(_sent(session, third, "resident_acknowledged")) == [
        (JAN, "nl"),
        ("lena@example.org", "de"),
        (RESIDENT_EMAIL, "fr"),
    ]


def test_unsubscribing_through_the_duplicates_link_stops_the_originals_emails(
    client, session, post_report
):
    original = post_report("fr")
    duplicate = post_report("nl", JAN)
    (token,) = links_in(session, duplicate, "resident_received")
    _merge(session, duplicate, original)

    assert client.post(FOLLOW + token + "/unsubscribe").status_code == 204
    _move(session, original, *RESOLVE)

    assert [r for r, _ in _sent(session, original, "resident_resolved")] == [RESIDENT_EMAIL]


def test_a_reporter_who_unsubscribed_does_not_follow_the_original(client, session, post_report):
    original = post_report("fr")
    duplicate = post_report("nl", JAN)
    (token,) = links_in(session, duplicate, "resident_received")
    assert client.post(FOLLOW + token + "/unsubscribe").status_code == 204

    _merge(session, duplicate, original)
    _move(session, original, ("acknowledged", {}))

    assert [r for r, _ in _sent(session, original, "resident_acknowledged")] == [RESIDENT_EMAIL]


def test_the_followers_move_with_the_transition_or_not_at_all(session, post_report):
    original = post_report("fr")
    duplicate = post_report("nl", JAN)

    transition(session, duplicate, "duplicate", actor=CREW, duplicate_of=original)
    session.rollback()
    _move(session, original, ("acknowledged", {}))

    assert [r for r, _ in _sent(session, original, "resident_acknowledged")] == [RESIDENT_EMAIL]
    followers = session.execute(text("SELECT count(*) FROM report_followers")).scalar_one()
    assert followers == 0


def test_a_merged_reporter_follows_at_once_as_a_follower_and_a_pending_request_stays(
    client, session, post_report
):
    original = post_report("fr")
    duplicate = post_report("nl", JAN)
    # Someone asked to follow the duplicate and never confirmed: they move nowhere.
    pending = "piet@example.org"
    body = {"email": pending, "language": "nl"}
    assert client.post(f"/api/v1/reports/{duplicate}/followers", json=body).status_code == 202
    _merge(session, duplicate, original)
    _move(session, original, ("acknowledged", {}))

    # Jan made a report and so confirmed his address: no confirmation asked.
    assert _sent(session, original, "resident_follow_confirm") == []
    assert (JAN, "nl") in _sent(session, original, "resident_acknowledged")
    assert pending not in {r for r, _ in _sent(session, original, "resident_acknowledged")}
    # His link to the original is a follower's: he did not report the original.
    (token,) = [
        t
        for t in links_in(session, original, "resident_acknowledged")
        if client.get(FOLLOW + t).get_json()["is_reporter"] is False
    ]
    _move(session, original, ("resolved", {}))
    assert client.post(FOLLOW + token + "/not-fixed").status_code == 403


def test_the_duplicates_link_gives_the_original_only_when_it_is_public(
    client, session, post_report
):
    original = post_report("fr")
    duplicate = post_report("nl", JAN)
    (token,) = links_in(session, duplicate, "resident_received")
    assert client.get(FOLLOW + token).get_json()["original"] is None  # no duplicate yet

    _merge(session, duplicate, original)

    answer = client.get(FOLLOW + token).get_json()
    assert answer["original"] == {"id": str(original), "reference": str(original)[:8]}
    assert answer["merged_into"] == str(original)
    # Of a sensitive category, the original is not named: the page says only "duplicate".
    session.execute(
        text(
            "UPDATE categories SET sensitive = true "
            "WHERE id = (SELECT category_id FROM reports WHERE id = :id)"
        ),
        {"id": original},
    )
    session.commit()
    answer = client.get(FOLLOW + token).get_json()
    # Nor by its id.
    assert (answer["original"], answer["merged_into"]) == (None, None)
