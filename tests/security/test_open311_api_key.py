"""Open311 takes its api_key in a header too, so that it can stay out of URLs and logs.

The attack surface: GeoReport v2 sends the api_key as a request parameter, and a parameter
of a GET, or of a POST sent in the query string, ends up in access logs, proxies' logs and
browser histories. The defence: besides the spec's `api_key` parameter, which keeps working,
the key may be sent as `Authorization: Bearer <api_key>` (the header the staff API takes for
the same tokens, and one that logs leave out). A wrong key in the header is refused exactly
like a wrong parameter (403, the spec's error document), and so is a header that disagrees
with the parameter; nothing is written.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.reports.models import Report
from tests.factories import GRAND_PLACE
from tests.helpers.open311 import (
    BASE,
    api_key,
    json_array,
    json_error,
    make_staff,
    places,
    xml_error,
)

__all__ = ["api_key", "make_staff", "places"]

WRONG = "pave_not-a-token-of-anyone"


def _request(**extra):
    return {"service_code": "pothole", "lat": GRAND_PLACE[1], "long": GRAND_PLACE[0], **extra}


def _bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def _reports(session) -> int:
    return session.scalar(select(func.count()).select_from(Report))


def test_the_api_key_in_the_authorization_header_is_accepted(client, api_key, session):
    before = _reports(session)

    response = client.post(f"{BASE}/requests.json", data=_request(), headers=_bearer(api_key))

    assert response.status_code == 201, response.get_data(as_text=True)
    assert json_array(response)[0]["service_request_id"]
    assert _reports(session) == before + 1


def test_the_spec_api_key_parameter_still_works(client, api_key):
    response = client.post(f"{BASE}/requests.json", data=_request(api_key=api_key))

    assert response.status_code == 201, response.get_data(as_text=True)


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_wrong_key_in_the_header_is_refused_like_a_wrong_parameter(client, session, fmt):
    read = xml_error if fmt == "xml" else json_error
    before = _reports(session)

    by_header = read(
        client.post(f"{BASE}/requests.{fmt}", data=_request(), headers=_bearer(WRONG)), 403
    )
    by_parameter = read(client.post(f"{BASE}/requests.{fmt}", data=_request(api_key=WRONG)), 403)

    assert by_header == by_parameter
    assert _reports(session) == before


def test_a_header_that_disagrees_with_the_parameter_is_refused(client, api_key, session):
    before = _reports(session)

    # A valid parameter does not make up for a wrong header, nor the other way round.
    for parameter, header in ((api_key, WRONG), (WRONG, api_key)):
        response = client.post(
            f"{BASE}/requests.json", data=_request(api_key=parameter), headers=_bearer(header)
        )
        assert "api_key" in json_error(response, 403)
    assert _reports(session) == before


def test_another_authorization_scheme_is_refused_with_the_header_to_use(client, api_key):
    response = client.post(
        f"{BASE}/requests.json", data=_request(), headers={"Authorization": f"Basic {api_key}"}
    )

    assert "Authorization: Bearer" in json_error(response, 403)


def test_discovery_says_how_to_send_the_key(client):
    response = client.get(f"{BASE}/discovery.json")

    assert "Authorization: Bearer" in response.get_json()["key_service"]
