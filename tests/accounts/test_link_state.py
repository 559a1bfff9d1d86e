"""POST /api/v1/auth/link-state: what an emailed link is now, and whom to ask for a new one.

Anyone holding the link may ask (no login). A known token names the person who sent it and
its body, never anyone else; the invited person's own name and email only while the link
works. An unknown, hostile or malformed token learns nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.accounts import offboarding
from app.accounts.models import Role, User
from app.accounts.services import Grant, invite
from tests.helpers.accounts import login, make_staff, places
from tests.helpers.api import assert_problem

STATE = "/api/v1/auth/link-state"
INVITATIONS = "/api/v1/auth/invitations"
NEW_PASSWORD = "my own long passphrase"
BRUSSELS = {"fr": "Bruxelles", "nl": "Brussel", "de": "Brüssel"}
NOBODY = {
    "state": "unknown",
    "name": None,
    "email": None,
    "ask": None,
    "body_names": None,
    "expires_at": None,
}
__all__ = ["make_staff", "places"]


def _state(client, kind, token):
    answer = client.post(STATE, json={"kind": kind, "token": token})
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


@pytest.fixture
def inviter(session, make_staff):
    user = make_staff(Role.COMMUNE_MANAGER, email="marie@ixelles.example")
    user.name = "Marie Dupont"
    session.commit()
    return user


def _invitation(app, inviter, email="new@crew.example", name="Jean Peeters"):
    client = app.test_client()
    csrf = login(client, inviter)
    answer = client.post(
        INVITATIONS,
        json={
            "email": email,
            "name": name,
            "role": "crew_member",
            "body_id": inviter.grants[0].body_id,
        },
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["invitation_url"].rsplit("=", 1)[1]


def test_a_valid_invitation_names_the_invited_person_the_inviter_and_the_body(app, client, inviter):
    token = _invitation(app, inviter)
    state = _state(client, "invitation", token)
    assert state["state"] == "valid"
    assert (state["name"], state["email"]) == ("Jean Peeters", "new@crew.example")
    assert state["ask"] == {"name": "Marie Dupont", "email": "marie@ixelles.example"}
    assert state["body_names"] == BRUSSELS
    assert state["expires_at"]


def test_a_used_invitation_says_so_and_names_only_the_inviter(app, client, inviter):
    token = _invitation(app, inviter)
    accepted = client.post(
        f"{INVITATIONS}/accept", json={"token": token, "password": NEW_PASSWORD, "name": "Jean P."}
    )
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["user"]["name"] == "Jean P."
    state = app.test_client().post(STATE, json={"kind": "invitation", "token": token}).get_json()
    assert state == {
        **NOBODY,
        "state": "used",
        "ask": {"name": "Marie Dupont", "email": "marie@ixelles.example"},
        "body_names": BRUSSELS,
    }
    # Used stays used: the kept hash never lets the link in a second time.
    again = app.test_client().post(
        f"{INVITATIONS}/accept", json={"token": token, "password": "another long passphrase"}
    )
    assert_problem(again, 400)


def test_a_used_invitation_of_a_deactivated_account_tells_nothing(app, session, client, inviter):
    """ "Used" tells the crew screen the account is ready to log in: only while it is active."""
    token = _invitation(app, inviter, email="gone@crew.example")
    accepted = client.post(
        f"{INVITATIONS}/accept", json={"token": token, "password": NEW_PASSWORD, "name": None}
    )
    assert accepted.status_code == 200, accepted.get_json()
    # Switched off without offboarding (which also forgets the link): by hand, in the database.
    session.scalar(select(User).where(User.email == "gone@crew.example")).active = False
    session.commit()
    assert _state(app.test_client(), "invitation", token) == NOBODY


def test_an_expired_invitation_says_so(session, client, inviter):
    grant = Grant(Role.CREW_MEMBER, inviter.grants[0].body_id)
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    _, token = invite(session, "late@crew.example", grant, invited_by=inviter, now=long_ago)
    session.commit()
    state = _state(client, "invitation", token)
    assert state["state"] == "expired"
    assert state["ask"]["email"] == "marie@ixelles.example"
    assert (state["name"], state["email"], state["expires_at"]) == (None, None, None)


def test_an_invitation_from_the_command_line_asks_the_manager(session, client, places):
    _, token = invite(session, "cli@crew.example", Grant(Role.CREW_MEMBER, places.brussels))
    session.commit()
    assert _state(client, "invitation", token)["ask"] is None


def test_a_deactivated_inviter_is_not_named(session, client, inviter):
    grant = Grant(Role.CREW_MEMBER, inviter.grants[0].body_id)
    _, token = invite(session, "orphan@crew.example", grant, invited_by=inviter)
    inviter.active = False
    session.commit()
    assert _state(client, "invitation", token)["ask"] is None


def test_a_password_reset_link_names_who_asked_for_it(session, client, inviter, make_staff):
    crew = make_staff(Role.CREW_MEMBER, email="crew@bxl.example")
    _, token = offboarding.request_password_reset(session, inviter, crew, dt.timedelta(hours=2))
    session.commit()
    state = _state(client, "reset", token)
    assert state["state"] == "valid"
    assert state["ask"] == {"name": "Marie Dupont", "email": "marie@ixelles.example"}
    done = client.post(
        "/api/v1/auth/password-reset", json={"token": token, "password": NEW_PASSWORD}
    )
    assert done.status_code == 200, done.get_json()
    used = _state(client, "reset", token)
    assert (used["state"], used["email"], used["ask"]["name"]) == ("used", None, "Marie Dupont")
    # The same token is no invitation.
    assert _state(client, "invitation", token) == NOBODY


def test_an_expired_reset_link_from_the_command_line_asks_the_manager(session, client, make_staff):
    crew = make_staff(Role.CREW_MEMBER, email="crew2@bxl.example")
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    _, token = offboarding.request_password_reset(
        session, None, crew, dt.timedelta(hours=2), now=long_ago
    )
    session.commit()
    state = _state(client, "reset", token)
    assert (state["state"], state["ask"]) == ("expired", None)


@pytest.mark.parametrize(
    "token",
    ["nope", "' OR 1=1 --", "a" * 200, "../../etc/passwd", "\u202ex", "invitation=abc"],
)
@pytest.mark.parametrize("kind", ["invitation", "reset"])
def test_unknown_or_hostile_tokens_learn_nothing(client, inviter, kind, token):
    assert _state(client, kind, token) == NOBODY


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "invitation"},
        {"token": "abc"},
        {"kind": "admin", "token": "abc"},
        {"kind": "invitation", "token": ""},
        {"kind": "invitation", "token": "a" * 201},
        {"kind": ["invitation"], "token": "abc"},
        {"kind": "invitation", "token": 12},
        {"kind": "invitation", "token": "a\u0000b"},
    ],
)
def test_a_malformed_question_is_a_problem(client, body):
    problem = assert_problem(client.post(STATE, json=body), 422)
    assert problem["detail"]


def test_the_question_is_json_only(client):
    answer = client.post(STATE, data="kind=invitation&token=x")
    assert answer.status_code == 415
