"""The worker wakes as soon as something is queued (LISTEN/NOTIFY), and only for what commits."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from app.notify.outbox import enqueue
from app.notify.wakeup import Wakeup, notify
from tests.helpers.databases import migrated_database

NEVER = 120.0


@pytest.fixture(scope="module")
def engine():
    with migrated_database("pave_wakeup") as engine:
        yield engine


@pytest.fixture
def wakeup(engine):
    wakeup = Wakeup(engine.url)
    # Listening before anything is queued, as the worker is between two turns.
    assert wakeup.wait(threading.Event(), 0.01) is False
    yield wakeup
    wakeup.close()


def later(action, after_s: float = 0.3) -> threading.Timer:
    timer = threading.Timer(after_s, action)
    timer.start()
    return timer


def test_an_email_queued_and_committed_wakes_the_worker_before_its_interval(engine, wakeup):
    def queue() -> None:
        with engine.begin() as db:
            enqueue(
                db,
                "resident_resolved",
                recipient="someone@example.org",
                language="fr",
                ref="R1",
                category="Nid-de-poule",
                commune="Bruxelles",
                body="Ville de Bruxelles",
            )

    later(queue)
    # Woken (True), long before the interval would have ended; a broken wake-up times out.
    assert wakeup.wait(threading.Event(), NEVER) is True
    with engine.begin() as db:
        db.execute(text("DELETE FROM outbox_messages"))


def test_a_rolled_back_queueing_wakes_nobody(engine, wakeup):
    def queue_then_roll_back() -> None:
        with engine.connect() as db:
            notify(db)
            db.rollback()

    later(queue_then_roll_back, 0.05).join()
    assert wakeup.wait(threading.Event(), 1.0) is False


def test_a_stop_request_ends_the_wait(wakeup):
    stop = threading.Event()
    later(stop.set)
    assert wakeup.wait(stop, NEVER) is False
    assert stop.is_set()


def test_a_database_that_is_not_there_only_makes_the_wait_a_sleep(engine):
    wakeup = Wakeup(engine.url.set(port=1, host="127.0.0.1", query={}))
    assert wakeup.wait(threading.Event(), 0.5) is False
    assert wakeup.connection is None
