"""The worker's daily digest: from DIGEST_HOUR, once a day per body, however many workers run.

Workers commit, so these tests run on a database of their own (one commune and its body, on
a daily digest), emptied after each test.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from app.db import Database
from app.notify.digest import DailyDigests
from app.web import create_app
from tests.helpers.databases import migrated_database
from tests.helpers.sql import REPORT_SQL, SEED_SQL

BRUSSELS = ZoneInfo("Europe/Brussels")
DAILY_SQL = (
    "UPDATE bodies SET notify_mode = 'daily', contact_email = 'travaux@bruxelles.example', "
    "delivery_method = 'email' "
    "WHERE code = 'commune-21004'"
)
DIGESTS_SQL = text("SELECT body FROM outbox_messages WHERE kind = 'body_digest' ORDER BY id")


@pytest.fixture(scope="module")
def engine():
    with migrated_database("pave_digests", seed_sql=[*SEED_SQL, DAILY_SQL]) as engine:
        yield engine


@pytest.fixture(autouse=True)
def empty(engine):
    yield
    with engine.begin() as db:
        for table in ("outbox_messages", "body_digests", "report_status_changes", "reports"):
            db.execute(text(f"DELETE FROM {table}"))


def _ticket(engine, received: dt.datetime) -> uuid.UUID:
    """A new ticket of Bruxelles, received at that time."""
    report_id = uuid.uuid4()
    with engine.begin() as db:
        db.execute(REPORT_SQL, {"id": report_id, "email": None, "language": "fr"})
        db.execute(
            text("UPDATE reports SET created_at = :at WHERE id = :id"),
            {"id": report_id, "at": received},
        )
    return report_id


def _digests(engine) -> list[str]:
    with engine.connect() as db:
        return list(db.execute(DIGESTS_SQL).scalars())


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BRUSSELS)


TODAY = dt.date.today()


def test_nothing_is_queued_before_the_hour(engine):
    _ticket(engine, _at(TODAY, 5))

    assert DailyDigests(hour=7).run(engine, now=_at(TODAY, 6, 59)) == []
    assert _digests(engine) == []


def test_two_workers_at_the_hour_queue_one_digest_a_day(engine):
    morning = _ticket(engine, _at(TODAY, 5))
    workers = [DailyDigests(hour=7), DailyDigests(hour=7)]
    start = threading.Barrier(len(workers))
    queued = []

    def work(worker):
        start.wait()
        queued.extend(worker.run(engine, now=_at(TODAY, 7, 0)))

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [(d.body_code, d.tickets) for d in queued] == [("commune-21004", 1)]
    (digest,) = _digests(engine)
    assert str(morning) in digest

    # A ticket arrives later that morning; a worker started since (or restarted) looks again.
    later = _ticket(engine, _at(TODAY, 8))
    assert DailyDigests(hour=7).run(engine, now=_at(TODAY, 9, 30)) == []
    assert workers[0].run(engine, now=_at(TODAY, 23, 59)) == []
    assert len(_digests(engine)) == 1

    # The next morning's digest has it, and only it.
    tomorrow = TODAY + dt.timedelta(days=1)
    (next_day,) = workers[1].run(engine, now=_at(tomorrow, 7, 1))
    assert next_day.tickets == 1
    second = _digests(engine)[1]
    assert str(later) in second
    assert str(morning) not in second


def test_the_worker_sends_the_days_digest_once(engine, smtp):
    # On the real clock: received two hours ago.
    _ticket(engine, dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))
    # From midnight: whatever the time of the test run, the day's digest is due.
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": Database(engine),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": smtp.port,
            "DIGEST_HOUR": 0,
        }
    )
    runner = app.test_cli_runner()

    first = runner.invoke(args=["worker", "--once"])
    second = runner.invoke(args=["worker", "--once"])

    assert first.exit_code == 0, first.output
    assert "daily digest of commune-21004: 1 ticket(s)" in first.output
    assert second.exit_code == 0, second.output
    assert "daily digest" not in second.output
    assert [m["To"] for m in smtp.messages] == ["travaux@bruxelles.example"]
    assert smtp.messages[0]["Subject"] == "Nouveaux signalements du jour : 1"


def test_a_digest_hour_out_of_range_is_refused(engine):
    app = create_app({"TESTING": True, "DATABASE": Database(engine), "DIGEST_HOUR": 24})

    result = app.test_cli_runner().invoke(args=["worker", "--once"])

    assert result.exit_code != 0
    assert "DIGEST_HOUR" in result.output
