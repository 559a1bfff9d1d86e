"""Found by the attack pass (issue 16): POST servicerequestupdates with odd values.

Fails today: a body's system (or anyone holding its key) plans a ticket for the year 1; the
resident is emailed "L'intervention ... est prévue le 1er janvier 1." and the public Open311
feed shows expected_datetime "0001-01-01T00:00:00+00:17:30". An expected date is a date to
come (or at most a little past, clocks differ), within a few years: other values are a 400.
"""

from __future__ import annotations

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
    assert session.get(Report, ticket.id).status != "planned"
