"""Brute force on the login: after five failures a minute, 429 with Retry-After."""

from __future__ import annotations

from app.accounts.models import Role
from tests.accounts.conftest import PASSWORD
from tests.api.helpers import assert_problem

LOGIN = "/api/v1/auth/login"


def attempt(client, email, password="wrong password!", address="192.0.2.1"):
    return client.post(
        LOGIN,
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_sixth_failure_in_a_minute_is_429_even_with_the_right_password(client, make_staff):
    user = make_staff(Role.CREW_MEMBER)
    for _ in range(5):
        assert_problem(attempt(client, user.email), 401)

    refused = attempt(client, user.email, PASSWORD)

    body = assert_problem(refused, 429)
    assert body["type"].endswith("/too-many-attempts")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "pave_session" not in refused.headers.get("Set-Cookie", "")


def test_one_email_is_limited_across_addresses(client, make_staff):
    user = make_staff(Role.CREW_MEMBER)
    for n in range(5):
        attempt(client, user.email, address=f"198.51.100.{n}")

    assert_problem(attempt(client, user.email, PASSWORD, address="203.0.113.9"), 429)


def test_one_address_is_limited_across_emails(client, make_staff):
    user = make_staff(Role.CREW_MEMBER)
    for n in range(5):
        attempt(client, f"guess{n}@example.org")

    assert_problem(attempt(client, user.email, PASSWORD), 429)
    assert attempt(client, user.email, PASSWORD, address="203.0.113.9").status_code == 200


def test_successful_logins_do_not_count(client, make_staff):
    users = [make_staff(Role.CREW_MEMBER) for _ in range(7)]

    for user in users:
        assert attempt(client, user.email, PASSWORD).status_code == 200


def test_a_new_application_starts_with_a_clean_count(client, make_staff, app):
    # Each test builds its own app, so the limits of one test never leak into the next.
    user = make_staff(Role.CREW_MEMBER)
    for _ in range(5):
        attempt(client, user.email)
    assert_problem(attempt(client, user.email), 429)

    from app import create_app

    fresh = create_app({**app.config})
    assert attempt(fresh.test_client(), user.email, PASSWORD).status_code == 200
