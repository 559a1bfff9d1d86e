"""Staff of three communes in two regions, made through the account services, and logins."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.accounts.services import Grant, create_user
from app.bodies.models import Body

PASSWORD = "correct horse battery staple"
BRUSSELS_REGION = "04000"
WALLONIA = "03000"


@dataclass(frozen=True)
class Places:
    """Body ids: Bruxelles (own), Ixelles (same region), Namur (another region)."""

    brussels: int
    ixelles: int
    namur: int
    region_brussels: int


@pytest.fixture
def places(session) -> Places:
    def body(code: str) -> int:
        return session.scalar(select(Body.id).where(Body.code == code))

    return Places(
        brussels=body("commune-21004"),
        ixelles=body("commune-21009"),
        namur=body("commune-92094"),
        region_brussels=body("region-brussels"),
    )


@pytest.fixture
def make_staff(session, places):
    """make_staff(role) → an active user holding that role over Bruxelles (or the region)."""
    counter = iter(range(1000))

    def make(role: Role | None = Role.CREW_MEMBER, *, email: str | None = None, **scope):
        if role in (Role.CREW_MEMBER, Role.COMMUNE_MANAGER):
            scope.setdefault("body_id", places.brussels)
        elif role is Role.REGION_REVIEWER:
            scope.setdefault("region_code", BRUSSELS_REGION)
        grants = (Grant(role, **scope),) if role else ()
        email = email or f"{role.value if role else 'nobody'}{next(counter)}@commune.example"
        user = create_user(session, email, PASSWORD, name="Staff", grants=grants)
        session.commit()
        return user

    return make


def login(client, user, password: str = PASSWORD) -> str:
    """Log `user` in on `client`; returns the CSRF token."""
    response = client.post("/api/v1/auth/login", json={"email": user.email, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["csrf_token"]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
