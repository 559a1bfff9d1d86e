"""Invitation takeover: a manager must not hijack someone else's pending invitation.

The attack (issue 10, item 1): an administrator invites x@… as administrator; before x
accepts, a commune manager "invites" the same email as crew of their own body. The old code
renewed the pending invitation: the manager got a fresh link that still carried the
administrator grant (and the administrator's link stopped working), set a password with it
and was logged in as administrator.

Defence: an invitation for an email that already has an account or a pending invitation is
refused with one 409 answer, the same body and the same database work whichever it is, so a
manager learns nothing about which emails have accounts. Sending a pending invitation again
is its own action (`POST /api/v1/auth/invitations/resend`, `flask staff resend-invitation`),
allowed only to someone who may grant every role of that invitation, and answered with one
404 whenever it is not allowed. Accepting a link grants exactly that invitation's roles.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, text

from app.accounts.models import Role
from app.accounts.services import Grant, invite
from tests.helpers.accounts import login, make_staff, places
from tests.helpers.api import assert_problem

INVITATIONS = "/api/v1/auth/invitations"
RESEND = f"{INVITATIONS}/resend"
TARGET = "x@takeover.example"
# The accounts fixtures, shared without a conftest of this directory.
__all__ = ["make_staff", "places"]


def _token(answer) -> str:
    return answer.get_json()["invitation_url"].rsplit("=", 1)[1]


@pytest.fixture
def admin(app, make_staff):
    client = app.test_client()
    return client, {"X-CSRF-Token": login(client, make_staff(Role.ADMINISTRATOR))}


@pytest.fixture
def manager(app, make_staff):
    client = app.test_client()
    return client, {"X-CSRF-Token": login(client, make_staff(Role.COMMUNE_MANAGER))}


def _invite(caller, email, **grant):
    client, headers = caller
    return client.post(INVITATIONS, json={"email": email, **grant}, headers=headers)


def _accept(app, token, password="my own long passphrase"):
    return app.test_client().post(
        f"{INVITATIONS}/accept", json={"token": token, "password": password}
    )


def test_manager_cannot_turn_a_pending_administrator_invitation_into_their_own(
    app, admin, manager, places, connection
):
    invited = _invite(admin, TARGET, role="administrator")
    assert invited.status_code == 201
    admins_link = _token(invited)

    hijack = _invite(manager, TARGET.upper(), role="crew_member", body_id=places.brussels)

    body = assert_problem(hijack, 409)
    assert "invitation_url" not in body and "token" not in str(body).lower()
    # The manager has no link; the administrator's link still works and grants exactly
    # what the administrator asked for, nothing of the manager's call.
    accepted = _accept(app, admins_link)
    assert accepted.status_code == 200, accepted.get_json()
    grants = accepted.get_json()["user"]["grants"]
    assert [(g["role"], g["body_id"]) for g in grants] == [("administrator", None)]
    emails = connection.execute(
        text("SELECT count(*) FROM outbox_messages WHERE lower(recipient) = :email"),
        {"email": TARGET},
    ).scalar_one()
    assert emails == 1


def _timeless(header: tuple[str, str]) -> tuple[str, str]:
    """A header without the session cookie's signing time, signature and expiry date."""
    name, value = header
    if name != "Set-Cookie":
        return header
    value = re.sub(r"^(\w+=\.?[\w-]+)\.[\w-]+\.[\w-]+;", r"\1;", value)
    return name, re.sub(r"Expires=[^;]+", "Expires=*", value)


def test_refusal_says_the_same_and_does_the_same_work_for_an_account_and_an_invitation(
    app, engine, admin, manager, make_staff, places
):
    make_staff(Role.CREW_MEMBER, email="has-account@takeover.example")
    assert _invite(admin, "only-invited@takeover.example", role="administrator").status_code == 201
    statements: list[list[str]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        # The test's savepoints are numbered as they come; the statement is what counts.
        statements[-1].append(re.sub(r"sa_savepoint_\d+", "sa_savepoint", statement))

    event.listen(engine, "before_cursor_execute", record)
    answers = []
    try:
        for email in ("has-account@takeover.example", "only-invited@takeover.example"):
            statements.append([])
            answers.append(_invite(manager, email, role="crew_member", body_id=places.brussels))
    finally:
        event.remove(engine, "before_cursor_execute", record)

    account, invitation = (assert_problem(answer, 409) for answer in answers)
    assert account == invitation
    # Every header alike but each request's own id, and the time the session cookie was
    # signed at and expires at (whole seconds: two requests may fall either side of one).
    headers = [
        [_timeless(h) for h in answer.headers if h[0] != "X-Request-Id"] for answer in answers
    ]
    assert headers[0] == headers[1]
    # The same statements, in the same order: nothing slower or faster for either case.
    assert statements[0] == statements[1]
    assert any("FROM users" in statement for statement in statements[0])


def test_an_administrator_is_refused_too_and_nothing_changes(app, admin, places, connection):
    first = _invite(admin, TARGET, role="crew_member", body_id=places.brussels)

    again = _invite(admin, TARGET, role="commune_manager", body_id=places.brussels)

    assert_problem(again, 409)
    accepted = _accept(app, _token(first))
    grants = accepted.get_json()["user"]["grants"]
    assert [(g["role"], g["body_id"]) for g in grants] == [("crew_member", places.brussels)]


def test_manager_may_not_send_an_administrators_invitation_again(
    app, admin, manager, places, connection
):
    admins_link = _token(_invite(admin, TARGET, role="administrator"))
    client, headers = manager

    resent = client.post(RESEND, json={"email": TARGET}, headers=headers)
    unknown = client.post(RESEND, json={"email": "nobody@takeover.example"}, headers=headers)

    assert assert_problem(resent, 404) == assert_problem(unknown, 404)
    assert "invitation_url" not in resent.get_json()
    assert _accept(app, admins_link).status_code == 200


def test_resend_to_an_active_account_is_the_same_404(app, admin, make_staff):
    make_staff(Role.CREW_MEMBER, email="active@takeover.example")
    client, headers = admin

    active = client.post(RESEND, json={"email": "active@takeover.example"}, headers=headers)
    unknown = client.post(RESEND, json={"email": "nobody@takeover.example"}, headers=headers)

    assert assert_problem(active, 404) == assert_problem(unknown, 404)


def test_resend_renews_the_link_and_the_old_one_stops_working(
    app, admin, manager, places, connection
):
    client, headers = manager
    first = _token(_invite(manager, TARGET, role="crew_member", body_id=places.brussels))

    resent = client.post(RESEND, json={"email": TARGET}, headers=headers)

    assert resent.status_code == 200, resent.get_json()
    second = _token(resent)
    assert second != first
    assert_problem(_accept(app, first), 400)
    accepted = _accept(app, second)
    grants = accepted.get_json()["user"]["grants"]
    assert [(g["role"], g["body_id"]) for g in grants] == [("crew_member", places.brussels)]
    emails = connection.execute(
        text("SELECT body FROM outbox_messages WHERE recipient = :email ORDER BY id"),
        {"email": TARGET},
    ).scalars()
    assert [second in body for body in emails] == [False, True]


def test_manager_of_another_body_may_not_resend(app, make_staff, manager, places):
    other = app.test_client()
    other_headers = {
        "X-CSRF-Token": login(other, make_staff(Role.COMMUNE_MANAGER, body_id=places.namur))
    }
    _invite(manager, TARGET, role="crew_member", body_id=places.brussels)

    resent = other.post(RESEND, json={"email": TARGET}, headers=other_headers)

    assert_problem(resent, 404)


def test_accepting_grants_exactly_the_invitation_even_when_a_service_call_races(
    app, session, places
):
    """A second invite() for the pending email (the old renewal path) is refused outright."""
    _, token = invite(session, TARGET, Grant(Role.ADMINISTRATOR))
    session.commit()

    from app.accounts.errors import InvitationConflictError

    with pytest.raises(InvitationConflictError):
        invite(session, TARGET, Grant(Role.CREW_MEMBER, places.brussels))
    accepted = _accept(app, token)
    assert [g["role"] for g in accepted.get_json()["user"]["grants"]] == ["administrator"]


def test_cli_resends_a_pending_invitation_and_refuses_anything_else(app, session, places):
    runner = app.test_cli_runner()
    _, first = invite(session, TARGET, Grant(Role.CREW_MEMBER, places.brussels))
    session.commit()

    again = runner.invoke(
        args=["staff", "invite", TARGET, "--role", "administrator"],
    )
    resent = runner.invoke(args=["staff", "resend-invitation", TARGET])
    missing = runner.invoke(args=["staff", "resend-invitation", "nobody@takeover.example"])

    assert again.exit_code == 1 and "pending invitation" in again.output
    assert resent.exit_code == 0, resent.output
    link = resent.output.strip().splitlines()[-1]
    assert "#invitation=" in link
    assert_problem(_accept(app, first), 400)
    accepted = _accept(app, link.rsplit("=", 1)[1])
    grants = accepted.get_json()["user"]["grants"]
    assert [(g["role"], g["body_id"]) for g in grants] == [("crew_member", places.brussels)]
    assert missing.exit_code == 1


# Text injection (issue 10, item 8): the invitation email says "Bonjour {name},". A name with
# line breaks let a manager write their own paragraphs, and a link, into an official email.
PHISHING_NAME = (
    "Jean,\n\nURGENT: your account will be closed. Log in at "
    "https://pave-login.evil.example/ to keep it.\n\nThe Pavé team"
)


def _queued(connection) -> int:
    return connection.execute(text("SELECT count(*) FROM outbox_messages")).scalar_one()


@pytest.mark.parametrize(
    "name",
    [
        PHISHING_NAME,
        "Jean\r\nURGENT",
        "Jean\u2028URGENT",
        "Jean\tDupont",
        "Jean \x85 Dupont",
        "Jean, see https://pave-login.evil.example/",
        "J" * 201,
    ],
)
def test_invitation_name_with_line_breaks_or_a_link_is_a_422_and_no_email(
    manager, places, connection, name
):
    before = _queued(connection)

    answer = _invite(
        manager, "jean@example.org", name=name, role="crew_member", body_id=places.brussels
    )

    problem = assert_problem(answer, 422)
    assert "/name" in {error["pointer"] for error in problem.get("errors", [])}, problem
    assert _queued(connection) == before


def test_a_plain_name_is_still_invited(manager, places, connection):
    before = _queued(connection)
    answer = _invite(
        manager,
        "jean@example.org",
        name="Jean-Édouard D'Hondt-Van der Berg",
        role="crew_member",
        body_id=places.brussels,
    )
    assert answer.status_code == 201, answer.get_json()
    assert _queued(connection) == before + 1


def test_name_set_when_accepting_an_invitation_is_one_line_too(app, admin):
    token = _token(_invite(admin, TARGET, role="administrator"))
    answer = app.test_client().post(
        f"{INVITATIONS}/accept",
        json={"token": token, "password": "my own long passphrase", "name": "X\n\nURGENT"},
    )
    problem = assert_problem(answer, 422)
    assert "/name" in {error["pointer"] for error in problem.get("errors", [])}, problem


def test_api_token_name_is_one_line(admin):
    client, headers = admin
    answer = client.post("/api/v1/auth/tokens", json={"name": "ci\nroot"}, headers=headers)
    problem = assert_problem(answer, 422)
    assert "/name" in {error["pointer"] for error in problem.get("errors", [])}, problem
    assert client.get("/api/v1/auth/tokens").get_json()["tokens"] == []
