"""Every staff endpoint of /api/v1/auth, for every role, own or other commune: allow or deny."""

from __future__ import annotations

import pytest

from app.accounts.models import Role
from tests.accounts.conftest import login

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
