"""Every staff endpoint of /api/v1/auth, for every role, own or other commune: allow or deny."""

from __future__ import annotations

import pytest

from app.accounts.models import Role
from tests.helpers.accounts import login

ANONYMOUS, DEACTIVATED = "anonymous", "deactivated"
CALLERS = [*Role, ANONYMOUS, DEACTIVATED]
OWN, SAME_REGION, OTHER_REGION = "own", "same_region", "other_region"

# (caller, operation, where) → expected status. `where` is the body of the invitation.
SELF_SERVICE = {"me": 200, "list_tokens": 200, "create_token": 201, "revoke_token": 204}
INVITE = {
    Role.CREW_MEMBER: {OWN: 403, SAME_REGION: 403, OTHER_REGION: 403},
    Role.COMMUNE_MANAGER: {OWN: 201, SAME_REGION: 403, OTHER_REGION: 403},
    Role.REGION_REVIEWER: {OWN: 403, SAME_REGION: 403, OTHER_REGION: 403},
    Role.ADMINISTRATOR: {OWN: 201, SAME_REGION: 201, OTHER_REGION: 201},
    ANONYMOUS: {OWN: 401, SAME_REGION: 401, OTHER_REGION: 401},
    DEACTIVATED: {OWN: 401, SAME_REGION: 401, OTHER_REGION: 401},
}


def _caller_client(client, session, make_staff, caller):
    """A client logged in as `caller` (a manager of Bruxelles, etc.) and its CSRF headers."""
    if caller == ANONYMOUS:
        return client, {}
    role = Role.COMMUNE_MANAGER if caller == DEACTIVATED else caller
    user = make_staff(role)
    headers = {"X-CSRF-Token": login(client, user)}
    # Someone to act on: a token made while the caller could still log in.
    token = client.post("/api/v1/auth/tokens", json={"name": "t"}, headers=headers).get_json()
    client.token_id = token["id"]
    if caller == DEACTIVATED:
        from app.accounts.services import deactivate_user

        deactivate_user(session, user)
        session.commit()
    return client, headers


def _call(client, headers, operation, places=None, where=None):
    token_id = getattr(client, "token_id", 1)
    if operation == "me":
        return client.get("/api/v1/auth/me")
    if operation == "list_tokens":
        return client.get("/api/v1/auth/tokens")
    if operation == "create_token":
        return client.post("/api/v1/auth/tokens", json={"name": "n"}, headers=headers)
    if operation == "revoke_token":
        return client.delete(f"/api/v1/auth/tokens/{token_id}", headers=headers)
    body_id = {OWN: places.brussels, SAME_REGION: places.ixelles, OTHER_REGION: places.namur}
    return client.post(
        "/api/v1/auth/invitations",
        json={"email": "invitee@example.org", "role": "crew_member", "body_id": body_id[where]},
        headers=headers,
    )


SELF_CASES = [
    pytest.param(
        caller,
        operation,
        401 if caller in (ANONYMOUS, DEACTIVATED) else status,
        id=f"{getattr(caller, 'value', caller)}-{operation}",
    )
    for caller in CALLERS
    for operation, status in SELF_SERVICE.items()
]
INVITE_CASES = [
    pytest.param(caller, where, status, id=f"{getattr(caller, 'value', caller)}-invite-{where}")
    for caller, row in INVITE.items()
    for where, status in row.items()
]


@pytest.mark.parametrize(("caller", "operation", "expected"), SELF_CASES)
def test_self_service(client, session, make_staff, caller, operation, expected):
    staff_client, headers = _caller_client(client, session, make_staff, caller)

    response = _call(staff_client, headers, operation)

    assert response.status_code == expected, response.get_json()


@pytest.mark.parametrize(("caller", "where", "expected"), INVITE_CASES)
def test_invitations(client, session, make_staff, places, caller, where, expected):
    staff_client, headers = _caller_client(client, session, make_staff, caller)

    response = _call(staff_client, headers, "invite", places, where)

    assert response.status_code == expected, response.get_json()


def test_every_caller_and_place_is_in_the_matrix():
    assert set(INVITE) == set(CALLERS)
    assert all(set(row) == {OWN, SAME_REGION, OTHER_REGION} for row in INVITE.values())


# Offboarding (/api/v1/auth/accounts): (caller, operation, target) → status. Targets: a crew
# member of Bruxelles (the managers' own body) and of Namur, another manager of Bruxelles, an
# administrator. A manager acts only on what they could have granted: their body's crew.
OFFBOARD_OPS = {"deactivate": 200, "remove_grant": 200, "reset_password": 202, "end_sessions": 204}
TARGETS = ("crew_own", "crew_other", "manager_own", "administrator")
_TARGET_ROLE = {
    "crew_own": (Role.CREW_MEMBER, "brussels"),
    "crew_other": (Role.CREW_MEMBER, "namur"),
    "manager_own": (Role.COMMUNE_MANAGER, "brussels"),
    "administrator": (Role.ADMINISTRATOR, None),
}


def _offboard_expected(caller, operation, target) -> int:
    if caller in (ANONYMOUS, DEACTIVATED):
        return 401
    if caller is Role.ADMINISTRATOR or (caller is Role.COMMUNE_MANAGER and target == "crew_own"):
        return OFFBOARD_OPS[operation]
    return 403


OFFBOARD_CASES = [
    pytest.param(
        caller,
        operation,
        target,
        _offboard_expected(caller, operation, target),
        id=f"{getattr(caller, 'value', caller)}-{operation}-{target}",
    )
    for caller in CALLERS
    for operation in OFFBOARD_OPS
    for target in TARGETS
]


@pytest.mark.parametrize(("caller", "operation", "target", "expected"), OFFBOARD_CASES)
def test_offboarding(client, session, make_staff, places, caller, operation, target, expected):
    role, where = _TARGET_ROLE[target]
    victim = make_staff(role, **({"body_id": getattr(places, where)} if where else {}))
    victim_client = client.application.test_client()
    login(victim_client, victim)
    staff_client, headers = _caller_client(client, session, make_staff, caller)
    path = f"/api/v1/auth/accounts/{victim.id}"
    calls = {
        "deactivate": lambda: staff_client.post(f"{path}/deactivate", headers=headers),
        "remove_grant": lambda: staff_client.delete(
            f"{path}/grants/{victim.grants[0].id}", headers=headers
        ),
        "reset_password": lambda: staff_client.post(f"{path}/password-reset", headers=headers),
        "end_sessions": lambda: staff_client.delete(f"{path}/sessions", headers=headers),
    }

    response = calls[operation]()

    assert response.status_code == expected, response.get_json()
    # Refused: the victim's session, role and account are as they were.
    still_in = victim_client.get("/api/v1/auth/me")
    if expected in (401, 403):
        assert still_in.status_code == 200
        assert len(still_in.get_json()["user"]["grants"]) == 1
    elif operation in ("deactivate", "end_sessions"):
        assert still_in.status_code == 401


LIST_EXPECTED = {
    Role.CREW_MEMBER: 403,
    Role.COMMUNE_MANAGER: 200,
    Role.REGION_REVIEWER: 403,
    Role.ADMINISTRATOR: 200,
    ANONYMOUS: 401,
    DEACTIVATED: 401,
}


@pytest.mark.parametrize(
    ("caller", "expected"),
    [pytest.param(c, s, id=str(getattr(c, "value", c))) for c, s in LIST_EXPECTED.items()],
)
def test_account_list(client, session, make_staff, places, caller, expected):
    own = make_staff(Role.CREW_MEMBER)
    other = make_staff(Role.CREW_MEMBER, body_id=places.namur)
    staff_client, _ = _caller_client(client, session, make_staff, caller)

    response = staff_client.get("/api/v1/auth/accounts")

    assert response.status_code == expected, response.get_json()
    if expected == 200:
        emails = {a["email"] for a in response.get_json()["accounts"]}
        assert own.email in emails
        assert (other.email in emails) is (caller is Role.ADMINISTRATOR)


def test_every_account_route_is_in_the_matrix(app):
    rules = {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/auth/accounts")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert rules == {
        ("/api/v1/auth/accounts", "GET"),
        ("/api/v1/auth/accounts/<int:user_id>/deactivate", "POST"),
        ("/api/v1/auth/accounts/<int:user_id>/grants/<int:grant_id>", "DELETE"),
        ("/api/v1/auth/accounts/<int:user_id>/password-reset", "POST"),
        ("/api/v1/auth/accounts/<int:user_id>/sessions", "DELETE"),
    }
    assert set(LIST_EXPECTED) == set(CALLERS)


# Sending a pending invitation again: only for whoever may grant every role it carries; any
# other invitation is answered as an unknown one (404), telling nothing about it.
RESEND = {
    Role.CREW_MEMBER: {"crew_own": 403, "administrator": 403},
    Role.COMMUNE_MANAGER: {"crew_own": 200, "administrator": 404},
    Role.REGION_REVIEWER: {"crew_own": 403, "administrator": 403},
    Role.ADMINISTRATOR: {"crew_own": 200, "administrator": 200},
    ANONYMOUS: {"crew_own": 401, "administrator": 401},
    DEACTIVATED: {"crew_own": 401, "administrator": 401},
}


@pytest.mark.parametrize(
    ("caller", "pending", "expected"),
    [
        pytest.param(c, p, s, id=f"{getattr(c, 'value', c)}-resend-{p}")
        for c, row in RESEND.items()
        for p, s in row.items()
    ],
)
def test_resend_invitation(client, session, make_staff, places, caller, pending, expected):
    from app.accounts.services import Grant, invite

    grant = Grant(Role.CREW_MEMBER, places.brussels)
    if pending == "administrator":
        grant = Grant(Role.ADMINISTRATOR)
    _, token = invite(session, "pending@example.org", grant)
    session.commit()
    staff_client, headers = _caller_client(client, session, make_staff, caller)

    response = staff_client.post(
        "/api/v1/auth/invitations/resend", json={"email": "pending@example.org"}, headers=headers
    )

    assert response.status_code == expected, response.get_json()
    # The old link works unless the invitation was sent again.
    accepted = client.application.test_client().post(
        "/api/v1/auth/invitations/accept", json={"token": token, "password": "long enough now"}
    )
    assert accepted.status_code == (400 if expected == 200 else 200)
