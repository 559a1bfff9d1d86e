"""Follow requests: limited per address and per client, confirmed within 48 hours, and the
answer tells nothing about the address."""

from __future__ import annotations

from sqlalchemy import text

from tests.helpers.follow import RESIDENT_EMAIL, confirmations_in, follow_and_confirm, links_in

NEIGHBOUR = "jan@example.org"


def _follow(client, report_id, email=NEIGHBOUR, **environ):
    return client.post(
        f"/api/v1/reports/{report_id}/followers",
        json={"email": email, "language": "fr"},
        environ_base=environ,
    )


def _confirmations(session, email=NEIGHBOUR) -> int:
    return session.execute(
        text(
            "SELECT count(*) FROM outbox_messages "
            "WHERE kind = 'resident_follow_confirm' AND recipient = :to"
        ),
        {"to": email},
    ).scalar_one()


def _assert_429(response):
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) > 0
    assert "follow requests" in response.get_json()["detail"]


def test_one_inbox_is_not_flooded_from_many_reports(app, client, session, post_report):
    app.config["FOLLOW_ADDRESS_RATE_LIMIT"] = "3 per hour"
    reports = [post_report() for _ in range(5)]
    for report_id in reports[:3]:
        assert _follow(client, report_id).status_code == 202
    # From another client too: the limit is the address's.
    _assert_429(_follow(client, reports[3], REMOTE_ADDR="198.51.100.7"))
    _assert_429(_follow(client, reports[4]))
    assert _confirmations(session) == 3
    # Another address from the same client still may.
    assert _follow(client, reports[4], email="piet@example.org").status_code == 202


def test_one_client_cannot_write_to_many_inboxes(app, client, session, post_report):
    app.config["FOLLOW_CLIENT_RATE_LIMIT"] = "4 per hour"
    report_id = post_report()
    for n in range(4):
        assert _follow(client, report_id, f"n{n}@example.org").status_code == 202
    _assert_429(_follow(client, report_id, "n4@example.org"))
    assert _confirmations(session, "n4@example.org") == 0
    other = _follow(client, report_id, "n5@example.org", REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 202


def test_the_answer_is_the_same_whatever_the_address(client, session, post_report):
    report_id = post_report()
    follow_and_confirm(client, session, report_id, "confirmed@example.org")
    unsubscribed = follow_and_confirm(client, session, report_id, "left@example.org")
    client.post(f"/api/v1/follow/{unsubscribed}/unsubscribe")
    _follow(client, report_id, "pending@example.org")
    addresses = (
        "new@example.org",
        "pending@example.org",
        "confirmed@example.org",
        "left@example.org",
        RESIDENT_EMAIL,
    )
    before = {email: _confirmations(session, email) for email in addresses}
    answers = [_follow(client, report_id, email) for email in addresses]
    assert {a.status_code for a in answers} == {202}
    assert len({a.get_data() for a in answers}) == 1
    # Only the new address was asked; the pending one is not asked twice within 48 hours.
    asked = {email for email in addresses if _confirmations(session, email) > before[email]}
    assert asked == {"new@example.org"}


def test_a_request_not_confirmed_in_48_hours_is_void(client, session, post_report):
    report_id = post_report()
    _follow(client, report_id)
    (old,) = confirmations_in(session, report_id, NEIGHBOUR)
    session.execute(
        text(
            "UPDATE report_followers SET confirm_expires_at = now() - interval '1 minute' "
            "WHERE email = :email"
        ),
        {"email": NEIGHBOUR},
    )
    late = client.post(f"/api/v1/follow-confirmations/{old}")
    assert late.status_code == 404
    assert late.mimetype == "application/problem+json"
    assert "48 hours" in late.get_json()["detail"]
    # Asking again sends a new confirmation, which works.
    assert _follow(client, report_id).status_code == 202
    old_again, new = confirmations_in(session, report_id, NEIGHBOUR)
    assert old_again == old
    assert client.post(f"/api/v1/follow-confirmations/{new}").status_code == 201
    assert client.post(f"/api/v1/follow-confirmations/{old}").status_code == 404


def test_a_forged_confirmation_is_a_404_problem(client):
    for token in ("nope", "x" * 300):
        response = client.post(f"/api/v1/follow-confirmations/{token}")
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
        assert "confirmation link is not valid" in response.get_json()["detail"]


def test_the_confirmation_page_changes_nothing_on_get(client, session, post_report):
    report_id = post_report()
    _follow(client, report_id)
    (token,) = confirmations_in(session, report_id, NEIGHBOUR)
    with client.get(f"/follow/confirm/{token}") as page:
        assert page.status_code == 200
        assert page.headers["Cache-Control"] == "no-store"
    confirmed = session.execute(
        text("SELECT confirmed_at FROM report_followers WHERE email = :email"),
        {"email": NEIGHBOUR},
    ).scalar_one()
    assert confirmed is None


def test_an_unreachable_counter_refuses_follow_requests_in_their_own_words(app, post_report):
    from app.web import create_app

    report_id = post_report()
    cut_off = create_app({**app.config, "REDIS_URL": "redis://127.0.0.1:1/0"})

    refused = _follow(cut_off.test_client(), report_id)

    assert refused.status_code == 503
    assert refused.mimetype == "application/problem+json"
    body = refused.get_json()
    # Follow requests are refused, not logins: the title says so.
    assert body["title"] == "Follow requests are unavailable"
    assert body["type"].endswith("/follow-limits-unavailable")
    assert "follow request counter cannot be reached" in body["detail"]


def test_a_second_click_on_a_used_confirmation_says_it_worked_already(client, session, post_report):
    report_id = post_report()
    _follow(client, report_id)
    (token,) = confirmations_in(session, report_id, NEIGHBOUR)
    assert client.post(f"/api/v1/follow-confirmations/{token}").status_code == 201
    following_emails = links_in(session, report_id, "resident_following")

    again = client.post(f"/api/v1/follow-confirmations/{token}")

    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"
    body = again.get_json()
    assert body["type"].endswith("/follow-already-confirmed")
    assert "confirmed already" in body["detail"]
    # Nothing new: no second link, no second email.
    assert links_in(session, report_id, "resident_following") == following_emails
