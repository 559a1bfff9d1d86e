"""Who a ticket may be given to: the crew members and managers of its body, for its staff."""

from __future__ import annotations

from app.accounts.models import Role
from app.accounts.services import deactivate_user
from tests.helpers.api import assert_problem
from tests.helpers.staff import WALLONIA

BRUXELLES = "/api/v1/staff/bodies/commune-21004/members"


def test_lists_the_crews_and_managers_of_my_body_by_name(
    session, staff_as, make_staff, places, app
):
    crew = staff_as(Role.CREW_MEMBER)
    manager = make_staff(Role.COMMUNE_MANAGER, email="zoe.manager@commune.example")
    manager.name = "Zoé Manager"
    nameless = make_staff(Role.CREW_MEMBER, email="anna@commune.example")
    nameless.name = ""
    gone = make_staff(Role.CREW_MEMBER, email="gone@commune.example")
    deactivate_user(session, gone)
    make_staff(Role.CREW_MEMBER, body_id=places.ixelles)
    make_staff(Role.REGION_REVIEWER)
    make_staff(Role.ADMINISTRATOR)
    session.commit()

    response = crew.get(BRUXELLES)

    assert response.status_code == 200, response.get_json()
    members = response.get_json()
    # The email stands in for a missing name; inactive users and other bodies are left out.
    assert members == sorted(
        [
            {"id": crew.user.id, "name": "Staff"},
            {"id": manager.id, "name": "Zoé Manager"},
            {"id": nameless.id, "name": "anna@commune.example"},
        ],
        key=lambda m: (m["name"], m["id"]),
    )


def test_a_member_with_two_grants_on_the_body_is_listed_once(session, staff_as, places):
    from app.accounts.services import Grant, grant_role

    manager = staff_as(Role.COMMUNE_MANAGER)
    grant_role(session, manager.user, Grant(Role.CREW_MEMBER, body_id=places.brussels))
    session.commit()

    members = manager.get(BRUXELLES).get_json()

    assert [m["id"] for m in members] == [manager.user.id]


def test_the_region_reviewer_and_the_administrator_may_read_it(staff_as):
    staff_as(Role.CREW_MEMBER)
    for reader in (staff_as(Role.REGION_REVIEWER), staff_as(Role.ADMINISTRATOR)):
        response = reader.get(BRUXELLES)
        assert response.status_code == 200, response.get_json()
        assert len(response.get_json()) == 1


def test_staff_of_another_commune_or_region_are_refused(staff_as, places):
    staff_as(Role.CREW_MEMBER)
    for outsider in (
        staff_as(Role.CREW_MEMBER, body_id=places.namur),
        staff_as(Role.CREW_MEMBER, body_id=places.ixelles),
        staff_as(Role.REGION_REVIEWER, region_code=WALLONIA),
    ):
        body = assert_problem(outsider.get(BRUXELLES), 403)
        assert "Staff" not in str(body)


def test_an_anonymous_caller_must_log_in_and_learns_nothing(client, staff_as):
    staff_as(Role.CREW_MEMBER)
    assert_problem(client.get(BRUXELLES), 401)
    assert_problem(client.get("/api/v1/staff/bodies/no-such-body/members"), 401)


def test_an_unknown_body_is_a_404(crew):
    body = assert_problem(crew.get("/api/v1/staff/bodies/no-such-body/members"), 404)
    assert "no-such-body" in body["detail"]


def test_the_operation_declares_its_security_scheme(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/staff/bodies/{body_code}/members"]["get"]
    assert operation["security"] == [{"cookieAuth": []}, {"bearerAuth": []}]
    assert {"401", "403", "404"} <= set(operation["responses"])
