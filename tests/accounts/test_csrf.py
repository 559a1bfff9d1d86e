"""A cookie session changes nothing without its CSRF token; a bearer token needs none."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import ApiToken, Role, User
from tests.helpers.accounts import bearer, login
from tests.helpers.api import assert_problem

TOKENS = "/api/v1/auth/tokens"


@pytest.mark.parametrize("headers", [{}, {"X-CSRF-Token": "forged"}, {"X-CSRF-Token": ""}])
def test_creating_a_token_without_the_right_csrf_token_is_403_and_creates_nothing(
    client, make_staff, session, headers
):
    login(client, make_staff(Role.CREW_MEMBER))

    response = client.post(TOKENS, json={"name": "sneaky"}, headers=headers)

    body = assert_problem(response, 403)
    assert body["type"].endswith("/csrf-token")
    assert session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_revoking_without_csrf_token_leaves_the_token_working(client, make_staff):
    csrf = login(client, make_staff(Role.CREW_MEMBER))
    created = client.post(TOKENS, json={"name": "ci"}, headers={"X-CSRF-Token": csrf}).get_json()

    assert_problem(client.delete(f"{TOKENS}/{created['id']}"), 403)

    machine = client.application.test_client()
    assert machine.get(TOKENS, headers=bearer(created["token"])).status_code == 200


def test_inviting_without_csrf_token_creates_no_account(client, make_staff, places, session):
    login(client, make_staff(Role.ADMINISTRATOR))

    response = client.post(
        "/api/v1/auth/invitations",
        json={"email": "ghost@example.org", "role": "crew_member", "body_id": places.brussels},
    )

    assert_problem(response, 403)
    assert session.scalar(select(User).where(User.email == "ghost@example.org")) is None


def test_csrf_token_of_another_session_is_refused(client, make_staff):
    other = client.application.test_client()
    other_csrf = login(other, make_staff(Role.CREW_MEMBER))
    login(client, make_staff(Role.CREW_MEMBER))

    response = client.post(TOKENS, json={"name": "x"}, headers={"X-CSRF-Token": other_csrf})

    assert_problem(response, 403)


def test_logout_with_a_session_needs_the_csrf_token(client, make_staff):
    login(client, make_staff(Role.CREW_MEMBER))

    assert_problem(client.post("/api/v1/auth/logout"), 403)
    assert client.get("/api/v1/auth/me").status_code == 200


def test_reads_need_no_csrf_token(client, make_staff):
    login(client, make_staff(Role.CREW_MEMBER))

    assert client.get(TOKENS).status_code == 200


def test_a_new_login_gets_a_new_csrf_token(client, make_staff):
    user = make_staff(Role.CREW_MEMBER)
    first = login(client, user)
    second = login(client, user)

    assert first != second
    assert_problem(client.post(TOKENS, json={"name": "x"}, headers={"X-CSRF-Token": first}), 403)
