"""A crew takes a ticket through its lifecycle over HTTP; every refusal changes nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from app.accounts.models import Role
from app.accounts.services import issue_token
from app.dates import BELGIAN_TIME
from tests.helpers.accounts import bearer
from tests.helpers.api import assert_problem
from tests.helpers.staff import TICKETS


def _stored(connection, ticket_id):
    row = connection.execute(
        text("SELECT status, version, priority FROM reports WHERE id = :id"), {"id": ticket_id}
    ).one()
    return tuple(row)


def test_a_crew_takes_a_ticket_from_new_to_resolved(crew, ticket):
    steps = [
        ("acknowledged", {}),
        ("planned", {"planned_for": "2031-05-04", "note": "Asphalt crew on Monday"}),
        ("in_progress", {}),
        ("resolved", {"note": "Filled"}),
    ]
    for to, extra in steps:
        response = crew.transition(ticket.id, to, **extra)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert body["status"] == to
        assert response.headers["ETag"] == f'"v{body["version"]}"'

    final = crew.ticket(ticket.id)
    assert [h["to_status"] for h in final["history"]] == ["new", *(s for s, _ in steps)]
    assert final["planned_for"] == "2031-05-04"
    assert final["oslo_status"]["label"] == "Opgelost"
    assert final["open311_status"] == "closed"
    assert final["allowed_transitions"] == ["reopened"]
    assert [a["action"] for a in final["audit"]] == ["transition"] * 4
    assert final["audit"][0]["actor"] == crew.user.name


def test_rejecting_needs_a_reason(crew, ticket, connection):
    before = _stored(connection, ticket.id)

    response = crew.transition(ticket.id, "rejected")

    problem = assert_problem(response, 422)
    assert "reason" in problem["detail"]
    assert _stored(connection, ticket.id) == before
    rejected = crew.transition(ticket.id, "rejected", reason="Private land")
    assert rejected.get_json()["history"][-1]["note"] == "Private land"


def test_a_reason_or_note_with_control_characters_is_refused(crew, ticket, connection):
    # The reason is emailed to the resident and both show on crews' screens: a terminal
    # escape or a text-direction override would disguise them, as in a comment.
    before = _stored(connection, ticket.id)
    for field, to in (("reason", "rejected"), ("note", "acknowledged")):
        extra = {"reason": "Terrain privé"} if field == "note" else {}
        for hostile in ("bad\u0007\u001b[2J", "lire \u202eà l'envers", "\u2066isolé"):
            response = crew.transition(ticket.id, to, **extra, **{field: hostile})
            problem = assert_problem(response, 422)
            assert {e["pointer"] for e in problem["errors"]} == {f"/{field}"}
            assert _stored(connection, ticket.id) == before
    kept = crew.transition(ticket.id, "rejected", reason="Terrain privé,\n\tvoir le cadastre")
    assert kept.status_code == 200, kept.get_json()


def test_planning_needs_a_date(crew, ticket):
    crew.transition(ticket.id, "acknowledged")

    assert_problem(crew.transition(ticket.id, "planned"), 422)


def test_an_invalid_transition_lists_the_allowed_ones(crew, ticket, connection):
    response = crew.transition(ticket.id, "resolved")

    problem = assert_problem(response, 409)
    assert problem["allowed"] == ["acknowledged", "rejected", "duplicate", "transferred"]
    assert _stored(connection, ticket.id)[0] == "new"


def test_a_stale_if_match_is_refused_and_changes_nothing(crew, ticket, connection):
    version = crew.ticket(ticket.id)["version"]
    assert crew.transition(ticket.id, "acknowledged", version=version).status_code == 200
    before = _stored(connection, ticket.id)

    # A second crew member's phone still shows the version read before the acknowledgement.
    response = crew.change("PATCH", f"{TICKETS}/{ticket.id}", version, json={"priority": "urgent"})

    problem = assert_problem(response, 412)
    assert problem["current_version"] == version + 1
    assert _stored(connection, ticket.id) == before


def test_a_change_without_if_match_is_refused(crew, ticket, connection):
    before = _stored(connection, ticket.id)

    for method, path, body in [
        ("POST", f"{TICKETS}/{ticket.id}/transitions", {"to": "acknowledged"}),
        ("PATCH", f"{TICKETS}/{ticket.id}", {"priority": "high"}),
        ("POST", f"{TICKETS}/{ticket.id}/updates", {"body": "On it", "public": True}),
    ]:
        assert_problem(crew.change(method, path, json=body), 428)
        assert_problem(crew.change(method, path, headers={"If-Match": "*"}, json=body), 428)
    assert _stored(connection, ticket.id) == before


def test_without_the_csrf_token_nothing_changes(crew, ticket, connection):
    before = _stored(connection, ticket.id)

    response = crew.client.post(
        f"{TICKETS}/{ticket.id}/transitions",
        json={"to": "acknowledged"},
        headers={"If-Match": '"v1"'},
    )

    assert_problem(response, 403)
    assert _stored(connection, ticket.id) == before


def test_a_bearer_token_needs_no_csrf_token(app, session, make_staff, ticket):
    user = make_staff(Role.COMMUNE_MANAGER)
    _, token = issue_token(session, user, "commune ticketing system")
    session.commit()
    client = app.test_client()

    response = client.post(
        f"{TICKETS}/{ticket.id}/transitions",
        json={"to": "acknowledged"},
        headers={**bearer(token), "If-Match": '"v1"'},
    )

    assert response.status_code == 200, response.get_json()
    assert client.get(f"{TICKETS}/{ticket.id}", headers=bearer(token)).status_code == 200


def test_priority_and_assignment(crew, staff_as, ticket):
    colleague = staff_as(Role.CREW_MEMBER)

    response = crew.change(
        "PATCH",
        f"{TICKETS}/{ticket.id}",
        1,
        json={"priority": "urgent", "assignee_user_id": colleague.user.id},
    )

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["priority"], body["assignee_user_id"]) == ("urgent", colleague.user.id)
    assert [a["action"] for a in body["audit"]] == ["set_priority", "assign"]
    assert body["audit"][0]["before"]["priority"] == "normal"
    mine = colleague.get(TICKETS, query_string={"assigned_to_me": "true"}).get_json()
    assert [t["id"] for t in mine["items"]] == [str(ticket.id)]


def test_a_ticket_cannot_be_given_to_someone_of_another_commune(crew, staff_as, places, ticket):
    outsider = staff_as(Role.CREW_MEMBER, body_id=places.namur)

    response = crew.change(
        "PATCH", f"{TICKETS}/{ticket.id}", 1, json={"assignee_user_id": outsider.user.id}
    )

    problem = assert_problem(response, 422)
    assert problem["type"].endswith("/invalid-assignee")
    assert problem["assignee_user_id"] == outsider.user.id
    assert crew.ticket(ticket.id)["assignee_user_id"] is None


def test_a_duplicate_points_to_its_original(crew, report_factory, ticket):
    original = report_factory(in_brussels=True)

    response = crew.transition(ticket.id, "duplicate", duplicate_of=str(original.id))

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["duplicate_of"] == str(original.id)


def test_a_duplicate_of_a_ticket_i_cannot_read_is_refused(crew, report_factory, ticket):
    elsewhere = report_factory(in_namur=True)

    response = crew.transition(ticket.id, "duplicate", duplicate_of=str(elsewhere.id))

    assert_problem(response, 422)


def test_a_transfer_moves_the_ticket_to_the_other_commune(crew, staff_as, places, ticket):
    namur_crew = staff_as(Role.CREW_MEMBER, body_id=places.namur)
    assert namur_crew.get(TICKETS).get_json()["items"] == []

    response = crew.transition(
        ticket.id, "transferred", to_body="commune-92094", reason="Not our street"
    )

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["body"]["code"] == "commune-92094"
    assert [t["id"] for t in namur_crew.get(TICKETS).get_json()["items"]] == [str(ticket.id)]
    assert crew.get(TICKETS).get_json()["items"] == []
    assert_problem(crew.get(f"{TICKETS}/{ticket.id}"), 403)
    seen = namur_crew.ticket(ticket.id)
    assert seen["reporter"]["email"] == ticket.reporter_email
    transfer = seen["audit"][-1]
    assert transfer["before"]["body_code"] == "commune-21004"
    assert transfer["after"]["body_code"] == "commune-92094"
    assert seen["history"][-1]["to_status"] == "transferred"
    assert "acknowledged" in seen["allowed_transitions"]


def test_a_transfer_needs_a_known_body(crew, ticket):
    response = crew.transition(ticket.id, "transferred", to_body="nowhere", reason="x")

    assert_problem(response, 422)


def test_a_planned_date_is_a_date(crew, ticket):
    crew.transition(ticket.id, "acknowledged")

    response = crew.transition(ticket.id, "planned", planned_for="next monday")

    problem = assert_problem(response, 422)
    assert problem["errors"][0]["pointer"] == "/planned_for"


def _belgian_today() -> dt.date:
    return dt.datetime.now(BELGIAN_TIME).date()


def test_a_planned_date_is_a_day_to_come_within_five_years(crew, ticket):
    crew.transition(ticket.id, "acknowledged")
    today = _belgian_today()
    for day in (today - dt.timedelta(days=1), dt.date(1, 1, 1), dt.date(9999, 12, 31)):
        response = crew.change(
            "POST",
            f"{TICKETS}/{ticket.id}/transitions",
            crew.ticket(ticket.id)["version"],
            json={"to": "planned", "planned_for": day.isoformat()},
            headers={"Accept-Language": "fr"},
        )
        problem = assert_problem(response, 422)
        [error] = problem["errors"]
        # Said in the crew's language, with the days they may choose.
        assert error["pointer"] == "/planned_for"
        assert error["detail"].startswith("Doit être supérieur ou égal à")
        assert today.isoformat() in error["detail"]
    assert crew.ticket(ticket.id)["status"] == "acknowledged"

    response = crew.transition(ticket.id, "planned", planned_for=today.isoformat())
    assert response.status_code == 200, response.get_json()
    assert crew.ticket(ticket.id)["planned_for"] == today.isoformat()


def test_an_update_that_shows_nothing_is_refused(crew, ticket):
    for blank in ("   ", "\u200b", "\ufeff\u2060"):
        response = crew.change(
            "POST",
            f"{TICKETS}/{ticket.id}/updates",
            crew.ticket(ticket.id)["version"],
            json={"body": blank, "public": True},
            headers={"Accept-Language": "nl"},
        )
        problem = assert_problem(response, 422)
        assert problem["errors"][0]["pointer"] == "/body", blank
        assert problem["errors"][0]["detail"] == "Mag niet leeg zijn.", blank
    assert crew.ticket(ticket.id)["updates"] == []
