"""Two crews marking two reports duplicates of each other at the same moment: no deadlock.

Each request runs in its own thread, on its own connection, against a database of this
module's own (the requests commit). A third connection holds the first report's row, so that
both requests are waiting before either may go on: the interleaving that used to deadlock
(each request locked its own ticket, then waited for the other's) is made every time.
"""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.accounts.services import Grant, create_user
from app.db import Database
from app.web import create_app
from tests.helpers.accounts import PASSWORD, login
from tests.helpers.databases import migrated_database
from tests.helpers.sql import REPORT_SQL, SEED_SQL
from tests.helpers.staff import TICKETS

# Safety net only: how long to wait for both requests to queue on the held row.
QUEUE_WAIT_S = 30.0


@pytest.fixture(scope="module")
def engine():
    with migrated_database("pave_duplicates", seed_sql=SEED_SQL) as engine:
        yield engine


def _waiting_on_locks(engine) -> int:
    with engine.connect() as db:
        return db.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        ).scalar_one()


def _wait_for_waiters(engine, count: int) -> None:
    deadline = time.monotonic() + QUEUE_WAIT_S
    while _waiting_on_locks(engine) < count:
        assert time.monotonic() < deadline, f"fewer than {count} requests ever waited"
        time.sleep(0.02)


def test_crossed_duplicates_get_one_merge_and_one_clear_refusal(engine):
    first, second = sorted([uuid.uuid4(), uuid.uuid4()])
    with Session(engine, expire_on_commit=False) as session, session.begin():
        for report_id in (first, second):
            session.execute(REPORT_SQL, {"id": report_id, "email": None, "language": "fr"})
        body_id = session.execute(
            text("SELECT id FROM bodies WHERE code = 'commune-21004'")
        ).scalar_one()
        crews = [
            create_user(
                session,
                f"crew{n}@bruxelles.example",
                PASSWORD,
                name=f"Crew {n}",
                grants=(Grant(Role.CREW_MEMBER, body_id=body_id),),
            )
            for n in (1, 2)
        ]
    app = create_app({"TESTING": True, "DATABASE": Database(engine)})
    clients = []
    for user in crews:
        client = app.test_client()
        clients.append((client, login(client, user)))
    answers = {}

    def merge(n, ticket, original):
        client, csrf = clients[n]
        answers[ticket] = client.post(
            f"{TICKETS}/{ticket}/transitions",
            json={"to": "duplicate", "duplicate_of": str(original)},
            headers={"X-CSRF-Token": csrf, "If-Match": '"v1"'},
        )

    requests = [
        threading.Thread(target=merge, args=(0, first, second)),
        threading.Thread(target=merge, args=(1, second, first)),
    ]
    with engine.connect() as holder, holder.begin():
        holder.execute(text("SELECT 1 FROM reports WHERE id = :id FOR UPDATE"), {"id": first})
        # One after the other, so that they queue on the held row in this order.
        requests[0].start()
        _wait_for_waiters(engine, 1)
        requests[1].start()
        _wait_for_waiters(engine, 2)
    for thread in requests:
        thread.join()

    merged, refused = answers[first], answers[second]
    assert merged.status_code == 200, merged.get_json()
    assert merged.get_json()["duplicate_of"] == str(second)
    # Not a 503 of a deadlocked transaction: a problem that says what to do instead.
    assert refused.status_code == 422, refused.get_json()
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["type"].endswith("/invalid-duplicate")
    assert "is itself a duplicate" in refused.get_json()["detail"]
    with engine.connect() as db:
        rows = db.execute(
            text("SELECT id, status, duplicate_of, version FROM reports ORDER BY id")
        ).all()
    assert [(r.status, r.duplicate_of, r.version) for r in rows] == [
        ("duplicate", second, 2),
        ("new", None, 1),
    ]
