"""Logging in and out over HTTP: the cookie, the same answer for every failure, sessions ended."""

from __future__ import annotations

from app.accounts.models import Role
from app.accounts.services import deactivate_user, set_password
from tests.helpers.accounts import PASSWORD, bearer, login
from tests.helpers.api import assert_problem

LOGIN = "/api/v1/auth/login"
ME = "/api/v1/auth/me"


def test_login_returns_the_user_their_roles_and_a_csrf_token(client, make_staff, places):
    user = make_staff(Role.COMMUNE_MANAGER)

    response = client.post(LOGIN, json={"email": user.email.upper(), "password": PASSWORD})

    assert response.status_code == 200
    body = response.get_json()
    assert body["user"]["email"] == user.email
    assert body["user"]["grants"] == [
        {
            "role": "commune_manager",
            "body_id": places.brussels,
            "body_code": "commune-21004",
            "region_code": None,
        }
    ]
    assert len(body["csrf_token"]) >= 32
    assert "password" not in response.get_data(as_text=True)


def test_session_cookie_is_secure_httponly_and_samesite_lax(client, make_staff):
    user = make_staff(Role.CREW_MEMBER)

    response = client.post(LOGIN, json={"email": user.email, "password": PASSWORD})

    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("pave_session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_me_knows_who_is_logged_in(client, make_staff):
    user = make_staff(Role.CREW_MEMBER)
    csrf = login(client, user)

    body = client.get(ME).get_json()

    assert body["user"]["id"] == user.id
    assert body["csrf_token"] == csrf


def test_unknown_email_and_wrong_password_get_the_same_401(client, make_staff):
    user = make_staff(Role.CREW_MEMBER)

    unknown = client.post(LOGIN, json={"email": "nobody@example.org", "password": PASSWORD})
    wrong = client.post(LOGIN, json={"email": user.email, "password": "wrong password!!"})

    assert assert_problem(unknown, 401) == assert_problem(wrong, 401)
    assert "pave_session" not in unknown.headers.get("Set-Cookie", "")
    assert_problem(client.get(ME), 401)


def test_login_needs_json(client, make_staff):
    user = make_staff(Role.CREW_MEMBER)

    response = client.post(LOGIN, data={"email": user.email, "password": PASSWORD})

    assert_problem(response, 415)
    assert_problem(client.get(ME), 401)


def test_anonymous_request_gets_401_with_www_authenticate(client):
    response = client.get(ME)

    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_logout_ends_the_session(client, make_staff):
    user = make_staff(Role.CREW_MEMBER)
    csrf = login(client, user)

    response = client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})

    assert response.status_code == 204
    assert_problem(client.get(ME), 401)


def _copy_session_cookie(source, target) -> None:
    name = source.application.config["SESSION_COOKIE_NAME"]
    target.set_cookie(name, source.get_cookie(name).value)


def test_a_copied_cookie_stops_working_at_logout(client, make_staff):
    user = make_staff(Role.CREW_MEMBER)
    csrf = login(client, user)
    # Someone kept a copy of the cookie (a shared computer, a stolen backup, a proxy log).
    copy = client.application.test_client()
    _copy_session_cookie(client, copy)
    assert copy.get(ME).status_code == 200

    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204

    assert_problem(copy.get(ME), 401)
    changed = copy.post(
        "/api/v1/auth/tokens", json={"name": "after logout"}, headers={"X-CSRF-Token": csrf}
    )
    assert_problem(changed, 401)


def test_logging_out_on_one_device_keeps_the_others(client, make_staff):
    user = make_staff(Role.CREW_MEMBER)
    phone = client.application.test_client()
    login(phone, user)
    csrf = login(client, user)

    client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})

    assert_problem(client.get(ME), 401)
    assert phone.get(ME).status_code == 200


def test_logout_without_a_session_is_harmless(client):
    assert client.post("/api/v1/auth/logout").status_code == 204


def test_deactivating_a_user_ends_their_open_sessions(client, session, make_staff):
    user = make_staff(Role.CREW_MEMBER)
    login(client, user)
    assert client.get(ME).status_code == 200

    deactivate_user(session, user)
    session.commit()

    assert_problem(client.get(ME), 401)


def test_new_password_ends_sessions_opened_with_the_old_one(client, session, make_staff):
    user = make_staff(Role.CREW_MEMBER)
    login(client, user)

    set_password(session, user, "an entirely new passphrase")
    session.commit()

    assert_problem(client.get(ME), 401)


def test_api_token_authenticates_without_cookie_or_csrf(client, make_staff):
    user = make_staff(Role.CREW_MEMBER)
    csrf = login(client, user)
    token = client.post(
        "/api/v1/auth/tokens", json={"name": "ticketing"}, headers={"X-CSRF-Token": csrf}
    ).get_json()["token"]
    machine = client.application.test_client()

    me = machine.get(ME, headers=bearer(token))
    created = machine.post("/api/v1/auth/tokens", json={"name": "second"}, headers=bearer(token))

    assert me.status_code == 200 and me.get_json()["csrf_token"] is None
    assert created.status_code == 201


def test_forged_or_malformed_bearer_token_gets_401(client):
    forged = client.get(ME, headers=bearer("pave_0000000000_forged"))
    basic = client.get(ME, headers={"Authorization": "Basic dXNlcjpwYXNz"})

    assert_problem(forged, 401)
    assert 'error="invalid_token"' in forged.headers["WWW-Authenticate"]
    assert_problem(basic, 401)
