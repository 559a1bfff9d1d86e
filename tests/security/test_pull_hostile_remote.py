"""A hostile or broken Open311 remote against the status pull (found by the attack pass of
issue 16). Each of these stops that body's round at most, never the worker's turn:
- a remote's redirect is not followed (the API key's header would go to another host);
- a deeply nested JSON answer (RecursionError in the parser) fails that body's round only;
- an update dated 9999-12-31 is ignored: it no longer moves the cursor there, where every
  later round raised OverflowError;
- a remote trickling its answer a byte at a time is cut at the call's deadline, and a slow
  one at the body's time budget;
- after a ticket is transferred to another body, the first body's system no longer moves it
  (its copy closed, "not ours", resolved the new body's ticket and emailed the residents);
- a date of work planned for the year 9999 is not taken.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app import create_app
from app.delivery import open311_client as client
from app.delivery.crypto import box_from_config
from app.delivery.models import BodyOpen311, ReportDelivery
from app.delivery.pull import BodyPull, StatusPull, log_lines
from app.delivery.remote_status import TRANSFERRED, RemoteUpdate, apply_remote_update
from app.notify import outbox
from app.reports.models import Report
from app.tickets.services import Actor, transition
from tests.factories import FLAGEY
from tests.helpers.delivery import connect, delivered, report_on
from tests.helpers.instances import pave_instance
from tests.helpers.servers import free_port

IXELLES = "commune-21009"
KEY = "ixelles-system-key-0123456789"


@pytest.fixture(scope="module")
def a():
    with pave_instance("a") as instance:
        yield instance


class Recorder:
    """Another host (here: another port of localhost, another origin): what it was sent."""

    def __init__(self):
        self.headers: list[dict[str, str]] = []
        self.port = free_port()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                recorder.headers.append(dict(self.headers))
                data = b"[]"
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def redirecting_remote(target: str) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{port}/open311/v2/"


class Trickling:
    """A remote answering every GET with `body`, one byte every `every_s` seconds; `asked`
    is when each GET came (time.time())."""

    def __init__(self, body: bytes, every_s: float = 0.5):
        self.port = free_port()
        self.asked: list[float] = []
        trickling = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                trickling.asked.append(time.time())
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    for i in range(len(body)):
                        self.wfile.write(body[i : i + 1])
                        self.wfile.flush()
                        time.sleep(every_s)
                except OSError:
                    pass  # The client gave up.

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.port}/open311/v2/"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def one_round(a, pull, body_code):
    with Session(a.engine) as session:
        return pull.pull_body(session, a.body_id(body_code))


def test_a_redirect_to_another_host_is_not_sent_the_api_key(a):
    other = Recorder()
    server, url = redirecting_remote(f"http://localhost:{other.port}/elsewhere.json")
    try:
        connect(a, IXELLES, url, KEY)
        delivered(a, report_on(a, "red@example.org", point=FLAGEY), IXELLES, remote_id="IX-R")
        one_round(
            a,
            StatusPull(box_from_config(a.app.config), allow_private=True, requests_only=True),
            IXELLES,
        )
    finally:
        server.shutdown()
        server.server_close()
        other.close()
    sent = [h.get("Authorization") for h in other.headers]
    assert f"Bearer {KEY}" not in sent, "the body's key went to the host the remote named"


def test_a_deeply_nested_answer_fails_that_bodys_round_only(a, remote):
    connect(a, IXELLES, remote.url, KEY)
    delivered(a, report_on(a, "deep@example.org", point=FLAGEY), IXELLES, remote_id="IX-D")
    remote.raw["/open311/v2/requests/IX-D.json"] = b"[" * 100_000 + b"]" * 100_000
    pull = StatusPull(
        box_from_config(a.app.config), allow_private=True, requests_only=True, batch=1000
    )
    done = one_round(a, pull, IXELLES)  # A RecursionError out of the round, before.
    assert done.error is not None and "not JSON" in done.error


def test_an_update_dated_year_9999_does_not_stop_the_bodys_later_rounds(a, remote):
    connect(a, IXELLES, remote.url, KEY)
    delivered(a, report_on(a, "far@example.org", point=FLAGEY), IXELLES, remote_id="IX-F")
    far = {
        "update_id": "u-far",
        "service_request_id": "IX-F",
        "status": "open",
        "updated_datetime": "9999-12-31T23:59:59Z",
    }
    remote.raw["/open311/v2/servicerequestupdates.json"] = json.dumps([far]).encode()
    pull = StatusPull(box_from_config(a.app.config), allow_private=True)
    assert one_round(a, pull, IXELLES).error is None
    remote.raw["/open311/v2/servicerequestupdates.json"] = b"[]"
    assert one_round(a, pull, IXELLES).error is None  # An OverflowError, every round, before.
    with Session(a.engine) as session:
        config = session.get_one(BodyOpen311, a.body_id(IXELLES))
        assert config.updates_cursor is None or config.updates_cursor.year < 9999
        delivery = session.scalar(select(ReportDelivery).where(ReportDelivery.remote_id == "IX-F"))
        assert delivery is not None and not delivery.remote_update_ids  # Not applied.
    remote.raw["/open311/v2/servicerequestupdates.json"] = json.dumps([far]).encode()
    lines = list(log_lines([one_round(a, pull, IXELLES)]))
    assert (
        "status pull of commune-21009: 1 update(s) dated beyond tomorrow ignored",
        True,
    ) in lines


def test_a_trickling_answer_is_cut_at_the_calls_deadline():
    trickle = Trickling(b"[" + b" " * 200 + b"]")
    conn = client.Connection(trickle.url, KEY, timeout_s=1, allow_private=True)
    started = time.monotonic()
    try:
        with pytest.raises(client.UnknownOutcome) as failed:
            client.get_json(conn, "requests.json", {})
    finally:
        trickle.close()
    assert time.monotonic() - started < 3 * 1 + 1.5
    assert "in 3 s" in str(failed.value) and KEY not in str(failed.value)


def test_a_slow_remote_stops_the_bodys_round_at_its_time_budget(a):
    trickle = Trickling(b"[]")  # A whole answer, in a second.
    try:
        connect(a, IXELLES, trickle.url, KEY)
        for n in range(6):
            report_id = report_on(a, f"slow{n}@example.org", point=FLAGEY)
            delivered(a, report_id, IXELLES, remote_id=f"IX-S{n}")
        pull = StatusPull(
            box_from_config(a.app.config),
            allow_private=True,
            requests_only=True,
            timeout_s=1,
            budget_s=2,
        )
        started = time.monotonic()
        done = one_round(a, pull, IXELLES)
        elapsed = time.monotonic() - started
    finally:
        trickle.close()
    assert done.error is None and done.out_of_time
    assert 0 < done.read < 6
    assert elapsed < 2 + 3 * 1 + 1.5
    assert any("stopped at its time budget" in line for line, _ in log_lines([done]))


def test_after_a_transfer_the_first_bodys_system_no_longer_moves_the_ticket(a, remote):
    connect(a, IXELLES, remote.url, KEY)
    report_id = report_on(a, "moved@example.org", point=FLAGEY)
    delivered(a, report_id, IXELLES, remote_id="IX-T")
    with Session(a.engine) as session:
        transition(
            session,
            report_id,
            "transferred",
            actor=Actor(name="Ixelles crew"),
            to_body_code="region-brussels",
            reason="Regional road",
        )
        session.commit()
    # Ixelles' system closes its copy (not ours any more): the region's ticket must stay open.
    remote.requests["IX-T"] = {"status": "closed", "status_notes": "Pas chez nous."}
    pull = StatusPull(box_from_config(a.app.config), allow_private=True, requests_only=True)
    done = one_round(a, pull, IXELLES)
    # Ixelles' system is not even asked about it any more...
    assert "/open311/v2/requests/IX-T.json" not in remote.asked_paths()
    assert done.error is None and done.applied == []
    # ...and the same close in a feed of updates (servicerequestupdates) is recorded only.
    closed = RemoteUpdate("IX-T", "closed", "Pas chez nous.", at=dt.datetime.now(dt.UTC))
    with Session(a.engine) as session:
        delivery = session.scalar(select(ReportDelivery).where(ReportDelivery.remote_id == "IX-T"))
        assert delivery is not None
        outcome = apply_remote_update(session, delivery, closed, closed.at)
        session.commit()
    with Session(a.engine) as session:
        ticket = session.get(Report, report_id)
        assert ticket is not None
        assert ticket.status not in ("resolved", "closed", "rejected"), ticket.status
        delivery = session.scalar(select(ReportDelivery).where(ReportDelivery.remote_id == "IX-T"))
        assert delivery is not None and delivery.remote_status == "closed"
    assert outcome == TRANSFERRED
    assert any(TRANSFERRED in line for line, _ in log_lines([BodyPull(IXELLES, applied=[outcome])]))


def test_a_pulled_date_of_work_in_year_9999_is_not_taken(a, remote):
    connect(a, IXELLES, remote.url, KEY)
    report_id = report_on(a, "when@example.org", point=FLAGEY)
    delivered(a, report_id, IXELLES, remote_id="IX-W")
    remote.requests["IX-W"] = {
        "status": "action_scheduled",
        "expected_datetime": "9999-12-31T00:00:00Z",
    }
    one_round(
        a,
        StatusPull(box_from_config(a.app.config), allow_private=True, requests_only=True),
        IXELLES,
    )
    with Session(a.engine) as session:
        ticket = session.get_one(Report, report_id)
        assert ticket.planned_for is None or ticket.planned_for.year < 9999


def test_the_worker_sends_its_emails_before_it_pulls_a_slow_remote(a, smtp):
    trickle = Trickling(b"[" + b" " * 8 + b"]")  # A whole answer in 5 s.
    try:
        connect(a, IXELLES, trickle.url, KEY)
        delivered(a, report_on(a, "order@example.org", point=FLAGEY), IXELLES, remote_id="IX-O")
        with a.engine.begin() as db:
            message_id = outbox.enqueue(
                db,
                "resident_resolved",
                recipient="order@example.org",
                language="fr",
                ref="R1",
                category="Nid-de-poule",
                commune="Ixelles",
                body="Commune d'Ixelles",
            )
        app = create_app({**a.app.config, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port})
        try:
            result = app.test_cli_runner().invoke(args=["worker", "--once"])
        finally:
            # The worker's app has a pool of its own: closed here, not left to the collector.
            app.extensions["pave_db"].engine.dispose()
    finally:
        trickle.close()
    assert result.exit_code == 0, result.output
    with a.engine.connect() as db:
        sent_at = db.execute(
            text("SELECT sent_at FROM outbox_messages WHERE id = :id"), {"id": message_id}
        ).scalar_one()
    assert sent_at is not None and trickle.asked
    assert sent_at.timestamp() <= min(trickle.asked)
