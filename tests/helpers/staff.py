"""Staff of Bruxelles, Ixelles and Namur logged in on their own clients, and tickets to act on."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from app.accounts.models import Role
from tests.helpers.accounts import BRUSSELS_REGION, WALLONIA, login, make_staff, places

__all__ = ["BRUSSELS_REGION", "WALLONIA", "make_staff", "places"]

TICKETS = "/api/v1/staff/tickets"


@dataclass
class Staff:
    """A logged-in member of staff: their user, their own test client and its CSRF header."""

    user: object
    client: object
    csrf: dict

    def get(self, path, **kwargs):
        return self.client.get(path, **kwargs)

    def change(self, method, path, version=None, *, headers=None, **kwargs):
        """A state-changing call with the CSRF token and, if given, If-Match: "v<version>"."""
        sent = {**self.csrf, **(headers or {})}
        if version is not None:
            sent["If-Match"] = f'"v{version}"'
        return self.client.open(path, method=method, headers=sent, **kwargs)

    def ticket(self, ticket_id):
        response = self.get(f"{TICKETS}/{ticket_id}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def transition(self, ticket_id, to, **body):
        version = body.pop("version", None)
        if version is None:
            version = self.ticket(ticket_id)["version"]
        return self.change(
            "POST", f"{TICKETS}/{ticket_id}/transitions", version, json={"to": to, **body}
        )


@pytest.fixture
def staff_as(app, make_staff):
    """staff_as(role, **scope) → Staff logged in on a fresh client of the test's app."""

    def make(role: Role = Role.CREW_MEMBER, **scope) -> Staff:
        user = make_staff(role, **scope)
        client = app.test_client()
        return Staff(user, client, {"X-CSRF-Token": login(client, user)})

    return make


@pytest.fixture
def crew(staff_as):
    """A crew member of Bruxelles."""
    return staff_as(Role.CREW_MEMBER)


@pytest.fixture
def ticket(report_factory):
    """A new ticket at the Grand-Place (Bruxelles), with the reporter's contact, created under
    an Idempotency-Key as the resident app does (its creator adds photos with it)."""
    return report_factory(
        in_brussels=True,
        with_reporter=True,
        description="Deep pothole",
        idempotency_key=f"creation-{uuid.uuid4()}",
    )
