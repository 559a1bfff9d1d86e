"""Staff offboarding: a departing crew member's access ends at once, and only the right people
can end it.

Before (issue 10, item 12) nobody could deactivate an account, remove a role, end someone's
sessions and API tokens or send them a password reset link, except by editing the database:
a crew member who left kept working sessions and tokens. Now administrators, and managers for
the crew of their own bodies, do each of these from the API (`/api/v1/auth/accounts/…`), the
command line (`flask staff deactivate|revoke|reset-password`) and the crew screens. A manager
never acts on an administrator, another manager or another body's account. Each action is in
the audit log (who, what, whom, when). A reset link is emailed to the account's owner only,
stored as a hash, works once and expires; using it ends every other session.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from app.accounts.models import Role
from tests.helpers.accounts import PASSWORD, bearer, login, make_staff, places
from tests.helpers.api import assert_problem

__all__ = ["make_staff", "places"]

ACCOUNTS = "/api/v1/auth/accounts"
RESET = "/api/v1/auth/password-reset"
NEW_PASSWORD = "a fresh start, at last"


@pytest.fixture
def staff(app, make_staff):
    """staff(role, **scope) → (user, client logged in, headers with its CSRF token)."""

    def make(role, **scope):
        user = make_staff(role, **scope)
        client = app.test_client()
        return user, client, {"X-CSRF-Token": login(client, user)}

    return make


def _token(client, headers) -> str:
    created = client.post("/api/v1/auth/tokens", json={"name": "laptop"}, headers=headers)
    return created.get_json()["token"]


def _audit(connection, action):
    return connection.execute(
        text(
            "SELECT actor, actor_user_id, after FROM audit_log "
            "WHERE report_id IS NULL AND action = :action ORDER BY id"
        ),
        {"action": action},
    ).all()


def _reset_link(connection, email) -> str:
    body = connection.execute(
        text(
            "SELECT body FROM outbox_messages WHERE recipient = :email "
            "AND kind = 'staff_password_reset' ORDER BY id DESC LIMIT 1"
        ),
        {"email": email},
    ).scalar_one()
    return next(line for line in body.splitlines() if "#reset=" in line).strip()


def test_deactivated_crew_member_is_out_at_once(app, staff, connection):
    crew, crew_client, crew_headers = staff(Role.CREW_MEMBER)
    api_token = _token(crew_client, crew_headers)
    manager, client, headers = staff(Role.COMMUNE_MANAGER)

    answer = client.post(f"{ACCOUNTS}/{crew.id}/deactivate", headers=headers)

    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["active"] is False
    assert_problem(crew_client.get("/api/v1/auth/me"), 401)
    assert_problem(app.test_client().get("/api/v1/auth/me", headers=bearer(api_token)), 401)
    again = app.test_client().post(
        "/api/v1/auth/login", json={"email": crew.email, "password": PASSWORD}
    )
    assert_problem(again, 401)
    [(_, actor_id, after)] = _audit(connection, "account.deactivate")
    assert actor_id == manager.id and after["user_id"] == crew.id and after["email"] == crew.email
    assert after["sessions"] == 1 and after["tokens"] == 1


def test_manager_cannot_offboard_an_administrator_another_manager_or_another_body(
    app, staff, places, connection
):
    _, client, headers = staff(Role.COMMUNE_MANAGER)
    targets = [
        staff(Role.ADMINISTRATOR),
        staff(Role.COMMUNE_MANAGER),
        staff(Role.CREW_MEMBER, body_id=places.namur),
    ]

    for user, target_client, _ in targets:
        grant_id = user.grants[0].id
        calls = [
            client.post(f"{ACCOUNTS}/{user.id}/deactivate", headers=headers),
            client.delete(f"{ACCOUNTS}/{user.id}/grants/{grant_id}", headers=headers),
            client.delete(f"{ACCOUNTS}/{user.id}/sessions", headers=headers),
            client.post(f"{ACCOUNTS}/{user.id}/password-reset", headers=headers),
        ]
        for call in calls:
            assert_problem(call, 403)
        assert target_client.get("/api/v1/auth/me").status_code == 200
    listed = client.get(ACCOUNTS).get_json()["accounts"]
    assert {a["email"] for a in listed}.isdisjoint({t[0].email for t in targets[::2]})
    assert _audit(connection, "account.deactivate") == []
    assert connection.execute(text("SELECT count(*) FROM password_resets")).scalar_one() == 0


def test_removing_a_grant_takes_the_role_away(staff, places, connection):
    crew, crew_client, _ = staff(Role.CREW_MEMBER)
    manager, client, headers = staff(Role.COMMUNE_MANAGER)
    grant_id = crew.grants[0].id

    answer = client.delete(f"{ACCOUNTS}/{crew.id}/grants/{grant_id}", headers=headers)

    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["grants"] == []
    assert crew_client.get("/api/v1/auth/me").get_json()["user"]["grants"] == []
    assert_problem(crew_client.get("/api/v1/staff/bodies/commune-21004/members"), 403)
    [(_, actor_id, after)] = _audit(connection, "account.remove_grant")
    assert actor_id == manager.id and after["user_id"] == crew.id


def test_ending_sessions_logs_out_everywhere_but_leaves_the_account(app, staff, connection):
    crew, crew_client, crew_headers = staff(Role.CREW_MEMBER)
    api_token = _token(crew_client, crew_headers)
    _, client, headers = staff(Role.ADMINISTRATOR)

    answer = client.delete(f"{ACCOUNTS}/{crew.id}/sessions", headers=headers)

    assert answer.status_code == 204
    assert_problem(crew_client.get("/api/v1/auth/me"), 401)
    assert_problem(app.test_client().get("/api/v1/auth/me", headers=bearer(api_token)), 401)
    login(app.test_client(), crew)
    assert len(_audit(connection, "account.end_sessions")) == 1


def test_reset_link_goes_to_the_owner_only_works_once_and_ends_other_sessions(
    app, staff, connection
):
    crew, crew_client, _ = staff(Role.CREW_MEMBER)
    _, client, headers = staff(Role.COMMUNE_MANAGER)

    sent = client.post(f"{ACCOUNTS}/{crew.id}/password-reset", headers=headers)

    assert sent.status_code == 202, sent.get_json()
    link = _reset_link(connection, crew.email)
    token = link.rsplit("=", 1)[1]
    assert link == f"{app.config['PUBLIC_BASE_URL']}/staff/#reset={token}"
    assert token not in sent.get_data(as_text=True)
    stored = connection.execute(text("SELECT token_hash FROM password_resets")).scalar_one()
    assert token not in stored and len(stored) == 64
    newcomer = app.test_client()
    used = newcomer.post(RESET, json={"token": token, "password": NEW_PASSWORD})
    assert used.status_code == 200, used.get_json()
    assert newcomer.get("/api/v1/auth/me").status_code == 200
    assert_problem(crew_client.get("/api/v1/auth/me"), 401)
    assert_problem(
        app.test_client().post(RESET, json={"token": token, "password": "yet another one!"}), 400
    )
    login(app.test_client(), crew, NEW_PASSWORD)


def test_reset_link_expires_and_dies_with_deactivation(app, session, staff, connection):
    from app.accounts import offboarding

    crew, _, _ = staff(Role.CREW_MEMBER)
    now = dt.datetime.now(dt.UTC)
    _, late = offboarding.request_password_reset(
        session, None, crew, dt.timedelta(hours=2), now=now - dt.timedelta(hours=3)
    )
    session.commit()
    expired = app.test_client().post(RESET, json={"token": late, "password": NEW_PASSWORD})
    assert assert_problem(expired, 400)["reason"] == "expired"

    _, fresh = offboarding.request_password_reset(session, None, crew, dt.timedelta(hours=2))
    offboarding.deactivate(session, None, crew)
    session.commit()
    assert_problem(
        app.test_client().post(RESET, json={"token": fresh, "password": NEW_PASSWORD}), 400
    )


def test_command_line_offboarding_is_audited(app, staff, places, connection):
    crew, crew_client, _ = staff(Role.CREW_MEMBER)
    other, other_client, _ = staff(Role.CREW_MEMBER)
    runner = app.test_cli_runner()

    reset = runner.invoke(args=["staff", "reset-password", crew.email])
    sessions = runner.invoke(args=["staff", "revoke", other.email, "--sessions"])
    revoke = runner.invoke(
        args=["staff", "revoke", crew.email, "--role", "crew_member", "--body", "commune-21004"]
    )
    deactivate = runner.invoke(args=["staff", "deactivate", crew.email])
    unknown = runner.invoke(args=["staff", "deactivate", "nobody@example.org"])

    for result in (reset, sessions, revoke, deactivate):
        assert result.exit_code == 0, result.output
    assert "#reset=" in reset.output.strip().splitlines()[-1]
    assert unknown.exit_code == 1 and "nobody@example.org" in unknown.output
    assert_problem(other_client.get("/api/v1/auth/me"), 401)
    assert_problem(crew_client.get("/api/v1/auth/me"), 401)
    actions = connection.execute(
        text("SELECT actor, action FROM audit_log WHERE report_id IS NULL ORDER BY id")
    ).all()
    assert [tuple(row) for row in actions] == [
        ("command line", "account.password_reset"),
        ("command line", "account.end_sessions"),
        ("command line", "account.remove_grant"),
        ("command line", "account.deactivate"),
    ]


def test_removing_the_only_role_of_a_pending_invitation_withdraws_it(app, staff, places):
    _, client, headers = staff(Role.COMMUNE_MANAGER)
    invited = client.post(
        "/api/v1/auth/invitations",
        json={"email": "soon@bruxelles.example", "role": "crew_member", "body_id": places.brussels},
        headers=headers,
    ).get_json()
    token = invited["invitation_url"].rsplit("=", 1)[1]
    grant_id = next(
        a
        for a in client.get(ACCOUNTS).get_json()["accounts"]
        if a["email"] == "soon@bruxelles.example"
    )["grants"][0]["id"]

    removed = client.delete(
        f"{ACCOUNTS}/{invited['user']['id']}/grants/{grant_id}", headers=headers
    )

    assert removed.status_code == 200, removed.get_json()
    accepted = app.test_client().post(
        "/api/v1/auth/invitations/accept", json={"token": token, "password": NEW_PASSWORD}
    )
    assert_problem(accepted, 400)
