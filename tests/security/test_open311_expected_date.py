"""POST servicerequestupdates with an absurd expected_datetime (found by the attack pass of
issue 16): a body's system (or anyone holding its key) planned a ticket for the year 1, the
resident was emailed "L'intervention ... est prévue le 1er janvier 1." and the public feed
showed it. An expected date is a date to come (or a little past: clocks differ), within a few
years: from the report's creation less a day to 5 years from now; other values are a 400.
"""

from __future__ import annotations

import datetime as dt

import pytest

from app.reports.models import Report
from tests.helpers.open311 import (  # noqa: F401  (fixtures)
    BASE,
    api_key,
    make_staff,
    places,
    ticket,
)

UPDATES = f"{BASE}/servicerequestupdates.json"


@pytest.mark.parametrize("expected", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59Z"])
def test_an_absurd_expected_datetime_is_refused(client, api_key, session, ticket, expected):  # noqa: F811
    auth = {"Authorization": f"Bearer {api_key}"}
    taken = {"service_request_id": str(ticket.id), "status": "investigating"}
    assert client.post(UPDATES, data=taken, headers=auth).status_code == 200
    data = {
        "service_request_id": str(ticket.id),
        "status": "action_scheduled",
        "expected_datetime": expected,
    }
    answer = client.post(UPDATES, data=data, headers=auth)
    session.expire_all()
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert "expected_datetime" in answer.get_json()[0]["description"]
    assert session.get(Report, ticket.id).status != "planned"


def test_a_date_within_the_next_years_is_taken(client, api_key, session, ticket):  # noqa: F811
    auth = {"Authorization": f"Bearer {api_key}"}
    taken = {"service_request_id": str(ticket.id), "status": "investigating"}
    assert client.post(UPDATES, data=taken, headers=auth).status_code == 200
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    data = {
        "service_request_id": str(ticket.id),
        "status": "action_scheduled",
        "expected_datetime": soon,
    }
    assert client.post(UPDATES, data=data, headers=auth).status_code == 200
    session.expire_all()
    assert session.get(Report, ticket.id).planned_for == dt.date.fromisoformat(soon[:10])
