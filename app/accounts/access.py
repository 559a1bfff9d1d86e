"""Who may do what, where: a small explicit policy over a user's scoped role grants.

A crew member and a commune manager act on the tickets of their bodies; a manager also
invites crew members to those bodies. A region reviewer reads everything in their region,
internal notes included, and changes nothing. An administrator may do everything.

Callers name the object's scope: `can(user, "tickets.update", body_id=ticket.body_id,
region_code=ticket_region)`. Without a scope only unscoped permissions (an administrator's)
apply, so that forgetting to pass the scope denies rather than allows.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.bodies.models import Body


class Scope(enum.Enum):
    BODY = "body"  # the grant's body is the object's body
    REGION = "region"  # the grant's region is the object's region
    EVERYWHERE = "everywhere"


_BODY_STAFF = {Role.CREW_MEMBER: Scope.BODY, Role.COMMUNE_MANAGER: Scope.BODY}
_ADMIN = {Role.ADMINISTRATOR: Scope.EVERYWHERE}

# Each action: the roles that allow it, and how far their grant reaches.
POLICY: dict[str, dict[Role, Scope]] = {
    "tickets.read": {**_BODY_STAFF, Role.REGION_REVIEWER: Scope.REGION, **_ADMIN},
    "tickets.read_internal": {**_BODY_STAFF, Role.REGION_REVIEWER: Scope.REGION, **_ADMIN},
    # A reporter's contact details are for the body that must act on the report.
    "tickets.read_contact": {**_BODY_STAFF, **_ADMIN},
    "tickets.update": {**_BODY_STAFF, **_ADMIN},
    "staff.invite": {Role.COMMUNE_MANAGER: Scope.BODY, **_ADMIN},
    # How a body receives its reports (app/delivery/settings.py): its managers and administrators.
    "bodies.delivery": {Role.COMMUNE_MANAGER: Scope.BODY, **_ADMIN},
    # The failed deliveries to a body's own system, and their retry.
    "deliveries.retry": {Role.COMMUNE_MANAGER: Scope.BODY, **_ADMIN},
    "admin": {**_ADMIN},
}
ACTIONS = tuple(POLICY)


class UnknownActionError(KeyError):
    """A programming error: the action is not in the policy (a typo must never allow)."""


def _rules(action: str) -> dict[Role, Scope]:
    try:
        return POLICY[action]
    except KeyError:
        raise UnknownActionError(action) from None


def _grants(user):
    if user is None or not user.active:
        return ()
    return user.grants


def can(user, action: str, *, body_id: int | None = None, region_code: str | None = None) -> bool:
    """May `user` do `action` on an object of this body (and this region)?"""
    rules = _rules(action)
    for grant in _grants(user):
        scope = rules.get(Role(grant.role))
        if scope is Scope.EVERYWHERE:
            return True
        if scope is Scope.BODY and body_id is not None and grant.body_id == body_id:
            return True
        if scope is Scope.REGION and region_code is not None and grant.region_code == region_code:
            return True
    return False


def can_anywhere(user, action: str) -> bool:
    """May `user` do `action` on at least some objects? (The gate before a scoped check.)"""
    rules = _rules(action)
    return any(Role(grant.role) in rules for grant in _grants(user))


def is_administrator(user) -> bool:
    return can(user, "admin")


def can_grant(user, role: Role | str, body_id: int | None = None) -> bool:
    """May `user` give `role` to someone? Managers invite crew to their own bodies, only."""
    if is_administrator(user):
        return True
    return Role(role) is Role.CREW_MEMBER and can(user, "staff.invite", body_id=body_id)


@dataclass(frozen=True)
class ReadScope:
    """Where a user may do an action: everywhere, or these bodies and these regions."""

    everywhere: bool
    body_ids: frozenset[int]
    region_codes: frozenset[str]

    @property
    def empty(self) -> bool:
        return not (self.everywhere or self.body_ids or self.region_codes)


def scope_of(user, action: str = "tickets.read") -> ReadScope:
    """The scope of `action` for `user`, to filter lists: body_id IN … OR region IN …"""
    rules = _rules(action)
    body_ids: set[int] = set()
    region_codes: set[str] = set()
    for grant in _grants(user):
        scope = rules.get(Role(grant.role))
        if scope is Scope.EVERYWHERE:
            return ReadScope(True, frozenset(), frozenset())
        if scope is Scope.BODY:
            body_ids.add(grant.body_id)
        elif scope is Scope.REGION:
            region_codes.add(grant.region_code)
    return ReadScope(False, frozenset(body_ids), frozenset(region_codes))


def visible_body_ids(session: Session, user, action: str = "tickets.read") -> frozenset[int] | None:
    """The ids of the bodies whose tickets `user` may `action`; None means every body.

    A region reviewer sees the bodies of their region (its communes and the regional
    agency). Tickets transferred to an operator without a region are reached through
    `scope_of(...).region_codes` and the ticket's commune, not through this list.
    """
    scope = scope_of(user, action)
    if scope.everywhere:
        return None
    ids = set(scope.body_ids)
    if scope.region_codes:
        ids.update(
            session.scalars(
                select(Body.id).where(
                    or_(Body.region_code.in_(scope.region_codes), Body.id.in_(ids))
                )
            )
        )
    return frozenset(ids)
