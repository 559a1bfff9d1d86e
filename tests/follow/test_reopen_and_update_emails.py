"""Residents hear of a reopening and of a crew's public update (issue 12, outside review).

A follower's page promises an email at each step: the reporter's "not fixed" reopens the
ticket and tells its followers (not the reporter, who did it); a reopening by staff tells both;
a crew's public update is emailed, its text with it, to both; an internal note to nobody. An
address that unsubscribed, or a follower who never confirmed, gets nothing.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.helpers.follow import RESIDENT_EMAIL, follow_and_confirm, links_in
from tests.helpers.staff import TICKETS

FOLLOW = "/api/v1/follow/"
NEIGHBOUR = "jan@example.org"
PENDING = "pending@example.org"
UPDATE = "Asphalt arrives Monday 14; the lane stays closed until then."
NOTE = "Internal: the contractor's phone is 0470 98 76 54."
REASON = "Asphalt sank again after the rain."

SUBJECTS = {
    # (reporter's language, follower's language) of each kind, as each reads it.
    "reopened": {
        "fr": ("Votre signalement", "a été rouvert"),
        "nl": ("Uw melding", "is heropend"),
    },
    "follower_reopened": {
        "fr": ("Le signalement", "que vous suivez a été rouvert"),
        "nl": ("De melding", "die u volgt is heropend"),
    },
    "update": {
        "fr": ("Votre signalement", "un message de"),
        "nl": ("Uw melding", "een bericht van"),
    },
    "follower_update": {
        "fr": ("Le signalement", "que vous suivez : un message de"),
        "nl": ("De melding", "die u volgt: een bericht van"),
    },
}
NOT_FIXED = {
    "fr": "indique que le problème n'est pas réglé",
    "nl": "laat weten dat het probleem niet opgelost is",
}


def _news(session, report_id, *kinds):
    """(kind, recipient, language, subject, body) of the report's emails of `kinds`."""
    return session.execute(
        text(
            "SELECT kind, recipient, language, subject, body FROM outbox_messages "
            "WHERE report_id = :id AND kind = ANY(:kinds) ORDER BY id"
        ),
        {"id": report_id, "kinds": list(kinds)},
    ).all()


def _reads(row, kind: str, ref: str) -> None:
    start, end = SUBJECTS[kind][row.language]
    assert row.subject.startswith(start), row.subject
    assert ref in row.subject
    assert end in row.subject, row.subject


@pytest.fixture(params=[("fr", "nl"), ("nl", "fr")], ids=["fr-reporter", "nl-reporter"])
def languages(request):
    return request.param


@pytest.fixture
def resolved(client, session, post_report, crew, languages):
    """A resolved report, its reporter's follow token and a confirmed neighbour's, and an
    address that asked to follow and never confirmed."""
    reporter_language, follower_language = languages
    report_id = post_report(reporter_language)
    (reporter,) = links_in(session, report_id, "resident_received")
    neighbour = follow_and_confirm(client, session, report_id, NEIGHBOUR, follower_language)
    body = {"email": PENDING, "language": "fr"}
    assert client.post(f"/api/v1/reports/{report_id}/followers", json=body).status_code == 202
    for step in ("acknowledged", "in_progress", "resolved"):
        assert crew.transition(report_id, step).status_code == 200
    return report_id, reporter, neighbour


def test_the_reporters_not_fixed_tells_the_followers_and_not_the_reporter(
    client, session, resolved, languages
):
    report_id, reporter, _ = resolved
    response = client.post(FOLLOW + reporter + "/not-fixed", json={"comment": "Call 0470 11"})
    assert response.status_code == 200, response.get_json()

    (email,) = _news(session, report_id, "resident_not_fixed", "resident_reopened")
    ref = str(report_id)[:8]
    assert (email.kind, email.recipient, email.language) == (
        "resident_not_fixed",
        NEIGHBOUR,
        languages[1],
    )
    _reads(email, "follower_reopened", ref)
    assert NOT_FIXED[languages[1]] in email.body
    assert {"fr": "Nid-de-poule", "nl": "Put in de weg"}[languages[1]] in email.body
    assert {"fr": "Bruxelles", "nl": "Brussel"}[languages[1]] in email.body
    # The reporter's comment waits for staff: it is in no email.
    assert "0470" not in email.body
    # The follower's link is a follower's: it does not offer to say fixed.
    (token,) = links_in(session, report_id, "resident_not_fixed")
    assert client.get(FOLLOW + token).get_json()["is_reporter"] is False


@pytest.mark.parametrize("public", [True, False], ids=["public-reason", "private-reason"])
def test_a_reopening_by_staff_tells_the_reporter_and_the_followers(
    session, resolved, crew, languages, public
):
    report_id, _, _ = resolved
    response = crew.transition(report_id, "reopened", reason=REASON, reason_public=public)
    assert response.status_code == 200, response.get_json()

    emails = _news(session, report_id, "resident_not_fixed", "resident_reopened")
    assert [(e.kind, e.recipient, e.language) for e in emails] == [
        ("resident_reopened", RESIDENT_EMAIL, languages[0]),
        ("resident_reopened", NEIGHBOUR, languages[1]),
    ]
    ref = str(report_id)[:8]
    _reads(emails[0], "reopened", ref)
    _reads(emails[1], "follower_reopened", ref)
    for email in emails:
        # The reason only when it is public, to everyone; never a sentence about it otherwise.
        assert (REASON in email.body) is public
        reason_word = {"fr": "Motif", "nl": "Reden"}[email.language]
        assert (reason_word in email.body) is public


def test_a_public_update_is_emailed_with_its_text_once_and_a_note_never(
    session, resolved, crew, languages
):
    report_id, _, _ = resolved
    path = f"{TICKETS}/{report_id}/updates"
    version = crew.ticket(report_id)["version"]
    note = crew.change("POST", path, version, json={"body": NOTE, "public": False})
    assert note.status_code == 201, note.get_json()
    assert _news(session, report_id, "resident_update") == []

    key = {"Idempotency-Key": "update-1"}
    version = note.get_json()["version"]
    body = {"body": UPDATE, "public": True}
    posted = crew.change("POST", path, version, json=body, headers=key)
    assert posted.status_code == 201, posted.get_json()
    # An offline retry of the same update sends nothing again.
    again = crew.change("POST", path, None, json=body, headers=key)
    assert again.status_code == 201, again.get_json()

    emails = _news(session, report_id, "resident_update")
    assert [(e.recipient, e.language) for e in emails] == [
        (RESIDENT_EMAIL, languages[0]),
        (NEIGHBOUR, languages[1]),
    ]
    ref = str(report_id)[:8]
    _reads(emails[0], "update", ref)
    _reads(emails[1], "follower_update", ref)
    for email in emails:
        assert f"\n\n{UPDATE}\n" in email.body
        assert "0470" not in email.body
    every = session.execute(
        text("SELECT recipient, body FROM outbox_messages WHERE report_id = :id"),
        {"id": report_id},
    ).all()
    assert not any(NOTE in row.body for row in every)
    # The address that never confirmed was asked to, and told nothing else.
    assert [r for r in every if r.recipient == PENDING] == [
        r for r in every if r.recipient == PENDING and "confirm" in r.body
    ]
    assert len([r for r in every if r.recipient == PENDING]) == 1


def test_who_unsubscribed_hears_of_neither(client, session, resolved, crew):
    report_id, reporter, neighbour = resolved
    assert client.post(FOLLOW + neighbour + "/unsubscribe").status_code == 204
    path = f"{TICKETS}/{report_id}/updates"
    version = crew.ticket(report_id)["version"]
    posted = crew.change("POST", path, version, json={"body": UPDATE, "public": True})
    assert posted.status_code == 201, posted.get_json()
    assert [e.recipient for e in _news(session, report_id, "resident_update")] == [RESIDENT_EMAIL]

    # The neighbour left: the reporter's "not fixed" tells nobody.
    assert client.post(FOLLOW + reporter + "/not-fixed").status_code == 200
    assert _news(session, report_id, "resident_not_fixed", "resident_reopened") == []

    # Once the reporter left too (their waiting emails withdrawn), a reopening by staff and
    # an update reach nobody.
    assert crew.transition(report_id, "resolved").status_code == 200
    assert client.post(FOLLOW + reporter + "/unsubscribe").status_code == 204
    reopened = crew.transition(report_id, "reopened", reason=REASON, reason_public=True)
    assert reopened.status_code == 200, reopened.get_json()
    version = crew.ticket(report_id)["version"]
    posted = crew.change("POST", path, version, json={"body": "Second.", "public": True})
    assert posted.status_code == 201, posted.get_json()
    assert _news(session, report_id, "resident_reopened", "resident_update") == []
