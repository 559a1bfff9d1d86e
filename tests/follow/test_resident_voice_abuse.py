"""What an outside reviewer did with a follow link and a follow form, and what now stops it.

A private comment must not show publicly when it was written; one mailbox is one mailbox
whatever "+tag" it is given; one address cannot bury a ticket under comments; a comment
cannot carry terminal escapes or text-direction overrides into the public record; and saying
"it is fixed" twice is said once.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.notify.notifications import issue_link
from tests.helpers.follow import follow_and_confirm

NEIGHBOUR = "voisine@example.org"


def _comment(client, token, body, **environ):
    return client.post(
        f"/api/v1/follow/{token}/comments", json={"body": body}, environ_base=environ
    )


def test_a_private_comment_does_not_move_the_public_update_time(client, session, followed):
    report_id, token = followed
    # Last changed yesterday (the test's transaction has one now(), which the comment would use).
    session.execute(
        text("UPDATE reports SET updated_at = now() - interval '1 day' WHERE id = :id"),
        {"id": report_id},
    )
    before = client.get(f"/api/v1/reports/{report_id}").get_json()["updated_at"]
    open311 = client.get(f"/open311/v2/requests/{report_id}.json").get_json()[0]

    assert (
        _comment(client, token, "Encore pire ce matin, appelez-moi au 0470 12 34 56.").status_code
        == 201
    )

    assert client.get(f"/api/v1/reports/{report_id}").get_json()["updated_at"] == before
    again = client.get(f"/open311/v2/requests/{report_id}.json").get_json()[0]
    assert again["updated_datetime"] == open311["updated_datetime"]


def test_subaddresses_of_one_mailbox_share_its_limit(app, client, session, post_report):
    app.config["FOLLOW_ADDRESS_RATE_LIMIT"] = "3 per hour"
    report_id = post_report()
    asked = [
        client.post(
            f"/api/v1/reports/{report_id}/followers", json={"email": f"dave+{n}@example.org"}
        )
        for n in range(4)
    ]

    assert [r.status_code for r in asked] == [202, 202, 202, 429]
    assert asked[-1].mimetype == "application/problem+json"
    sent = session.execute(
        text("SELECT count(*) FROM outbox_messages WHERE recipient LIKE 'dave+%@example.org'")
    ).scalar_one()
    assert sent == 3


def test_one_address_cannot_bury_a_ticket_under_comments(app, client, session, followed):
    app.config["FOLLOW_COMMENT_RATE_LIMIT"] = "2 per hour"
    report_id, token = followed
    neighbour = follow_and_confirm(client, session, report_id, NEIGHBOUR)

    assert _comment(client, neighbour, "Toujours là.").status_code == 201
    assert _comment(client, neighbour, "Toujours là !").status_code == 201
    refused = _comment(client, neighbour, "Toujours là !!")

    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "comments" in refused.get_json()["detail"]
    # The same person's other link is the same person; the reporter is someone else.
    # (Each status email brings the follower a new link.)
    other_link = issue_link(session.connection(), report_id, NEIGHBOUR, "follower").token
    assert _comment(client, other_link, "Et encore.").status_code == 429
    assert _comment(client, token, "Merci de passer.").status_code == 201
    stored = session.execute(
        text("SELECT count(*) FROM report_updates WHERE report_id = :id AND author = 'follower'"),
        {"id": report_id},
    ).scalar_one()
    assert stored == 2


@pytest.mark.parametrize(
    "body",
    [
        "rouge \x1b[31mici\x07",
        "lire \u202eà l'envers\u202c",
        "isolé \u2066texte\u2069",
        "ligne\x0bverticale",
    ],
)
def test_a_comment_carries_no_control_or_direction_override(client, session, followed, body):
    report_id, token = followed

    response = _comment(client, token, body)

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "body" in str(response.get_json())
    count = session.execute(
        text("SELECT count(*) FROM report_updates WHERE report_id = :id"), {"id": report_id}
    ).scalar_one()
    assert count == 0


def test_line_breaks_and_tabs_stay_in_a_comment(client, followed):
    _, token = followed

    response = _comment(client, token, "Deux sacs.\n\tUn matelas.\r\nMerci.")

    assert response.status_code == 201
    assert response.get_json()["body"] == "Deux sacs.\n\tUn matelas.\r\nMerci."


def test_saying_fixed_twice_is_said_once(client, followed):
    report_id, token = followed

    for _ in range(3):
        assert client.post(f"/api/v1/follow/{token}/fixed").status_code == 200

    page = client.get(f"/api/v1/follow/{token}").get_json()
    assert [u["author"] for u in page["updates"] if u["public"]] == ["reporter"]
    updates = client.get("/open311/v2/servicerequestupdates.json").get_json()
    mine = [u for u in updates if u["service_request_id"] == str(report_id)]
    assert len([u for u in mine if u["description"]]) == 1
