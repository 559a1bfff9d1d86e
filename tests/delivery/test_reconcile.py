"""Finding our request in a remote's list after a lost answer (app/delivery/reconcile.py)."""

from __future__ import annotations

import datetime as dt

from app.delivery.reconcile import Sent, find_ours

NOW = dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.UTC)
OURS = "0c7a8c9e-47e4-4a53-b1de-5f4a09f8f1a2"
SENT = Sent(
    pave_report_id=OURS,
    service_code="ROAD-1",
    lat=50.8275,
    lon=4.3717,
    description="Pavé descellé",
    start=NOW - dt.timedelta(minutes=5),
    end=NOW + dt.timedelta(minutes=5),
)


def item(request_id: str, **fields) -> dict:
    return {
        "service_request_id": request_id,
        "service_code": "ROAD-1",
        "lat": 50.8275,
        "long": 4.3717,
        "requested_datetime": NOW.isoformat(),
        **fields,
    }


def test_an_echoed_id_decides_alone():
    echoed = [
        item("1", attributes={"pave_report_id": "another"}),
        item("2", extended_attributes={"pave_report_id": OURS}, lat=51.0),
    ]
    assert find_ours(echoed, SENT, set()) == "2"
    # A remote that echoes never has a request taken for ours on looks alone.
    assert (
        find_ours([item("1", attributes={"pave_report_id": "another"}), item("3")], SENT, set())
        is None
    )


def test_without_the_echo_place_service_time_and_description_must_agree():
    assert find_ours([item("1")], SENT, set()) == "1"
    assert find_ours([item("1", service_code="LIGHT-2")], SENT, set()) is None
    assert find_ours([item("1", lat=50.8277)], SENT, set()) is None  # 22 m north
    assert find_ours([item("1", lat=50.82755)], SENT, set()) == "1"  # 6 m
    late = (NOW + dt.timedelta(hours=1)).isoformat()
    assert find_ours([item("1", requested_datetime=late)], SENT, set()) is None
    assert find_ours([item("1", description="Autre chose")], SENT, set()) is None
    assert find_ours([item("1", description="  Pavé\ndescellé ")], SENT, set()) == "1"


def test_a_request_already_recorded_is_not_taken_again_and_the_earliest_wins():
    earlier = (NOW - dt.timedelta(minutes=1)).isoformat()
    listed = [item("9"), item("8", requested_datetime=earlier), item("7")]
    assert find_ours(listed, SENT, set()) == "8"
    assert find_ours(listed, SENT, {"8"}) == "9"


def test_hostile_lists_match_nothing():
    hostile = [
        {"service_request_id": None},
        item("1", lat="NaN"),
        item("2", lat=None),
        item("3", requested_datetime="yesterday"),
        item("4", requested_datetime=12),
        item("5", service_code=None),
        {"lat": 50.8275},
    ]
    assert find_ours(hostile, SENT, set()) is None
