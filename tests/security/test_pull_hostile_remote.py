"""Found by the attack pass (issue 16): a hostile or broken Open311 remote against the pull.

Each test fails today:
- a remote's redirect is followed with the API key's Authorization header, to another host;
- a deeply nested JSON answer raises RecursionError out of pull_body (not a RemoteError), so
  the round of every body after it stops, and the worker's turn skips sending emails;
- an update dated 9999-12-31 moves the body's cursor there, and every later round raises
  OverflowError (start + 90 days), with the same effect, for good;
- after a ticket is transferred to another body, the first body's system still moves it: it
  closes its own copy ("not ours") and Pavé resolves the new body's ticket, residents emailed.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy.orm import Session

from app.delivery.crypto import box_from_config
from app.delivery.pull import StatusPull
from app.reports.models import Report
from app.tickets.services import Actor, transition
from tests.factories import FLAGEY
from tests.helpers.delivery import closing, connect, delivered, report_on
from tests.helpers.fake_open311 import FakeOpen311
from tests.helpers.instances import pave_instance
from tests.helpers.servers import free_port

IXELLES = "commune-21009"
KEY = "ixelles-system-key-0123456789"


@pytest.fixture(scope="module")
def a():
    with pave_instance("a") as instance:
        yield instance
        closing(instance)


@pytest.fixture
def remote():
    with FakeOpen311() as fake:
        yield fake


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


def one_round(a, pull, body_code):
    with Session(a.engine) as session:
        return pull.pull_body(session, a.body_id(body_code))


def test_a_redirect_to_another_host_is_not_sent_the_api_key(a):
    other = Recorder()
    server, url = redirecting_remote(f"http://localhost:{other.port}/elsewhere.json")
    try:
        connect(a, IXELLES, url, KEY)
        delivered(a, report_on(a, "red@example.org", point=FLAGEY), IXELLES, remote_id="IX-R")
        one_round(a, StatusPull(box_from_config(a.app.config), requests_only=True), IXELLES)
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
    pull = StatusPull(box_from_config(a.app.config), requests_only=True, batch=1000)
    done = one_round(a, pull, IXELLES)  # RecursionError today
    assert done.error is not None


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
    pull = StatusPull(box_from_config(a.app.config))
    assert one_round(a, pull, IXELLES).error is None
    remote.raw["/open311/v2/servicerequestupdates.json"] = b"[]"
    later = one_round(a, pull, IXELLES)  # OverflowError today
    assert later.error is None or "cursor" in later.error


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
    one_round(a, StatusPull(box_from_config(a.app.config), requests_only=True), IXELLES)
    with Session(a.engine) as session:
        ticket = session.get(Report, report_id)
        assert ticket is not None
        assert ticket.status not in ("resolved", "closed", "rejected"), ticket.status
