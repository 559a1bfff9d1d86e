"""mySociety's servicerequestupdates: reading public changes, and a commune pushing its own."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.reports.models import Report
from app.tickets.models import ReportUpdate
from tests.helpers.open311 import BASE, json_array, json_error, xml_error, xml_items

UPDATES = f"{BASE}/servicerequestupdates"


def push(client, api_key, report_id, status, fmt="json", **fields):
    data = {"api_key": api_key, "service_request_id": str(report_id), "status": status, **fields}
    return client.post(f"{UPDATES}.{fmt}", data=data)


def status_of(session, report_id) -> str:
    session.expire_all()
    return session.get(Report, report_id).status


def test_a_commune_pushes_its_statuses_through_the_lifecycle(client, api_key, session, ticket):
    response = push(client, api_key, ticket.id, "INVESTIGATING", fmt="xml")
    assert response.status_code == 200
    [answer] = xml_items(response, "service_request_updates", "request_update")
    assert re.fullmatch(r"status-[0-9a-f]{24}", answer["update_id"])  # not a serial
    assert status_of(session, ticket.id) == "acknowledged"
    push(client, api_key, ticket.id, "action_scheduled", expected_datetime="2030-05-01T08:00:00Z")
    assert status_of(session, ticket.id) == "planned"
    assert session.get(Report, ticket.id).planned_for.isoformat() == "2030-05-01"
    push(client, api_key, ticket.id, "in_progress")
    push(client, api_key, ticket.id, "fixed", description="Repaired this morning.")
    assert status_of(session, ticket.id) == "resolved"
    [request] = json_array(client.get(f"{BASE}/requests/{ticket.id}.json"))
    assert request["status"] == "closed"
    push(client, api_key, ticket.id, "open")
    assert status_of(session, ticket.id) == "reopened"


def test_pushed_updates_are_listed_with_their_extended_status(client, api_key, ticket):
    push(client, api_key, ticket.id, "investigating")
    push(client, api_key, ticket.id, "no_further_action", description="Private land.")
    updates = xml_items(client.get(f"{UPDATES}.xml"), "service_requests_updates", "request_update")
    # Both were recorded in the test's one transaction, at one time: their order is the ids'.
    mine = {u["status"]: u for u in updates if u["service_request_id"] == str(ticket.id)}
    assert sorted(mine) == ["investigating", "no_further_action"]
    assert mine["no_further_action"]["description"] == "Private land."
    assert mine["no_further_action"]["external_status_code"] == "rejected"
    assert mine["no_further_action"]["updated_datetime"].endswith("Z")
    as_json = json_array(client.get(f"{UPDATES}.json"))
    assert [u["update_id"] for u in as_json] == [u["update_id"] for u in updates]


def test_a_description_with_the_same_status_is_a_public_update(client, api_key, session, ticket):
    push(client, api_key, ticket.id, "investigating")
    response = push(client, api_key, ticket.id, "investigating", description="Crew on site.")
    [answer] = json_array(response)
    assert re.fullmatch(r"update-[0-9a-f]{24}", answer["update_id"])
    listed = json_array(client.get(f"{UPDATES}.json"))
    assert any(u["description"] == "Crew on site." for u in listed)
    public = session.scalar(
        select(func.count()).where(ReportUpdate.report_id == ticket.id, ReportUpdate.public)
    )
    assert public == 1


@pytest.mark.parametrize(
    ("status", "fields", "words"),
    [
        ("fixed", {}, "cannot become"),  # a new ticket is triaged first
        ("no_further_action", {}, "reason"),
        ("action_scheduled", {}, "date"),
        ("duplicate", {}, "original"),
        ("teleported", {}, "not supported"),
        ("open", {}, "send a description"),
        ("investigating", {"updated_datetime": "today"}, "time zone"),
    ],
)
def test_changes_the_lifecycle_refuses_are_400_and_change_nothing(
    client, api_key, session, ticket, status, fields, words
):
    if status in ("open", "action_scheduled", "duplicate"):
        push(client, api_key, ticket.id, "investigating")
    before = status_of(session, ticket.id)
    assert words in json_error(push(client, api_key, ticket.id, status, **fields), 400)
    assert status_of(session, ticket.id) == before


def test_only_the_bodys_staff_may_push(client, namur_key, session, ticket):
    assert "may not" in xml_error(push(client, namur_key, ticket.id, "investigating", "xml"), 403)
    xml_error(push(client, "pave_bad_key", ticket.id, "investigating", "xml"), 403)
    xml_error(push(client, None, ticket.id, "investigating", "xml"), 403)
    assert status_of(session, ticket.id) == "new"


def test_an_update_of_an_unknown_request_is_404(client, api_key):
    json_error(push(client, api_key, "6f1c5a0e-0000-4000-8000-000000000000", "fixed"), 404)


def test_the_updates_window_follows_the_requests_rules(client):
    query = {"start_date": "2024-01-01T00:00:00Z", "end_date": "2024-06-01T00:00:00Z"}
    assert "90 days" in json_error(client.get(f"{UPDATES}.json", query_string=query), 400)
