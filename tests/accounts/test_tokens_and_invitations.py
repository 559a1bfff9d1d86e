"""API tokens and invitations over HTTP: shown once, revoked at once, roles not escalated."""

from __future__ import annotations

from sqlalchemy import select, text

from app.accounts.models import Role, User
from tests.helpers.accounts import bearer, login
from tests.helpers.api import assert_problem

TOKENS = "/api/v1/auth/tokens"
INVITATIONS = "/api/v1/auth/invitations"


def test_token_is_shown_once_and_listed_without_its_secret(client, make_staff):
    csrf = login(client, make_staff(Role.CREW_MEMBER))

    created = client.post(TOKENS, json={"name": "ticketing"}, headers={"X-CSRF-Token": csrf})
    listed = client.get(TOKENS)

    assert created.status_code == 201
    token = created.get_json()["token"]
    assert token.startswith("pave_")
    assert [t["name"] for t in listed.get_json()["tokens"]] == ["ticketing"]
    assert token not in listed.get_data(as_text=True)


def test_revoked_token_stops_working_at_once(client, make_staff):
    csrf = login(client, make_staff(Role.CREW_MEMBER))
    created = client.post(TOKENS, json={"name": "ci"}, headers={"X-CSRF-Token": csrf}).get_json()

    revoked = client.delete(f"{TOKENS}/{created['id']}", headers={"X-CSRF-Token": csrf})

    assert revoked.status_code == 204
    assert_problem(
        client.application.test_client().get(TOKENS, headers=bearer(created["token"])), 401
    )
    assert client.get(TOKENS).get_json()["tokens"][0]["revoked_at"] is not None


def test_someone_elses_token_is_not_found(client, make_staff):
    owner = client.application.test_client()
    csrf = login(owner, make_staff(Role.CREW_MEMBER))
    created = owner.post(TOKENS, json={"name": "x"}, headers={"X-CSRF-Token": csrf}).get_json()
    other_csrf = login(client, make_staff(Role.CREW_MEMBER))

    response = client.delete(f"{TOKENS}/{created['id']}", headers={"X-CSRF-Token": other_csrf})

    assert_problem(response, 404)
    assert owner.get(TOKENS, headers=bearer(created["token"])).status_code == 200


def test_manager_invites_crew_who_then_logs_in(client, make_staff, places, session):
    csrf = login(client, make_staff(Role.COMMUNE_MANAGER))

    response = client.post(
        INVITATIONS,
        json={"email": "crew@bruxelles.example", "role": "crew_member", "body_id": places.brussels},
        headers={"X-CSRF-Token": csrf},
    )

    assert response.status_code == 201
    body = response.get_json()
    assert body["user"]["active"] is False
    token = body["invitation_url"].rsplit("=", 1)[1]
    newcomer = client.application.test_client()
    accepted = newcomer.post(
        f"{INVITATIONS}/accept", json={"token": token, "password": "my own passphrase"}
    )
    assert accepted.status_code == 200
    assert accepted.get_json()["user"]["grants"][0]["role"] == "crew_member"
    assert newcomer.get("/api/v1/auth/me").status_code == 200
    assert_problem(
        client.application.test_client().post(
            f"{INVITATIONS}/accept", json={"token": token, "password": "my own passphrase"}
        ),
        400,
    )


def test_role_escalation_is_refused_and_nothing_is_created(client, make_staff, places, session):
    csrf = login(client, make_staff(Role.COMMUNE_MANAGER))
    attempts = [
        {"role": "commune_manager", "body_id": places.brussels},
        {"role": "administrator"},
        {"role": "region_reviewer", "region_code": "04000"},
        {"role": "crew_member", "body_id": places.ixelles},
    ]

    for n, attempt in enumerate(attempts):
        response = client.post(
            INVITATIONS,
            json={"email": f"climber{n}@example.org", **attempt},
            headers={"X-CSRF-Token": csrf},
        )
        assert_problem(response, 403)
    assert session.scalars(select(User).where(User.email.like("climber%"))).all() == []


def test_crew_and_reviewers_cannot_invite(client, make_staff, places):
    for role in (Role.CREW_MEMBER, Role.REGION_REVIEWER):
        staff_client = client.application.test_client()
        csrf = login(staff_client, make_staff(role))
        response = staff_client.post(
            INVITATIONS,
            json={"email": "x@example.org", "role": "crew_member", "body_id": places.brussels},
            headers={"X-CSRF-Token": csrf},
        )
        assert_problem(response, 403)


def test_invitation_with_a_scope_that_does_not_fit_is_422(client, make_staff):
    csrf = login(client, make_staff(Role.ADMINISTRATOR))

    response = client.post(
        INVITATIONS,
        json={"email": "x@example.org", "role": "crew_member"},
        headers={"X-CSRF-Token": csrf},
    )

    assert_problem(response, 422)


def test_weak_password_at_acceptance_is_422_and_the_invitation_still_works(
    client, make_staff, places, connection
):
    csrf = login(client, make_staff(Role.ADMINISTRATOR))
    body = client.post(
        INVITATIONS,
        json={"email": "rv@example.org", "role": "region_reviewer", "region_code": "04000"},
        headers={"X-CSRF-Token": csrf},
    ).get_json()
    token = body["invitation_url"].rsplit("=", 1)[1]
    newcomer = client.application.test_client()

    assert_problem(
        newcomer.post(f"{INVITATIONS}/accept", json={"token": token, "password": "short"}), 422
    )
    stored = connection.execute(text("SELECT active FROM users WHERE email = 'rv@example.org'"))
    assert stored.scalar_one() is False
    ok = newcomer.post(
        f"{INVITATIONS}/accept", json={"token": token, "password": "long enough now"}
    )
    assert ok.status_code == 200
