"""The two-instance harness itself: a second Pavé answers Open311 as a commune's system would."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import GRAND_PLACE
from tests.helpers.instances import pave_instance


@pytest.fixture(scope="module")
def remote():
    with pave_instance("remote") as instance:
        yield instance


def test_a_second_instance_takes_an_open311_request_with_its_own_key(remote):
    key = remote.open311_key("commune-21004")
    form = {"service_code": "pothole", "lat": GRAND_PLACE[1], "long": GRAND_PLACE[0]}
    answer = httpx.post(
        f"{remote.open311_url}requests.json",
        data={**form, "description": "Nid-de-poule"},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert answer.status_code == 201, answer.text
    [created] = answer.json()
    request_id = created["service_request_id"]
    shown = httpx.get(f"{remote.open311_url}requests/{request_id}.json").json()
    assert shown[0]["service_code"] == "pothole"
    # Its own database: another instance's key is unknown there.
    refused = httpx.post(
        f"{remote.open311_url}requests.json",
        data=form,
        headers={"Authorization": "Bearer pave_0000000000_not-a-key"},
    )
    assert refused.status_code == 403
