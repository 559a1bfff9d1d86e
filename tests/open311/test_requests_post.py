"""POST requests: api_key, location, and the native API's routing, idempotency and validation."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.reports.models import Report
from tests.factories import FLAGEY
from tests.helpers.open311 import BASE, form, json_array, json_error, xml_error, xml_items


def count_reports(session) -> int:
    return session.scalar(select(func.count()).select_from(Report))


def test_a_posted_request_is_routed_like_a_native_report(client, api_key, session):
    response = client.post(
        f"{BASE}/requests.xml",
        data=form(api_key, lat=FLAGEY[1], long=FLAGEY[0], description="Trou", email="a@b.be"),
    )
    assert response.status_code == 201
    [created] = xml_items(response, "service_requests", "request")
    report = session.get(Report, created["service_request_id"])
    assert report.commune.nis_code == "21009"
    assert report.body.code == "commune-21009"
    assert report.description == "Trou"
    assert report.reporter_email == "a@b.be"
    assert response.headers["Location"].endswith(f"/open311/v2/requests/{report.id}.xml")
    [read] = json_array(client.get(f"{BASE}/requests/{report.id}.json"))
    assert read["agency_responsible"] == "Ixelles"


def test_json_answer_is_a_bare_array_with_the_new_id(client, api_key):
    response = client.post(f"{BASE}/requests.json", data=form(api_key))
    assert response.status_code == 201
    [created] = json_array(response)
    assert set(created) == {"service_request_id", "service_notice", "account_id"}


def test_a_sensitive_request_is_created_and_published_once_its_hour_is_over(client, api_key):
    response = client.post(
        f"{BASE}/requests.json",
        data=form(api_key, service_code="illegal_dumping", lat=FLAGEY[1], long=FLAGEY[0]),
    )

    assert response.status_code == 201, response.data
    [created] = json_array(response)
    assert created["service_notice"] == "Sent to Ixelles."
    # Not public before its published hour is over (migration 0018).
    assert client.get(f"{BASE}/requests/{created['service_request_id']}.json").status_code == 404


def test_a_regional_service_goes_to_the_region(client, api_key, session):
    response = client.post(
        f"{BASE}/requests.json", data=form(api_key, service_code="traffic_light_fault")
    )
    report = session.get(Report, json_array(response)[0]["service_request_id"])
    assert report.body.code == "region-brussels"


def test_an_address_string_alone_is_placed_in_the_commune_it_names(client, api_key, session):
    response = client.post(
        f"{BASE}/requests.json",
        data=form(api_key, lat="", long="", address_string="Rue de Fer 12, 5000 Namur"),
    )
    assert response.status_code == 201, response.data
    report = session.get(Report, json_array(response)[0]["service_request_id"])
    assert report.commune.nis_code == "92094"
    assert report.accuracy_m > 1000


def test_the_same_idempotency_key_replays_the_request(client, api_key, session):
    headers = {"Idempotency-Key": "open311-retry-1"}
    first = client.post(f"{BASE}/requests.json", data=form(api_key), headers=headers)
    before = count_reports(session)
    again = client.post(f"{BASE}/requests.json", data=form(api_key), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert json_array(first)[0]["service_request_id"] == json_array(again)[0]["service_request_id"]
    assert count_reports(session) == before
    token = client.get(f"{BASE}/tokens/open311-retry-1.json")
    assert json_array(token) == [
        {
            "service_request_id": json_array(first)[0]["service_request_id"],
            "token": "open311-retry-1",
        }
    ]


def test_a_reused_idempotency_key_for_another_request_is_400(client, api_key, session):
    headers = {"Idempotency-Key": "open311-reused"}
    client.post(f"{BASE}/requests.json", data=form(api_key), headers=headers)
    before = count_reports(session)
    response = client.post(
        f"{BASE}/requests.json", data=form(api_key, description="other"), headers=headers
    )
    json_error(response, 400)
    assert count_reports(session) == before


def test_an_unknown_token_is_404(client):
    xml_error(client.get(f"{BASE}/tokens/nothing-here.xml"), 404)


@pytest.mark.parametrize(
    ("key", "words"), [(None, "required"), ("", "required"), ("pave_nope_nope", "Invalid")]
)
def test_a_missing_or_bad_api_key_is_403_and_writes_nothing(client, session, key, words):
    before = count_reports(session)
    data = form(key)
    if key is None:
        del data["api_key"]
    assert words in xml_error(client.post(f"{BASE}/requests.xml", data=data), 403)
    assert words in json_error(client.post(f"{BASE}/requests.json", data=data), 403)
    assert count_reports(session) == before


@pytest.mark.parametrize(
    ("fields", "status", "words"),
    [
        ({"lat": "48.8566", "long": "2.3522"}, 400, "outside the area"),
        ({"service_code": "nope"}, 404, "nope"),
        ({"service_code": ""}, 400, "service_code"),
        ({"lat": "", "long": ""}, 400, "location"),
        ({"long": ""}, 400, "both"),
        ({"lat": "north"}, 400, "lat"),
        ({"lat": "nan"}, 400, "finite"),
        ({"lat": "95"}, 400, "lat"),
        ({"lat": "", "long": "", "address_string": "Atlantis"}, 400, "address_string"),
        ({"lat": "", "long": "", "address_id": "123"}, 400, "address_id"),
        ({"email": "not-an-email"}, 400, "email"),
        ({"description": "a\x00b"}, 400, "description"),
        ({"description": "x" * 5001}, 400, "description"),
        ({"attribute[WHISHETN]": "123"}, 400, "attribute"),
    ],
)
def test_invalid_requests_are_refused_in_the_spec_format_and_write_nothing(
    client, api_key, session, fields, status, words
):
    before = count_reports(session)
    response = client.post(f"{BASE}/requests.xml", data=form(api_key, **fields))
    assert words in xml_error(response, status)
    assert count_reports(session) == before


def test_the_api_key_is_accepted_in_the_query_string_too(client, api_key):
    data = form(api_key)
    del data["api_key"]
    response = client.post(f"{BASE}/requests.json?api_key={api_key}", data=data)
    assert response.status_code == 201
