"""Status changes come back (issue 16 §3-4): B's crew resolves the ticket A sent it, and A's
resident reads "resolved" with B's words, by email and on the follow page.

Two real Pavés (tests/helpers/instances.py): A pulls B's mySociety servicerequestupdates.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from app.delivery.crypto import box_from_config
from app.delivery.pull import StatusPull, log_lines
from app.notify.worker import drain
from tests.factories import FLAGEY
from tests.helpers.delivery import (
    connect,
    delivered,
    follow_token,
    post_to,
    report_on,
    row,
    texts_to,
    work_on,
)
from tests.helpers.instances import pave_instance

BRUXELLES = "commune-21004"
IXELLES = "commune-21009"
CURSOR_NOW_SQL = text("UPDATE body_open311 SET updates_cursor = now() WHERE body_id = :id")


@pytest.fixture(scope="module")
def a():
    with pave_instance("a") as instance:
        yield instance


@pytest.fixture(scope="module")
def b():
    with pave_instance("b") as instance:
        yield instance


def pull_of(a, body_code, **settings):
    """One round of A's pull for one body."""
    from sqlalchemy.orm import Session

    pull = StatusPull(box_from_config(a.app.config), allow_private=True, **settings)
    with Session(a.engine) as session:
        return pull.pull_body(session, a.body_id(body_code)), pull


def status_on(instance, report_id) -> str:
    return row(instance, "SELECT status FROM reports WHERE id = :id", id=report_id).status


def test_bs_resolution_reaches_as_resident_with_bs_words(a, b, smtp, sender):
    b_key = b.open311_key(BRUXELLES)
    connect(a, BRUXELLES, b.open311_url, b_key)
    report_id = report_on(a, "marie@example.org")
    remote_id = post_to(b, b_key, "Un trou profond devant le numéro 12")
    delivered(a, report_id, BRUXELLES, remote_id=remote_id)
    words = "Réparé ce matin par l'équipe voirie, merci !"
    work_on(b, remote_id, "acknowledged", "resolved", text=words)

    done, _ = pull_of(a, BRUXELLES, batch=10)

    assert (done.error, done.path) == (None, "servicerequestupdates")
    assert status_on(a, report_id) == "resolved"
    delivery = row(
        a,
        "SELECT remote_status, remote_status_text, remote_updated_at FROM report_deliveries "
        "WHERE report_id = :id",
        id=report_id,
    )
    assert (delivery.remote_status, delivery.remote_status_text) == ("fixed", words)
    assert delivery.remote_updated_at is not None
    # The body's system acted, named in the resident's language, in the history and the audit.
    actors = row(
        a,
        "SELECT array_agg(DISTINCT actor) AS names FROM audit_log WHERE report_id = :id "
        "AND actor <> 'reporter' AND action <> 'create'",
        id=report_id,
    ).names
    assert actors == ["Système de l'administration"]
    assert drain(a.engine, sender).failed == 0
    mails = texts_to(smtp.messages, "marie@example.org")
    subjects = [subject for subject, _ in mails]
    assert any("est résolu" in subject for subject in subjects), subjects
    assert any(words in body for _, body in mails)
    page = a.app.test_client().get(
        f"/api/v1/follow/{follow_token(smtp.messages, 'marie@example.org')}"
    )
    seen = page.get_json()
    assert seen["history"][-1]["to_status"] == "resolved"
    assert [(u["author"], u["body"]) for u in seen["updates"]] == [("staff", words)]

    # Pulled again: nothing is applied twice, nobody is told twice.
    again, _ = pull_of(a, BRUXELLES, batch=10)
    assert again.error is None
    assert set(again.applied) <= {"already applied"}
    assert drain(a.engine, sender).sent == 0


def test_more_updates_than_a_batch_take_two_rounds_and_the_cursor_follows(a, b):
    b_key = b.open311_key(IXELLES)
    connect(a, IXELLES, b.open311_url, b_key)
    tickets = []
    for n in range(3):
        report_id = report_on(a, f"ixelles{n}@example.org", point=FLAGEY)
        remote_id = post_to(b, b_key, f"Trou {n}", point=FLAGEY)
        delivered(a, report_id, IXELLES, remote_id=remote_id)
        tickets.append((report_id, remote_id))
    # B's feed holds every body's updates: A's cursor starts after the other tests' ones, and
    # after these requests' own creation. Open311 gives times in whole seconds: created in the
    # cursor's second, they read as no older than it and filled the first batch (a CI flake).
    time.sleep(1.1)
    with a.engine.begin() as db:
        db.execute(CURSOR_NOW_SQL, {"id": a.body_id(IXELLES)})
    # Open311 gives times in whole seconds: B's updates must fall in a later second than the
    # cursor, or they would read as older than it (they did, once, on a fast run).
    time.sleep(1.1)
    for _, remote_id in tickets:
        work_on(b, remote_id, "acknowledged")

    first, _ = pull_of(a, IXELLES, batch=2)
    assert first.read == 2
    assert [status_on(a, r) for r, _ in tickets] == ["acknowledged", "acknowledged", "new"]
    cursor = row(
        a, "SELECT updates_cursor FROM body_open311 WHERE body_id = :id", id=a.body_id(IXELLES)
    ).updates_cursor
    assert cursor is not None
    second, _ = pull_of(a, IXELLES, batch=2)
    assert second.error is None
    assert [status_on(a, r) for r, _ in tickets] == ["acknowledged"] * 3


def test_b_down_fails_that_bodys_pull_only_and_keeps_its_cursor(a, b):
    b_key = b.open311_key(BRUXELLES)
    connect(a, BRUXELLES, b.open311_url, b_key)
    report_id = report_on(a, "paul@example.org")
    remote_id = post_to(b, b_key, "Encore un trou")
    delivered(a, report_id, BRUXELLES, remote_id=remote_id)
    work_on(b, remote_id, "acknowledged")
    with a.engine.begin() as db:
        db.execute(
            text(
                "UPDATE body_open311 SET updates_cursor = now() - interval '1 hour' "
                "WHERE body_id = :id"
            ),
            {"id": a.body_id(BRUXELLES)},
        )
    cursor_sql = "SELECT updates_cursor FROM body_open311 WHERE body_id = :id"
    before = row(a, cursor_sql, id=a.body_id(BRUXELLES)).updates_cursor
    b.server.stop()
    try:
        pull = StatusPull(box_from_config(a.app.config), allow_private=True)
        results = {done.body_code: done for done in pull.run(a.engine)}
    finally:
        b.server.start()
    down = results[BRUXELLES]
    assert down.error is not None and "servicerequestupdates" in down.error
    lines = list(log_lines(list(results.values())))
    assert any(err and BRUXELLES in line for line, err in lines)
    assert all(b_key not in line for line, _ in lines)
    assert row(a, cursor_sql, id=a.body_id(BRUXELLES)).updates_cursor == before
    assert status_on(a, report_id) == "new"
    # B is back: the same pull (which still knows B offers the updates) catches up.
    results = {done.body_code: done for done in pull.run(a.engine)}
    assert results[BRUXELLES].error is None
    assert status_on(a, report_id) == "acknowledged"
