"""The worker's nightly snapshot: from SNAPSHOT_HOUR, once a local day, even across restarts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.opendata.snapshot import Snapshot
from app.opendata.snapshot_files import read_manifest
from app.opendata.snapshot_schedule import DailySnapshots, NightlySnapshots

BRUSSELS = ZoneInfo("Europe/Brussels")
DAY = dt.date(2026, 3, 10)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BRUSSELS)


@pytest.fixture
def outcomes() -> list:
    return []


def worker(app, outcomes: list) -> NightlySnapshots:
    """A worker's nightly job, as `flask worker` makes it (a new one is a restarted worker)."""
    schedule = DailySnapshots(Path(app.config["SNAPSHOT_DIR"]), hour=3)
    return NightlySnapshots(app, schedule, lambda: False, outcomes.append)


def run(job: NightlySnapshots, now: dt.datetime) -> bool:
    started = job.poll(now)
    job.join(timeout=120)
    return started


def test_the_snapshot_is_written_once_a_day_from_its_hour(app, report_factory, outcomes):
    report_factory(in_brussels=True)
    job = worker(app, outcomes)

    assert not run(job, at(DAY, 2, 59))
    assert run(job, at(DAY, 3, 0))
    assert not run(job, at(DAY, 3, 5))
    assert not run(job, at(DAY, 23, 59))

    (written,) = outcomes
    assert isinstance(written, Snapshot) and written.features == 1
    assert read_manifest(Path(app.config["SNAPSHOT_DIR"]))["day"] == DAY.isoformat()
    assert run(job, at(DAY + dt.timedelta(days=1), 3, 1))
    assert len(outcomes) == 2


def test_a_restarted_worker_reads_the_day_from_the_manifest(app, report_factory, outcomes):
    report_factory(in_brussels=True)
    assert run(worker(app, outcomes), at(DAY, 4, 0))

    restarted = worker(app, outcomes)

    assert not run(restarted, at(DAY, 5, 0))
    assert len(outcomes) == 1


def test_a_worker_that_was_down_at_the_hour_writes_it_when_back(app, report_factory, outcomes):
    report_factory(in_brussels=True)

    assert run(worker(app, outcomes), at(DAY, 14, 30))

    assert isinstance(outcomes[0], Snapshot)


def test_a_failed_snapshot_is_tried_again_an_hour_later_not_every_turn(
    app, report_factory, outcomes
):
    report_factory(in_brussels=True)
    blocker = Path(app.config["SNAPSHOT_DIR"])
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the directory should be")
    job = worker(app, outcomes)

    assert run(job, at(DAY, 3, 0))
    assert not run(job, at(DAY, 3, 30))
    blocker.unlink()
    assert run(job, at(DAY, 4, 1))

    failed, written = outcomes
    assert isinstance(failed, OSError)
    assert isinstance(written, Snapshot)


def test_a_snapshot_hour_out_of_range_stops_the_worker(app):
    app.config["SNAPSHOT_HOUR"] = 24

    result = app.test_cli_runner().invoke(args=["worker", "--interval", "0"])

    assert result.exit_code != 0
    assert "SNAPSHOT_HOUR" in result.output
