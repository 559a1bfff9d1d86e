"""Report statuses map onto Open311's two states the way a resident would expect."""

from __future__ import annotations

import pytest

from app.reports.states import CLOSED_STATUSES, OPEN_STATUSES, Status, open311_status


@pytest.mark.parametrize(
    "status", ["new", "acknowledged", "planned", "in_progress", "transferred", "reopened"]
)
def test_work_still_to_do_is_open(status):
    assert open311_status(status) == "open"
    assert open311_status(Status(status)) == "open"


@pytest.mark.parametrize("status", ["resolved", "rejected", "duplicate"])
def test_finished_reports_are_closed(status):
    assert open311_status(status) == "closed"


def test_every_status_is_either_open_or_closed():
    assert set(Status) == OPEN_STATUSES | CLOSED_STATUSES
    assert not OPEN_STATUSES & CLOSED_STATUSES


def test_unknown_status_is_refused():
    with pytest.raises(ValueError, match="'lost'"):
        open311_status("lost")
