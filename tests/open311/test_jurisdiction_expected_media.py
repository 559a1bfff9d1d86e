"""jurisdiction_id on every call, expected_datetime from the planned date, a posted media_url."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.reports.models import Report
from app.tickets.services import Actor, transition
from tests.factories import GRAND_PLACE
from tests.helpers.open311 import BASE, json_array, json_error, parse_xml, xml_error, xml_items

CREW = Actor("Crew")


def form(api_key, **fields):
    base = {"api_key": api_key, "service_code": "pothole", "lat": GRAND_PLACE[1]}
    return {**base, "long": GRAND_PLACE[0], **fields}


def count_reports(session) -> int:
    return session.scalar(select(func.count()).select_from(Report))


# ---- jurisdiction_id ---------------------------------------------------------------------


def test_discovery_declares_the_jurisdiction(client):
    assert parse_xml(client.get(f"{BASE}/discovery.xml")).findtext("jurisdiction_id") == "pave.be"
    assert client.get(f"{BASE}/discovery.json").get_json()["jurisdiction_id"] == "pave.be"


@pytest.mark.parametrize("jurisdiction", ["pave.be", "PAVE.be", ""])
def test_the_served_jurisdiction_or_none_is_answered(client, report_factory, jurisdiction):
    report = report_factory(in_brussels=True)
    query = {"jurisdiction_id": jurisdiction}

    assert client.get(f"{BASE}/services.json", query_string=query).status_code == 200
    found = client.get(f"{BASE}/requests/{report.id}.json", query_string=query)
    assert [r["service_request_id"] for r in json_array(found)] == [str(report.id)]


@pytest.mark.parametrize(
    "path", ["discovery", "services", "services/pothole", "requests", "servicerequestupdates"]
)
def test_another_jurisdiction_is_404_in_both_formats(client, path):
    query = {"jurisdiction_id": "sf.gov"}

    assert "sf.gov" in xml_error(client.get(f"{BASE}/{path}.xml", query_string=query), 404)
    assert "pave.be" in json_error(client.get(f"{BASE}/{path}.json", query_string=query), 404)


def test_a_post_for_another_jurisdiction_is_404_and_writes_nothing(client, api_key, session):
    before = count_reports(session)

    response = client.post(f"{BASE}/requests.json", data=form(api_key, jurisdiction_id="sf.gov"))

    json_error(response, 404)
    assert count_reports(session) == before
    created = client.post(f"{BASE}/requests.json", data=form(api_key, jurisdiction_id="pave.be"))
    assert created.status_code == 201, created.data


# ---- expected_datetime -------------------------------------------------------------------


def _request(client, report_id, fmt="json"):
    response = client.get(f"{BASE}/requests/{report_id}.{fmt}")
    if fmt == "xml":
        return xml_items(response, "service_requests", "request")[0]
    return json_array(response)[0]


def test_a_planned_request_expects_the_planned_day_in_belgian_time(client, report_factory, session):
    report = report_factory(in_brussels=True)
    assert _request(client, report.id)["expected_datetime"] is None
    transition(session, report.id, "acknowledged", actor=CREW)
    transition(session, report.id, "planned", actor=CREW, planned_for=dt.date(2031, 5, 4))
    session.commit()

    # Summer time: Brussels is two hours ahead of UTC.
    assert _request(client, report.id)["expected_datetime"] == "2031-05-04T00:00:00+02:00"
    assert _request(client, report.id, "xml")["expected_datetime"] == "2031-05-04T00:00:00+02:00"
    transition(session, report.id, "in_progress", actor=CREW)
    session.commit()
    assert _request(client, report.id)["expected_datetime"] == "2031-05-04T00:00:00+02:00"
    # Once resolved, nothing is expected any more.
    transition(session, report.id, "resolved", actor=CREW)
    session.commit()
    assert _request(client, report.id)["expected_datetime"] is None


def test_a_winter_date_has_the_winter_offset(client, report_factory, session):
    report = report_factory(in_brussels=True)
    transition(session, report.id, "acknowledged", actor=CREW)
    transition(session, report.id, "planned", actor=CREW, planned_for=dt.date(2031, 1, 15))
    session.commit()

    assert _request(client, report.id)["expected_datetime"] == "2031-01-15T00:00:00+01:00"


# ---- media_url ---------------------------------------------------------------------------

PICTURE = "https://photos.commune.example/2031/05/pothole-123.jpg"


def test_a_posted_media_url_is_shown_back_as_media_url(client, api_key, session):
    response = client.post(f"{BASE}/requests.json", data=form(api_key, media_url=PICTURE))

    assert response.status_code == 201, response.data
    request_id = json_array(response)[0]["service_request_id"]
    assert _request(client, request_id)["media_url"] == PICTURE
    assert _request(client, request_id, "xml")["media_url"] == PICTURE
    listed = json_array(client.get(f"{BASE}/requests.json"))
    assert next(r for r in listed if r["service_request_id"] == request_id)["media_url"] == PICTURE


@pytest.mark.parametrize(
    "url",
    [
        "ftp://photos.commune.example/a.jpg",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "//photos.commune.example/a.jpg",
        "https://",
        "https://photos.commune.example/a b.jpg",
        "https://photos.commune.example/" + "a" * 2000,
    ],
)
def test_a_media_url_other_than_http_is_400_and_writes_nothing(client, api_key, session, url):
    before = count_reports(session)

    response = client.post(f"{BASE}/requests.xml", data=form(api_key, media_url=url))

    assert "media_url" in xml_error(response, 400)
    assert count_reports(session) == before


def test_a_replay_with_another_media_url_is_a_reused_key(client, api_key, session):
    headers = {"Idempotency-Key": "open311-media-1"}
    first = client.post(
        f"{BASE}/requests.json", data=form(api_key, media_url=PICTURE), headers=headers
    )
    same = client.post(
        f"{BASE}/requests.json", data=form(api_key, media_url=PICTURE), headers=headers
    )
    before = count_reports(session)

    other = client.post(
        f"{BASE}/requests.json",
        data=form(api_key, media_url="https://elsewhere.example/b.jpg"),
        headers=headers,
    )

    assert (first.status_code, same.status_code) == (201, 200)
    assert "Idempotency-Key" in json_error(other, 400)
    assert count_reports(session) == before
    assert _request(client, json_array(first)[0]["service_request_id"])["media_url"] == PICTURE
