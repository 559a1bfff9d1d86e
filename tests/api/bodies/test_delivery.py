"""GET and PUT /api/v1/bodies/<code>/delivery: who may, what is refused, the key write-only."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.accounts.services import issue_token
from app.tickets.models import AuditEntry
from tests.helpers.accounts import bearer
from tests.helpers.api import assert_problem

BRUXELLES = "/api/v1/bodies/commune-21004/delivery"
IXELLES = "/api/v1/bodies/commune-21009/delivery"
API_KEY = "Br#xelles-open311-KEY-2026"
SETTINGS = {
    "method": "open311",
    "endpoint": "https://open311.bruxelles.example/open311/v2/",
    "jurisdiction_id": "bruxelles.be",
    "service_codes": {"pothole": "ROAD-01", "graffiti": "TAG"},
    "attributes": {"pothole": {"source": "pave"}},
}


def put(staff, path=BRUXELLES, headers=None, **body):
    return staff.change("PUT", path, json={**SETTINGS, **body}, headers=headers)


def test_an_administrator_connects_a_body_and_the_key_is_never_returned(staff_as):
    admin = staff_as(Role.ADMINISTRATOR)

    response = put(admin, api_key=API_KEY)

    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert "api_key" not in answer and API_KEY not in response.get_data(as_text=True)
    assert answer["api_key_set"] is True and answer["api_key_readable"] is True
    assert {k: answer[k] for k in SETTINGS} == SETTINGS and answer["body"] == "commune-21004"
    assert answer["names"]["fr"] == "Bruxelles" and answer["names"]["nl"] == "Brussel"
    read = admin.get(BRUXELLES)
    assert read.status_code == 200 and read.get_json() == answer
    assert API_KEY not in read.get_data(as_text=True)


def test_the_key_absent_is_kept_and_null_removes_it(staff_as):
    admin = staff_as(Role.ADMINISTRATOR)
    put(admin, api_key=API_KEY)

    kept = put(admin, jurisdiction_id="bxl").get_json()
    removed = put(admin, api_key=None).get_json()

    assert kept["api_key_set"] is True and kept["jurisdiction_id"] == "bxl"
    assert removed["api_key_set"] is False


def test_a_manager_changes_their_own_body_and_the_audit_names_them(staff_as, session):
    manager = staff_as(Role.COMMUNE_MANAGER)

    response = put(manager, api_key=API_KEY)

    assert response.status_code == 200, response.get_json()
    row = session.scalar(select(AuditEntry).where(AuditEntry.action == "delivery_settings"))
    assert row.actor_user_id == manager.user.id and row.report_id is None
    assert row.before["method"] == "pave" and row.after["method"] == "open311"
    assert row.after["api_key"] == "set"
    assert API_KEY not in json.dumps([row.before, row.after])


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.COMMUNE_MANAGER, "ixelles"),
        (Role.CREW_MEMBER, "brussels"),
        (Role.REGION_REVIEWER, None),
    ],
)
def test_others_are_refused_both_ways(staff_as, places, role, scope):
    kwargs = {"body_id": getattr(places, scope)} if scope else {}
    outsider = staff_as(role, **kwargs)
    put(staff_as(Role.ADMINISTRATOR), api_key=API_KEY)

    read = assert_problem(outsider.get(BRUXELLES), 403)
    write = assert_problem(put(outsider, method="pave"), 403)

    assert "open311.bruxelles" not in json.dumps([read, write])
    assert staff_as(Role.ADMINISTRATOR).get(BRUXELLES).get_json()["method"] == "open311"


def test_a_manager_of_two_bodies_reaches_both_and_no_third(staff_as, places, session):
    from app.accounts.services import Grant, grant_role

    manager = staff_as(Role.COMMUNE_MANAGER, body_id=places.ixelles)
    grant_role(session, manager.user, Grant(Role.COMMUNE_MANAGER, body_id=places.brussels))
    session.commit()

    assert manager.get(IXELLES).status_code == 200
    assert manager.get(BRUXELLES).status_code == 200
    assert_problem(manager.get("/api/v1/bodies/commune-92094/delivery"), 403)


def test_anonymous_callers_log_in_first_and_an_unknown_body_is_a_404(client, staff_as):
    assert_problem(client.get(BRUXELLES), 401)
    assert_problem(client.put("/api/v1/bodies/nope/delivery", json=SETTINGS), 401)
    admin = staff_as(Role.ADMINISTRATOR)
    assert_problem(admin.get("/api/v1/bodies/commune-00000/delivery"), 404)
    assert_problem(put(admin, "/api/v1/bodies/commune-00000/delivery"), 404)


def test_a_session_needs_the_csrf_token_to_change(staff_as):
    admin = staff_as(Role.ADMINISTRATOR)
    response = admin.client.put(BRUXELLES, json=SETTINGS)
    assert_problem(response, 403)


HOSTILE = [
    ({"method": "fax"}, "/method"),
    ({"endpoint": "javascript:alert(1)"}, "/endpoint"),
    ({"endpoint": "https://admin:pw@open311.example/"}, "/endpoint"),
    ({"endpoint": "http://open311.example/v2/"}, "/endpoint"),
    ({"endpoint": "https://x.example/" + "a" * 100_000}, "/endpoint"),
    ({"api_key": "line\r\nbreak"}, "/api_key"),
    ({"api_key": "k" * 501}, "/api_key"),
    ({"jurisdiction_id": "\u0085"}, "/jurisdiction_id"),
    ({"service_codes": {"<script>": "x"}}, "/service_codes/<script>"),
    ({"service_codes": {"pothole": "\u2028"}}, "/service_codes/pothole"),
    ({"attributes": {"pothole": {"name[]": "1"}}}, "/attributes/pothole/name[]"),
    ({"service_codes": ["pothole"]}, "/service_codes"),
    ({"endpoint": 12}, "/endpoint"),
    ({"surprise": 1}, "/surprise"),
]


@pytest.mark.parametrize(("values", "pointer"), HOSTILE)
def test_hostile_values_are_refused_field_by_field(staff_as, session, values, pointer):
    admin = staff_as(Role.ADMINISTRATOR)

    problem = assert_problem(put(admin, **values), 422)

    assert pointer in [error["pointer"] for error in problem["errors"]], problem
    assert (
        session.scalar(select(AuditEntry).where(AuditEntry.action == "delivery_settings")) is None
    )
    assert admin.get(BRUXELLES).get_json()["method"] == "pave"


def test_nul_is_refused_before_the_view(staff_as):
    admin = staff_as(Role.ADMINISTRATOR)
    problem = assert_problem(put(admin, api_key="a\x00b"), 422)
    assert problem["errors"][0]["pointer"] == "/api_key"
    assert_problem(admin.get("/api/v1/bodies/commune-21004%00/delivery"), 404)


def test_errors_are_in_the_readers_language(staff_as):
    admin = staff_as(Role.ADMINISTRATOR)

    problem = assert_problem(
        put(admin, headers={"Accept-Language": "nl"}, endpoint="ftp://x.example/"), 422
    )

    assert problem["title"] == "Ongeldige instellingen voor de ontvangst"
    assert problem["errors"][0]["detail"].startswith("Het serveradres moet een volledig")


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", "adresse interne"),
        ("nl", "intern adres"),
        ("de", "interne Adresse"),
        ("en", "internal"),
    ],
)
def test_a_manager_is_told_an_internal_address_in_plain_words(staff_as, lang, words):
    manager = staff_as(Role.COMMUNE_MANAGER)
    internal = "https://169.254.169.254/latest/"

    problem = assert_problem(
        put(manager, headers={"Accept-Language": lang}, endpoint=internal), 422
    )

    (error,) = problem["errors"]
    assert error["pointer"] == "/endpoint" and words in error["detail"]
    # The server's settings are the administrators' business: not named to a manager.
    assert "DELIVERY_" not in json.dumps(problem)


def test_the_key_is_in_no_log_nor_answer_even_with_a_token(staff_as, session, app, caplog):
    admin = staff_as(Role.ADMINISTRATOR)
    _, token = issue_token(session, admin.user, "ticketing system")
    session.commit()
    caplog.set_level(logging.DEBUG)
    client = app.test_client()

    answers = [
        client.put(BRUXELLES, json={**SETTINGS, "api_key": API_KEY}, headers=bearer(token)),
        client.put(BRUXELLES, json={**SETTINGS, "api_key": API_KEY + "\n"}, headers=bearer(token)),
        client.get(BRUXELLES, headers=bearer(token)),
    ]

    assert [a.status_code for a in answers] == [200, 422, 200]
    assert not [a for a in answers if API_KEY in a.get_data(as_text=True)]
    assert API_KEY not in caplog.text


def test_the_openapi_document_lists_both_operations_and_no_key_in_the_answer(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    item = spec["paths"]["/api/v1/bodies/{body_code}/delivery"]

    assert {"get", "put"} <= set(item)
    answer = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    name = answer["$ref"].rsplit("/", 1)[1]
    assert "api_key" not in spec["components"]["schemas"][name]["properties"]
    assert "api_key_set" in spec["components"]["schemas"][name]["properties"]
