"""Brute force on the login: failures per email and address back off, per address stop.

The counts are shared by every process (PostgreSQL here; tests/security/test_login_limits.py
runs four gunicorn workers, and Redis).
"""

from __future__ import annotations

from sqlalchemy import text

from app.accounts.login_throttle import Rule, State, counted, given_back, wait_of
from app.accounts.models import Role
from tests.helpers.accounts import PASSWORD
from tests.helpers.api import assert_problem

LOGIN = "/api/v1/auth/login"


def attempt(client, email, password="wrong password!", address="192.0.2.1"):
    return client.post(
        LOGIN,
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def _earlier(session, seconds: int) -> None:
    """Every counter as if its failures were `seconds` older: time passing, without waiting."""
    session.execute(
        text(
            "UPDATE login_throttle SET window_start = window_start - make_interval(secs => :s), "
            "blocked_until = blocked_until - make_interval(secs => :s), "
            "expires_at = expires_at - make_interval(secs => :s)"
        ),
        {"s": seconds},
    )
    session.commit()


def test_sixth_failure_in_a_minute_is_429_even_with_the_right_password(client, make_staff):
    user = make_staff(Role.CREW_MEMBER)
    for _ in range(5):
        assert_problem(attempt(client, user.email), 401)

    refused = attempt(client, user.email, PASSWORD)

    body = assert_problem(refused, 429)
    assert body["type"].endswith("/too-many-attempts")
    assert "try again in" in body["detail"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "pave_session" not in refused.headers.get("Set-Cookie", "")


def test_a_stranger_cannot_lock_a_colleague_out_from_another_address(client, make_staff):
    user = make_staff(Role.CREW_MEMBER)
    for _ in range(5):
        assert_problem(attempt(client, user.email, address="198.51.100.7"), 401)
    assert_problem(attempt(client, user.email, address="198.51.100.7"), 429)

    assert attempt(client, user.email, PASSWORD, address="203.0.113.9").status_code == 200


def test_each_further_failure_waits_twice_as_long(client, make_staff, session):
    user = make_staff(Role.CREW_MEMBER)
    for _ in range(5):
        attempt(client, user.email)
    refused = attempt(client, user.email)
    assert_problem(refused, 429)
    assert 1 <= int(refused.headers["Retry-After"]) <= 60

    _earlier(session, 61)
    # The wait is over: one more attempt goes through, and fails...
    assert_problem(attempt(client, user.email), 401)
    # ...and the next must wait two minutes.
    refused = attempt(client, user.email, PASSWORD)
    assert_problem(refused, 429)
    assert 60 < int(refused.headers["Retry-After"]) <= 120


def test_one_address_is_limited_across_emails(client, make_staff):
    user = make_staff(Role.CREW_MEMBER)
    for n in range(20):
        assert_problem(attempt(client, f"guess{n}@example.org"), 401)

    assert_problem(attempt(client, user.email, PASSWORD), 429)
    assert attempt(client, user.email, PASSWORD, address="203.0.113.9").status_code == 200


def test_successful_logins_do_not_count(client, make_staff):
    user = make_staff(Role.CREW_MEMBER)
    for _ in range(4):
        assert_problem(attempt(client, user.email), 401)
    # A success forgets the failures of this email from this address.
    assert attempt(client, user.email, PASSWORD).status_code == 200
    for _ in range(4):
        assert_problem(attempt(client, user.email), 401)
    assert attempt(client, user.email, PASSWORD).status_code == 200

    for _ in range(25):
        assert attempt(client, user.email, PASSWORD).status_code == 200


def test_another_application_sees_the_same_count(client, make_staff, app):
    # Another process (here another application on the same database) counts with this one.
    user = make_staff(Role.CREW_MEMBER)
    for _ in range(5):
        attempt(client, user.email)

    from app.web import create_app

    other = create_app({**app.config})
    assert_problem(attempt(other.test_client(), user.email, PASSWORD), 429)


def test_an_unreachable_store_refuses_logins_rather_than_count_in_memory(app, make_staff):
    from app.web import create_app

    user = make_staff(Role.CREW_MEMBER)
    cut_off = create_app({**app.config, "REDIS_URL": "redis://127.0.0.1:1/0"})

    refused = attempt(cut_off.test_client(), user.email, PASSWORD)

    body = assert_problem(refused, 503)
    assert "cannot be reached" in body["detail"]
    assert "pave_session" not in refused.headers.get("Set-Cookie", "")


def test_the_backoff_doubles_up_to_its_maximum_and_a_success_forgets_it():
    rule = Rule(amount=5, window=60, backoff=True, max_wait=600, reset_on_success=True)
    state, now = None, 1000.0
    for _ in range(5):
        assert wait_of(state, rule, now) == 0
        state = counted(state, rule, now)
    waits = []
    for _ in range(6):
        waits.append(wait_of(state, rule, now))
        now += waits[-1]
        assert wait_of(state, rule, now) == 0
        state = counted(state, rule, now)
    assert waits == [60, 120, 240, 480, 600, 600]
    assert given_back(state, rule) is None
    # A whole window without attempts after the wait: the count starts again.
    later = state.blocked_until + rule.window
    assert counted(state, rule, later) == State(1, later)
