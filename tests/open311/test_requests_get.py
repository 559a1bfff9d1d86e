"""GET requests and GET one request: filters, the 90-day window, pages, formats and errors."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from sqlalchemy import text

from tests.helpers.open311 import BASE, json_array, json_error, parse_xml, xml_error, xml_items

W3C_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def ids(response) -> list[str]:
    return [r["service_request_id"] for r in json_array(response)]


def days_ago(days: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(days=days)


def stamp(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_request_has_the_spec_fields_in_xml(client, report_factory, session):
    report = report_factory(in_ixelles=True, description="Trou profond")
    # Free text is published once staff marked it publishable (see test_reports_read).
    session.execute(
        text("UPDATE reports SET description_public = true WHERE id = :id"), {"id": report.id}
    )
    [request] = xml_items(
        client.get(f"{BASE}/requests/{report.id}.xml"), "service_requests", "request"
    )
    assert request["service_request_id"] == str(report.id)
    assert request["status"] == "open"
    assert request["service_code"] == "pothole"
    assert request["service_name"] == "Nid-de-poule"
    assert request["description"] == "Trou profond"
    assert request["agency_responsible"] == "Ixelles"
    assert "Ixelles" in request["address"]
    assert float(request["lat"]) == pytest.approx(50.8275)
    assert float(request["long"]) == pytest.approx(4.3717)
    assert W3C_UTC.match(request["requested_datetime"])
    assert W3C_UTC.match(request["updated_datetime"])
    assert request["media_url"] is None


def test_json_is_a_bare_array_with_numbers_and_nulls(client, report_factory):
    report = report_factory(in_namur=True)
    [request] = json_array(client.get(f"{BASE}/requests/{report.id}.json"))
    assert request["agency_responsible"] == "Namur"
    assert isinstance(request["lat"], float) and isinstance(request["long"], float)
    assert request["status_notes"] is None
    assert W3C_UTC.match(request["requested_datetime"])


def test_closed_statuses_are_closed_with_the_reason_only_when_staff_made_it_public(
    client, report_factory, session
):
    from app.tickets.services import Actor, transition

    told, published = report_factory(), report_factory()
    transition(session, told.id, "rejected", actor=Actor("Crew"), reason="Mr Dupont's land.")
    transition(
        session,
        published.id,
        "rejected",
        actor=Actor("Crew"),
        reason="Private land.",
        reason_public=True,
    )
    session.commit()
    [request] = json_array(client.get(f"{BASE}/requests/{told.id}.json"))
    assert request["status"] == "closed"
    assert request["status_notes"] is None
    assert "Dupont" not in client.get(f"{BASE}/requests/{told.id}.xml").get_data(as_text=True)
    [request] = json_array(client.get(f"{BASE}/requests/{published.id}.json"))
    assert request["status_notes"] == "Private land."


def test_one_request_that_does_not_exist_is_404(client):
    xml_error(client.get(f"{BASE}/requests/{uuid.uuid4()}.xml"), 404)
    json_error(client.get(f"{BASE}/requests/not-an-id.json"), 404)


def test_service_request_id_takes_a_comma_list_and_overrides_other_filters(client, report_factory):
    old = report_factory(created_at=days_ago(400), category="graffiti")
    new = report_factory()
    report_factory()
    found = ids(
        client.get(
            f"{BASE}/requests.json",
            query_string={"service_request_id": f"{old.id},{new.id}", "service_code": "nope"},
        )
    )
    assert sorted(found) == sorted([str(old.id), str(new.id)])


def test_service_code_and_status_filter(client, report_factory):
    pothole = report_factory(category="pothole")
    graffiti = report_factory(category="graffiti")
    fixed = report_factory(category="graffiti", closed=True)
    found = ids(client.get(f"{BASE}/requests.json?service_code=graffiti"))
    assert str(graffiti.id) in found and str(fixed.id) in found and str(pothole.id) not in found
    found = ids(client.get(f"{BASE}/requests.json?service_code=graffiti,pothole&status=open"))
    assert str(graffiti.id) in found and str(pothole.id) in found and str(fixed.id) not in found
    found = ids(client.get(f"{BASE}/requests.json?status=closed"))
    assert str(fixed.id) in found and str(graffiti.id) not in found


def test_empty_parameters_are_treated_as_absent(client, report_factory):
    report = report_factory()
    query = "service_request_id=&service_code=&status=&start_date=&end_date=&page=&page_size="
    assert str(report.id) in ids(client.get(f"{BASE}/requests.json?{query}"))


def test_the_default_window_is_the_last_90_days(client, report_factory):
    recent = report_factory(created_at=days_ago(80))
    old = report_factory(created_at=days_ago(100))
    found = ids(client.get(f"{BASE}/requests.json"))
    assert str(recent.id) in found and str(old.id) not in found


def test_start_and_end_date_select_by_requested_datetime(client, report_factory):
    inside = report_factory(created_at=days_ago(200))
    before = report_factory(created_at=days_ago(260))
    query = {"start_date": stamp(days_ago(230)), "end_date": stamp(days_ago(170))}
    found = ids(client.get(f"{BASE}/requests.json", query_string=query))
    assert str(inside.id) in found and str(before.id) not in found


def test_a_start_date_alone_covers_90_days_from_it(client, report_factory):
    inside = report_factory(created_at=days_ago(300))
    after = report_factory(created_at=days_ago(150))
    found = ids(client.get(f"{BASE}/requests.json?start_date={stamp(days_ago(310))}"))
    assert str(inside.id) in found and str(after.id) not in found


def test_datetimes_with_an_offset_are_understood(client, report_factory):
    report = report_factory(created_at=dt.datetime(2024, 3, 1, 11, 30, tzinfo=dt.UTC))
    query = {"start_date": "2024-03-01T12:00:00+01:00", "end_date": "2024-03-01T13:00:00+01:00"}
    assert ids(client.get(f"{BASE}/requests.json", query_string=query)) == [str(report.id)]


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"start_date": "2024-01-01T00:00:00Z", "end_date": "2024-05-01T00:00:00Z"}, "90 days"),
        ({"start_date": "2024-05-01T00:00:00Z", "end_date": "2024-01-01T00:00:00Z"}, "before"),
        ({"start_date": "2024-01-01T00:00:00"}, "time zone"),
        ({"start_date": "9999-12-31T23:59:59Z"}, "between the years 1 and 9999"),
        ({"end_date": "0001-01-01T00:00:00Z"}, "between the years 1 and 9999"),
        ({"end_date": "yesterday"}, "time zone"),
        ({"status": "pending"}, "open or closed"),
        ({"service_request_id": "42"}, "service_request_id"),
        ({"page_size": "1001"}, "page_size"),
        ({"page": "0"}, "page"),
    ],
)
def test_malformed_parameters_are_400_in_both_formats(client, query, words):
    assert words in xml_error(client.get(f"{BASE}/requests.xml", query_string=query), 400)
    assert words in json_error(client.get(f"{BASE}/requests.json", query_string=query), 400)


def test_page_and_page_size_walk_the_requests_newest_first(client, report_factory):
    made = [report_factory(created_at=days_ago(10 - n)) for n in range(5)]
    newest_first = [str(r.id) for r in reversed(made)]
    pages = [ids(client.get(f"{BASE}/requests.json?page={page}&page_size=2")) for page in (1, 2, 3)]
    walked = [i for page in pages for i in page if i in newest_first]
    assert walked == newest_first
    assert len(pages[0]) == 2


def test_at_most_1000_requests_are_returned_by_default(client, report_factory, session):
    from sqlalchemy import text

    report = report_factory()
    # Copies of one report are the quickest way to 1,001 rows; only the count matters here.
    session.execute(
        text(
            "INSERT INTO reports (id, category_id, location, commune_id, body_id, status) "
            "SELECT gen_random_uuid(), category_id, location, commune_id, body_id, status "
            "FROM reports, generate_series(1, 1000) WHERE id = :id"
        ),
        {"id": report.id},
    )
    session.commit()
    assert len(json_array(client.get(f"{BASE}/requests.json"))) == 1000
    assert len(xml_items(client.get(f"{BASE}/requests.xml"), "service_requests", "request")) == (
        1000
    )


def test_the_xml_root_and_items_follow_the_spec(client, report_factory):
    report_factory()
    document = parse_xml(client.get(f"{BASE}/requests.xml"))
    assert document.tag == "service_requests"
    first = document[0]
    assert first.tag == "request"
    assert [child.tag for child in first][:3] == ["service_request_id", "status", "status_notes"]
