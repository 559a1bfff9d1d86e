"""The access policy as a table: each role, own body / same region / other region, each action."""

from __future__ import annotations

import pytest

from app.accounts import access
from app.accounts.access import UnknownActionError, can, can_anywhere, can_grant, scope_of
from app.accounts.models import Role, RoleGrant, User

# Body ids and regions of the places a ticket can be in, relative to the staff member.
OWN_BODY, SAME_REGION_BODY, OTHER_REGION_BODY = 1, 2, 3
REGION, OTHER_REGION = "04000", "03000"
PLACES = {
    "own": {"body_id": OWN_BODY, "region_code": REGION},
    "same_region": {"body_id": SAME_REGION_BODY, "region_code": REGION},
    "other_region": {"body_id": OTHER_REGION_BODY, "region_code": OTHER_REGION},
}
ACTIONS = (
    "tickets.read",
    "tickets.read_internal",
    "tickets.read_contact",
    "tickets.update",
    "staff.invite",
    "bodies.delivery",
    "deliveries.retry",
    "admin",
)
Y, N = True, False
# Expected answer per role, per action, at (own, same region, other region).
MATRIX = {
    Role.CREW_MEMBER: {
        "tickets.read": (Y, N, N),
        "tickets.read_internal": (Y, N, N),
        "tickets.read_contact": (Y, N, N),
        "tickets.update": (Y, N, N),
        "staff.invite": (N, N, N),
        "bodies.delivery": (N, N, N),
        "deliveries.retry": (N, N, N),
        "admin": (N, N, N),
    },
    Role.COMMUNE_MANAGER: {
        "tickets.read": (Y, N, N),
        "tickets.read_internal": (Y, N, N),
        "tickets.read_contact": (Y, N, N),
        "tickets.update": (Y, N, N),
        "staff.invite": (Y, N, N),
        "bodies.delivery": (Y, N, N),
        "deliveries.retry": (Y, N, N),
        "admin": (N, N, N),
    },
    # A region reviewer's "own" is the region: reads all of it, changes nothing.
    Role.REGION_REVIEWER: {
        "tickets.read": (Y, Y, N),
        "tickets.read_internal": (Y, Y, N),
        "tickets.read_contact": (N, N, N),
        "tickets.update": (N, N, N),
        "staff.invite": (N, N, N),
        "bodies.delivery": (N, N, N),
        "deliveries.retry": (N, N, N),
        "admin": (N, N, N),
    },
    Role.ADMINISTRATOR: {action: (Y, Y, Y) for action in ACTIONS},
}


def staff(*grants: RoleGrant, active: bool = True) -> User:
    return User(email="someone@example.org", active=active, grants=list(grants))


def grant_for(role: Role) -> RoleGrant:
    if role is Role.REGION_REVIEWER:
        return RoleGrant(role=role.value, region_code=REGION)
    if role is Role.ADMINISTRATOR:
        return RoleGrant(role=role.value)
    return RoleGrant(role=role.value, body_id=OWN_BODY)


CASES = [
    pytest.param(role, action, place, expected[i], id=f"{role.value}-{action}-{place}")
    for role, actions in MATRIX.items()
    for action, expected in actions.items()
    for i, place in enumerate(PLACES)
]


def test_matrix_covers_every_role_and_action():
    assert set(MATRIX) == set(Role)
    assert all(set(actions) == set(access.ACTIONS) for actions in MATRIX.values())


@pytest.mark.parametrize(("role", "action", "place", "expected"), CASES)
def test_policy(role, action, place, expected):
    assert can(staff(grant_for(role)), action, **PLACES[place]) is expected


@pytest.mark.parametrize("role", list(Role))
def test_deactivated_user_may_do_nothing(role):
    user = staff(grant_for(role), active=False)

    assert not any(can(user, a, **PLACES["own"]) for a in ACTIONS)
    assert not any(can_anywhere(user, a) for a in ACTIONS)


def test_user_without_role_may_do_nothing():
    assert not any(can(staff(), a, **PLACES["own"]) for a in ACTIONS)
    assert not any(can(None, a, **PLACES["own"]) for a in ACTIONS)


def test_forgetting_the_scope_denies_all_but_administrators():
    assert not can(staff(grant_for(Role.CREW_MEMBER)), "tickets.update")
    assert not can(staff(grant_for(Role.REGION_REVIEWER)), "tickets.read")
    assert can(staff(grant_for(Role.ADMINISTRATOR)), "tickets.update")


def test_region_reviewer_needs_the_objects_region_not_only_its_body():
    assert not can(staff(grant_for(Role.REGION_REVIEWER)), "tickets.read", body_id=OWN_BODY)


def test_several_grants_add_up():
    user = staff(
        RoleGrant(role="crew_member", body_id=OWN_BODY),
        RoleGrant(role="commune_manager", body_id=SAME_REGION_BODY),
    )

    assert can(user, "tickets.update", body_id=OWN_BODY)
    assert can(user, "tickets.update", body_id=SAME_REGION_BODY)
    assert not can(user, "staff.invite", body_id=OWN_BODY)
    assert can(user, "staff.invite", body_id=SAME_REGION_BODY)
    assert scope_of(user).body_ids == {OWN_BODY, SAME_REGION_BODY}


def test_unknown_action_is_a_programming_error_not_a_denial():
    with pytest.raises(UnknownActionError):
        can(staff(grant_for(Role.ADMINISTRATOR)), "tickets.delete_everything")


@pytest.mark.parametrize(
    ("role", "grantable"),
    [
        (Role.CREW_MEMBER, set()),
        (Role.REGION_REVIEWER, set()),
        (Role.COMMUNE_MANAGER, {(Role.CREW_MEMBER, OWN_BODY)}),
        (
            Role.ADMINISTRATOR,
            {(r, b) for r in Role for b in (OWN_BODY, SAME_REGION_BODY, None)},
        ),
    ],
)
def test_who_may_hand_out_which_role(role, grantable):
    user = staff(grant_for(role))
    allowed = {
        (r, b) for r in Role for b in (OWN_BODY, SAME_REGION_BODY, None) if can_grant(user, r, b)
    }
    assert allowed == grantable


def test_scope_of_lists_bodies_and_regions():
    assert scope_of(staff(grant_for(Role.CREW_MEMBER))) == access.ReadScope(
        False, frozenset({OWN_BODY}), frozenset()
    )
    assert scope_of(staff(grant_for(Role.REGION_REVIEWER))).region_codes == {REGION}
    assert scope_of(staff(grant_for(Role.REGION_REVIEWER)), "tickets.update").empty
    assert scope_of(staff(grant_for(Role.ADMINISTRATOR))).everywhere
