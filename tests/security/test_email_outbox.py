"""One bad address must not stop every email, nor the web server (issue 10, item 2).

The attack: an address that the RFC allows, with a control character inside quotes
(`"a\\u000bb"@example.org`), was accepted as a reporter's and as a follower's email. The worker
then raised while building the message, caught only network errors and died; the message was
never marked, sorted first, and killed every restart; under `make run`, honcho took gunicorn
down with it.

The defence, tested here:
- every email the API takes goes through one field built on email-validator: such an address
  is a 422 problem naming the field, and an internationalised one is stored normalised;
- the worker marks any message it cannot build or send as failed, with the error, retries it
  later (exponential backoff) up to OUTBOX_MAX_ATTEMPTS, then gives up on it, and goes on
  with the next message;
- the Procfile's worker entry restarts the worker when it stops, and never exits itself, so
  honcho keeps gunicorn serving; Ctrl-C still stops everything.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import text

from app.accounts.models import Role
from app.db import Database
from app.notify import outbox
from app.notify.worker import drain
from app.web import create_app
from tests.helpers.accounts import login, make_staff, places
from tests.helpers.api import assert_problem, report_body, row_counts
from tests.helpers.databases import migrated_database
from tests.helpers.open311 import BASE as OPEN311
from tests.helpers.open311 import api_key, form, json_error
from tests.helpers.servers import free_port

__all__ = ["api_key", "make_staff", "places"]  # fixtures of the Open311 tests

ROOT = Path(__file__).resolve().parents[2]
POISON = '"a\u000bb"@example.org'
SEED_SQL = [
    "INSERT INTO boundary_sets (id, sha256, source, valid_from, commune_count) "
    "VALUES (1, 'test', 'test', '2025-01-01', 1)",
    "INSERT INTO communes (id, nis_code, name_fr, name_nl, region_code, boundary_set_id, "
    "valid_from, boundary) VALUES (1, '21004', 'Bruxelles', 'Brussel', '04000', 1, "
    "'2025-01-01', ST_Multi(ST_MakeEnvelope(4.3, 50.8, 4.4, 50.9, 4326)))",
    "INSERT INTO bodies (code, kind, name_fr, name_nl, nis_code, region_code, contact_email) "
    "VALUES ('commune-21004', 'commune', 'Ville de Bruxelles', 'Stad Brussel', '21004', "
    "'04000', NULL)",
]


# --- The edge: the API refuses such an address -------------------------------------------


def _bad_email(problem: dict, pointer: str, character: str) -> None:
    """The problem names exactly that field, and says which character is wrong."""
    (error,) = problem["errors"]
    assert error["pointer"] == pointer
    assert error["detail"].startswith("Not a valid email address")
    assert character in error["detail"]


def test_a_report_with_a_control_character_in_its_email_is_a_422(client, connection):
    before = row_counts(connection)
    response = client.post(
        "/api/v1/reports", json=report_body(reporter={"name": "Eve", "email": POISON})
    )
    _bad_email(assert_problem(response, 422), "/reporter/email", "U+000B")
    assert row_counts(connection) == before


def test_following_with_a_control_character_in_the_email_is_a_422(client, report_factory, session):
    report = report_factory(in_brussels=True)
    response = client.post(f"/api/v1/reports/{report.id}/followers", json={"email": POISON})
    _bad_email(assert_problem(response, 422), "/email", "U+000B")
    followers = session.execute(
        text("SELECT count(*) FROM report_followers WHERE report_id = :id"), {"id": report.id}
    ).scalar_one()
    messages = session.execute(
        text("SELECT count(*) FROM outbox_messages WHERE report_id = :id"), {"id": report.id}
    ).scalar_one()
    assert (followers, messages) == (0, 0)


def test_an_open311_request_with_such_an_email_is_refused_naming_the_parameter(
    client, api_key, connection
):
    before = row_counts(connection)
    response = client.post(f"{OPEN311}/requests.json", data=form(api_key, email=POISON))
    assert json_error(response, 400).startswith("email:")
    assert row_counts(connection) == before


def test_a_manager_inviting_such_an_address_gets_a_422_and_nothing_is_queued(
    client, session, make_staff, places
):
    csrf = login(client, make_staff(Role.COMMUNE_MANAGER))
    # Not whitespace, so the account services' own check let it through.
    response = client.post(
        "/api/v1/auth/invitations",
        json={"email": '"a\u0001b"@example.org', "role": "crew_member", "body_id": places.brussels},
        headers={"X-CSRF-Token": csrf},
    )
    _bad_email(assert_problem(response, 422), "/email", "U+0001")
    queued = session.execute(
        text("SELECT count(*) FROM outbox_messages WHERE kind = 'staff_invitation'")
    ).scalar_one()
    assert queued == 0


def test_an_internationalised_address_is_stored_normalised(client, session):
    response = client.post(
        "/api/v1/reports",
        json=report_body(reporter={"email": "Marie@BÜCHER.Example.org"}),
    )
    assert response.status_code == 201, response.get_json()
    stored = session.execute(
        text("SELECT reporter_email FROM reports WHERE id = :id"),
        {"id": response.get_json()["id"]},
    ).scalar_one()
    assert stored == "Marie@bücher.example.org"


# --- The worker: one message that cannot be built or sent does not stop the others --------


@pytest.fixture(scope="module")
def outbox_engine():
    """A database of its own: the worker commits."""
    with migrated_database("pave_poison", seed_sql=SEED_SQL) as engine:
        yield engine


@pytest.fixture
def outbox_db(outbox_engine):
    yield outbox_engine
    with outbox_engine.begin() as db:
        db.execute(text("DELETE FROM outbox_messages"))


def _poison(engine) -> int:
    """A message to the bad address, due before any other, as a database from before the
    fix may hold one (the API refuses the address now, so it is written directly)."""
    with engine.begin() as db:
        return db.execute(
            text(
                "INSERT INTO outbox_messages (kind, recipient, language, subject, body, "
                "next_attempt_at) VALUES ('resident_received', :recipient, 'fr', "
                "'Signalement reçu', 'Merci.', now() - interval '1 hour') RETURNING id"
            ),
            {"recipient": POISON},
        ).scalar_one()


def _enqueue(engine, recipient="resident@example.org", ref="R1") -> int:
    with engine.begin() as db:
        return outbox.enqueue(
            db,
            "resident_resolved",
            recipient=recipient,
            language="en",
            ref=ref,
            category="Pothole",
            commune="Bruxelles",
            body="Ville de Bruxelles",
        )


def _row(engine, message_id):
    with engine.connect() as db:
        return db.execute(
            text(
                "SELECT attempts, sent_at, failed_at, next_attempt_at, last_error, "
                "now() AS db_now FROM outbox_messages WHERE id = :id"
            ),
            {"id": message_id},
        ).one()


def test_a_poisoned_message_is_marked_failed_and_the_next_one_is_delivered(outbox_db, smtp, sender):
    poisoned = _poison(outbox_db)
    _enqueue(outbox_db)
    result = drain(outbox_db, sender)
    assert (result.sent, result.failed) == (1, 1)
    (delivered,) = smtp.messages
    assert delivered["To"] == "resident@example.org"
    assert delivered["Subject"] == "Your report R1 is resolved"
    row = _row(outbox_db, poisoned)
    assert (row.attempts, row.sent_at, row.failed_at) == (1, None, None)
    assert "ValueError" in row.last_error and "linefeed" in row.last_error
    # Tried again later, not at once: the next pass leaves it alone.
    assert row.next_attempt_at > row.db_now
    assert drain(outbox_db, sender).failed == 0


def test_retries_back_off_then_the_message_is_given_up_and_kept(outbox_db, smtp, sender):
    poisoned = _poison(outbox_db)
    waits = []
    for attempt in range(1, 4):
        with outbox_db.begin() as db:
            db.execute(text("UPDATE outbox_messages SET next_attempt_at = now() - interval '1 s'"))
        assert drain(outbox_db, sender, max_attempts=3).failed == 1
        row = _row(outbox_db, poisoned)
        assert row.attempts == attempt
        waits.append(row.next_attempt_at - row.db_now)
    # Each wait doubles; after the third attempt the message is given up, not retried.
    assert waits[0] < waits[1]
    assert row.failed_at is not None and row.sent_at is None
    assert "ValueError" in row.last_error
    with outbox_db.begin() as db:
        db.execute(text("UPDATE outbox_messages SET next_attempt_at = now() - interval '1 s'"))
    assert drain(outbox_db, sender, max_attempts=3).failed == 0
    assert _row(outbox_db, poisoned).attempts == 3
    assert smtp.messages == []


def test_the_worker_command_goes_on_past_the_poisoned_message(outbox_db, smtp):
    _poison(outbox_db)
    _enqueue(outbox_db)
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": Database(outbox_db),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": smtp.port,
        }
    )
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 sent, 1 failed" in result.output
    assert [m["To"] for m in smtp.messages] == ["resident@example.org"]


def test_an_internationalised_domain_is_delivered_in_its_ascii_form(outbox_db, smtp, sender):
    _enqueue(outbox_db, recipient="marie@bücher.example.org")
    assert drain(outbox_db, sender).sent == 1
    (delivered,) = smtp.messages
    assert delivered["To"] == "marie@xn--bcher-kva.example.org"


# --- The processes of `make run`: gunicorn keeps serving, the worker comes back ----------


def _attempts(engine, message_id) -> int:
    with engine.connect() as db:
        return db.execute(
            text("SELECT attempts FROM outbox_messages WHERE id = :id"), {"id": message_id}
        ).scalar_one()


def _children(pid: int) -> list[int]:
    """Every descendant of `pid`, read from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        kids = [child for child, ppid in parents.items() if ppid == parent]
        found += kids
        todo += kids
    return found


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _is_flask_worker(pid: int) -> bool:
    """The Python process of `flask --app app worker` (not the shell loop around it)."""
    argv = _cmdline(pid).split()
    return len(argv) > 1 and argv[1].endswith("/flask") and argv[-1] == "worker"


def _wait_for(condition, what: str, timeout: float = 90.0):
    """Poll until `condition()` is true; the limit only keeps a broken run from hanging."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"still waiting for {what}")
        time.sleep(0.2)


def _health(port: int) -> int | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=10) as r:
            return r.status
    except OSError:
        return None


@pytest.mark.slow
def test_under_honcho_gunicorn_keeps_serving_and_the_worker_comes_back(outbox_db, smtp, tmp_path):
    poisoned = _poison(outbox_db)
    _enqueue(outbox_db, ref="R1")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": outbox_db.url.render_as_string(hide_password=False),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "WORKERS": "1",
    }
    log = tmp_path / "honcho.log"
    with log.open("w") as output:
        honcho = subprocess.Popen(
            [Path(sys.executable).parent / "honcho", "start", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for(lambda: _health(port) == 200 or honcho.poll() is not None, "gunicorn")
        _wait_for(
            lambda: _attempts(outbox_db, poisoned) >= 1 or honcho.poll() is not None,
            "the worker to try the poisoned message",
        )
        _wait_for(lambda: len(smtp.messages) == 1 or honcho.poll() is not None, "delivery")
        assert honcho.poll() is None, log.read_text()
        assert _health(port) == 200
        assert [m["Subject"] for m in smtp.messages] == ["Your report R1 is resolved"]

        # The worker is killed outright (a crash, the OOM killer): gunicorn does not notice,
        # and a new worker sends what comes next.
        (worker,) = [p for p in _children(honcho.pid) if _is_flask_worker(p)]
        os.kill(worker, signal.SIGKILL)
        _enqueue(outbox_db, ref="R2")
        assert _health(port) == 200
        _wait_for(lambda: len(smtp.messages) == 2 or honcho.poll() is not None, "the restart")
        assert honcho.poll() is None, log.read_text()
        assert smtp.messages[1]["Subject"] == "Your report R2 is resolved"
        assert _health(port) == 200

        # Ctrl-C still stops everything.
        processes = _children(honcho.pid)
        honcho.send_signal(signal.SIGINT)
        honcho.wait(timeout=60)
        assert _health(port) is None
        _wait_for(lambda: not any(_cmdline(p) for p in processes), "every process to end", 30)
    finally:
        if honcho.poll() is None:
            os.killpg(honcho.pid, signal.SIGKILL)
            honcho.wait()
