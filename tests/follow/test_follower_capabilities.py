"""A follower is not the reporter, and a resident's text is public only once staff publish it.

A follower's link reads the public view and comments as a follower; only the reporter's link
says fixed or not fixed. A comment (from either) is read by staff and by its author alone
until staff publish it, possibly edited; a rejection's reason is told to the reporter and
published only when staff mark it public.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.tickets.services import Actor, transition
from tests.helpers.follow import follow_and_confirm, links_in
from tests.helpers.open311 import BASE, json_array, xml_items
from tests.helpers.staff import TICKETS

CREW = Actor(name="crew:anne.dupont", user_id=7)
FOLLOW = "/api/v1/follow/"
NEIGHBOUR = "jan@example.org"
UPDATES = f"{BASE}/servicerequestupdates"
PHONE_COMMENT = "Still there. Call me on 0470 12 34 56 for the gate code."
EDITED = "Still there; the crew can ask the administration for the gate code."


@pytest.fixture
def both(client, session, post_report):
    """A report, its reporter's follow token and a confirmed neighbour's."""
    report_id = post_report()
    (reporter,) = links_in(session, report_id, "resident_received")
    neighbour = follow_and_confirm(client, session, report_id, NEIGHBOUR, "nl")
    return report_id, reporter, neighbour


def _resolve(session, report_id):
    transition(session, report_id, "acknowledged", actor=CREW)
    transition(session, report_id, "resolved", actor=CREW)
    session.commit()


def _status(session, report_id) -> str:
    return session.execute(
        text("SELECT status FROM reports WHERE id = :id"), {"id": report_id}
    ).scalar_one()


def _open311_texts(client) -> str:
    """Every description of the Open311 updates, JSON and XML together."""
    as_json = [u["description"] or "" for u in json_array(client.get(f"{UPDATES}.json"))]
    xml = client.get(f"{UPDATES}.xml")
    items = xml_items(xml, "service_requests_updates", "request_update")
    as_xml = [u["description"] or "" for u in items]
    return "\n".join(as_json + as_xml) + xml.get_data(as_text=True)


def test_a_followers_link_cannot_say_fixed_or_not_fixed(client, session, both):
    report_id, reporter, neighbour = both
    page = client.get(FOLLOW + neighbour).get_json()
    assert page["is_reporter"] is False
    assert client.get(FOLLOW + reporter).get_json()["is_reporter"] is True
    _resolve(session, report_id)
    assert client.get(FOLLOW + neighbour).get_json()["can_reopen"] is False
    for action in ("fixed", "not-fixed"):
        response = client.post(FOLLOW + neighbour + "/" + action, json={"comment": "No"})
        assert response.status_code == 403, action
        assert response.mimetype == "application/problem+json"
        assert "person who made the report" in response.get_json()["detail"]
    assert _status(session, report_id) == "resolved"
    count = session.execute(
        text("SELECT count(*) FROM report_updates WHERE report_id = :id"), {"id": report_id}
    ).scalar_one()
    assert count == 0
    # The reporter's own link still can.
    assert client.post(FOLLOW + reporter + "/not-fixed").status_code == 200
    assert _status(session, report_id) == "reopened"


def test_a_followers_comment_is_labelled_follower_for_the_crews(client, session, both, crew):
    report_id, reporter, neighbour = both
    response = client.post(FOLLOW + neighbour + "/comments", json={"body": "Me too."})
    assert response.status_code == 201
    assert response.get_json()["author"] == "follower"
    updates = crew.ticket(report_id)["updates"]
    assert [(u["author"], u["body"], u["public"]) for u in updates] == [
        ("follower", "Me too.", False)
    ]
    actors = session.execute(
        text("SELECT actor FROM audit_log WHERE report_id = :id AND action = 'resident_comment'"),
        {"id": report_id},
    ).scalars()
    assert list(actors) == ["follower"]
    # Its author reads it, marked as not yet public; the reporter does not.
    own = client.get(FOLLOW + neighbour).get_json()["updates"]
    assert [(u["author"], u["public"]) for u in own] == [("follower", False)]
    assert client.get(FOLLOW + reporter).get_json()["updates"] == []


def test_a_comment_is_public_only_as_staff_publish_it(client, session, both, crew):
    report_id, reporter, neighbour = both
    response = client.post(FOLLOW + reporter + "/comments", json={"body": PHONE_COMMENT})
    assert response.status_code == 201
    assert response.get_json()["public"] is False

    assert "0470" not in _open311_texts(client)
    assert client.get(FOLLOW + neighbour).get_json()["updates"] == []
    own = client.get(FOLLOW + reporter).get_json()["updates"]
    assert [(u["body"], u["public"]) for u in own] == [(PHONE_COMMENT, False)]

    ticket = crew.ticket(report_id)
    (update,) = ticket["updates"]
    assert (update["author"], update["public"]) == ("reporter", False)
    published = crew.change(
        "PATCH",
        f"{TICKETS}/{report_id}/updates/{update['id']}",
        ticket["version"],
        json={"public": True, "body": EDITED},
    )
    assert published.status_code == 200, published.get_json()

    texts = _open311_texts(client)
    assert EDITED in texts
    assert "0470" not in texts
    seen = client.get(FOLLOW + neighbour).get_json()["updates"]
    assert [(u["author"], u["body"], u["public"]) for u in seen] == [("reporter", EDITED, True)]
    # Staff keep what it said in the audit.
    before = session.execute(
        text(
            "SELECT before->>'body' FROM audit_log WHERE report_id = :id "
            "AND action = 'publish_update'"
        ),
        {"id": report_id},
    ).scalar_one()
    assert before == PHONE_COMMENT


def test_publishing_needs_if_match_and_a_known_update(client, both, crew):
    report_id, reporter, _ = both
    client.post(FOLLOW + reporter + "/comments", json={"body": "Hello"})
    ticket = crew.ticket(report_id)
    (update,) = ticket["updates"]
    path = f"{TICKETS}/{report_id}/updates/{update['id']}"
    assert crew.change("PATCH", path, json={"public": True}).status_code == 428
    stale = crew.change("PATCH", path, ticket["version"] - 1, json={"public": True})
    assert stale.status_code == 412
    unknown = crew.change(
        "PATCH", f"{TICKETS}/{report_id}/updates/999999", ticket["version"], json={"public": True}
    )
    assert unknown.status_code == 404
    assert unknown.mimetype == "application/problem+json"
    for bad in ({}, {"body": "   "}, {"body": "\u200b"}, {"public": "maybe"}):
        response = crew.change("PATCH", path, ticket["version"], json=bad)
        assert response.status_code == 422, bad
        assert response.mimetype == "application/problem+json"
    assert crew.ticket(report_id)["updates"][0]["public"] is False


def test_a_reporters_say_fixed_comment_waits_for_staff(client, session, both):
    report_id, reporter, neighbour = both
    _resolve(session, report_id)
    response = client.post(FOLLOW + reporter + "/fixed", json={"comment": "Thanks, Marie 0470"})
    assert response.status_code == 200
    seen = client.get(FOLLOW + neighbour).get_json()["updates"]
    assert len(seen) == 1 and "0470" not in seen[0]["body"]
    assert "0470" not in _open311_texts(client)


@pytest.mark.parametrize("public", [False, True])
def test_a_reason_is_told_to_the_reporter_and_public_only_when_marked(
    client, session, both, crew, public
):
    report_id, reporter, neighbour = both
    reason = "The land belongs to Mr Dupont, who was told."
    response = crew.transition(report_id, "rejected", reason=reason, reason_public=public)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["history"][-1]["reason_public"] is public

    def reason_on(token):
        return client.get(FOLLOW + token).get_json()["history"][-1]["reason"]

    assert reason_on(reporter) == reason
    assert reason_on(neighbour) == (reason if public else None)
    assert (reason in _open311_texts(client)) is public
    [request] = json_array(client.get(f"{BASE}/requests/{report_id}.json"))
    assert request["status_notes"] == (reason if public else None)
    # The follower's email tells the reason only when it is public; the reporter's always.
    bodies = dict(
        session.execute(
            text(
                "SELECT recipient, body FROM outbox_messages "
                "WHERE report_id = :id AND kind = 'resident_rejected'"
            ),
            {"id": report_id},
        ).all()
    )
    assert reason in bodies["marie@example.org"]
    assert (reason in bodies[NEIGHBOUR]) is public
