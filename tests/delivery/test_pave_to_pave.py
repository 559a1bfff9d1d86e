"""Pavé to Pavé (issue 16, part 4, sending side): a report filed on A reaches B's Open311
server as one ticket, whatever the network between them does.

Two real instances (tests/helpers/instances.py), a real proxy between them that refuses
connections or loses answers on demand (tests/helpers/faulty_proxy.py), and B's tickets
counted with SQL on B's own database.
"""

from __future__ import annotations

import signal
import time

import httpx
import pytest
from sqlalchemy.orm import Session

from app.tickets.services import Actor, transition
from tests.factories import FLAGEY
from tests.helpers.delivery import (
    connect_body,
    delivery,
    file_report,
    make_due,
    send_due,
    tickets_on,
    worker_process,
)
from tests.helpers.fake_crm import FakeCrm
from tests.helpers.faulty_proxy import FaultyProxy

BRUSSELS = "commune-21004"


@pytest.fixture(autouse=True)
def healthy(proxy):
    proxy.forward()
    yield
    proxy.forward()


def test_a_report_filed_on_a_arrives_on_b_as_one_ticket(a, b):
    report_id = file_report(
        a, "Trou profond devant l'hôtel de ville (a)", name="Marie Peeters", email="m@ex.org"
    )
    result = send_due(a)
    assert (result.sent, result.failed) == (1, 0), result.errors
    [ticket] = tickets_on(b, "Trou profond devant l'hôtel de ville (a)")
    assert ticket.category == "damaged_pavement"
    # The photo as the public sees it on A, the reporter's contact for the body only.
    photo = httpx.get(ticket.media_url)
    assert ticket.media_url.startswith(f"{a.url}/api/v1/photos/")
    assert photo.status_code == 200 and photo.headers["Content-Type"] == "image/jpeg"
    assert (ticket.reporter_email, ticket.reporter_name) == ("m@ex.org", "Marie Peeters")
    assert ticket.idempotency_key.endswith(f":{report_id}")
    sent = delivery(a, report_id)
    assert sent.remote_id == str(ticket.id) and sent.sent_at is not None
    assert sent.attempts == 1 and sent.attempt_started_at is None
    # Sent once: the next pass has nothing to do.
    assert send_due(a).sent == 0


def test_b_down_for_a_while_then_delivered_once(a, b, proxy):
    description = "Nid-de-poule pendant la panne (b)"
    report_id = file_report(a, description, photo=False)
    # The network to B is down: nothing reached B, and A knows it.
    proxy.refuse()
    failed = send_due(a)
    assert (failed.sent, failed.failed) == (0, 1)
    assert "unreachable" in failed.errors[0]
    row = delivery(a, report_id)
    assert row.sent_at is None and row.attempt_started_at is None
    assert row.next_attempt_at > row.created_at  # Backed off.
    # B itself is stopped behind its reverse proxy: a 502, which A cannot read as "not done".
    proxy.forward()
    b.server.stop()
    try:
        make_due(a, report_id)
        failed = send_due(a)
        assert (failed.sent, failed.failed) == (0, 1)
        assert "502" in failed.errors[0] and "unknown outcome" in failed.errors[0]
        assert tickets_on(b, description) == []
    finally:
        b.server.start()
    make_due(a, report_id)
    assert send_due(a).sent == 1
    [ticket] = tickets_on(b, description)
    row = delivery(a, report_id)
    assert row.remote_id == str(ticket.id) and row.attempts == 3 and row.last_error is None


def test_b_answer_lost_after_b_created_the_ticket(a, b, proxy):
    report_id = file_report(a, "Réponse perdue en route (c)", photo=False)
    proxy.drop_answers(1)
    lost = send_due(a)
    assert (lost.sent, lost.failed) == (0, 1), lost.errors
    assert "unknown outcome" in lost.errors[0]
    # B has it; A does not know.
    [ticket] = tickets_on(b, "Réponse perdue en route (c)")
    row = delivery(a, report_id)
    assert row.remote_id is None and row.attempt_started_at is not None
    make_due(a, report_id)
    found = send_due(a)
    assert found.sent + found.reconciled == 1, found.errors
    assert len(tickets_on(b, "Réponse perdue en route (c)")) == 1
    row = delivery(a, report_id)
    assert row.remote_id == str(ticket.id) and row.attempt_started_at is None


def test_answers_lost_for_several_reports_at_one_spot_each_finds_its_own(a, b, proxy):
    """B echoes pave_report_id in its list: reports alike in place, service and time are
    told apart by it, never by their looks."""
    descriptions = [f"Même endroit, réponse perdue {n}" for n in range(3)]
    ids = [file_report(a, d, photo=False) for d in descriptions]
    proxy.drop_answers(3)
    assert send_due(a).failed == 3
    for report_id in ids:
        make_due(a, report_id)
    found = send_due(a)
    assert (found.reconciled, found.failed) == (3, 0), found.errors
    for report_id, description in zip(ids, descriptions, strict=True):
        [ticket] = tickets_on(b, description)
        assert delivery(a, report_id).remote_id == str(ticket.id)
    listed = httpx.get(f"{b.open311_url}requests.json", params={"service_code": "damaged_pavement"})
    echoed = {r["service_request_id"]: r.get("attributes") for r in listed.json()}
    assert echoed[delivery(a, ids[0]).remote_id] == {"pave_report_id": str(ids[0])}
    xml = httpx.get(f"{b.open311_url}requests/{delivery(a, ids[0]).remote_id}.xml").text
    assert f"<pave_report_id>{ids[0]}</pave_report_id>" in xml


def _wait(condition, timeout: float = 120.0) -> None:
    """Until `condition` holds; the bound is generous, as a worker process starting on a
    loaded machine takes many seconds to import the app."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_a_worker_killed_mid_send_leaves_one_ticket_on_b(a, b, proxy):
    description = "Travailleur tué pendant l'envoi (d)"
    report_id = file_report(a, description, photo=False)
    proxy.hold_answers()
    first = worker_process(a)
    try:
        # B has created the ticket; its answer is held in the proxy; the worker waits for it.
        _wait(lambda: len(tickets_on(b, description)) == 1)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    proxy.forward()
    assert delivery(a, report_id).attempt_started_at is not None
    second = worker_process(a)
    try:
        # After the dead worker's lease, the new one reconciles with B and records B's id.
        _wait(lambda: delivery(a, report_id).sent_at is not None)
    finally:
        second.terminate()
        second.wait(timeout=10)
    [ticket] = tickets_on(b, description)
    assert delivery(a, report_id).remote_id == str(ticket.id)


def test_b_answers_the_same_report_sent_again_with_the_request_it_made(a, b):
    """B honours pave_report_id: a second POST of the same report from the same account is
    answered with the first request (200), even if the report changed meanwhile."""
    key = b.open311_key(BRUSSELS)
    url = f"{b.open311_url}requests.json"
    form = {
        "service_code": "pothole",
        "lat": "50.8467",
        "long": "4.3525",
        "attribute[pave_report_id]": "5b0f6c8e-8d3c-4e53-9f7e-0a4f1d9e2b11",
        "api_key": key,
    }
    first = httpx.post(url, data={**form, "description": "Envoyé deux fois (e)"})
    again = httpx.post(url, data={**form, "description": "Envoyé deux fois (e), modifié"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()[0]["service_request_id"] == again.json()[0]["service_request_id"]
    assert len(tickets_on(b, "Envoyé deux fois (e)")) == 1
    assert tickets_on(b, "Envoyé deux fois (e), modifié") == []
    # Another account sending the same id makes its own request; a malformed id is refused.
    other = httpx.post(url, data={**form, "api_key": b.open311_key(BRUSSELS)})
    assert other.status_code == 201
    bad = httpx.post(url, data={**form, "attribute[pave_report_id]": "x\x00"})
    assert bad.status_code == 400 and "pave_report_id" in bad.text
    forged = httpx.post(url, data=form, headers={"Idempotency-Key": "open311-pave:1:whatever"})
    assert forged.status_code == 400


IXELLES = "commune-21009"


@pytest.fixture(scope="module")
def outside(a):
    """A commune's own system that ignores pave_report_id, behind a proxy of its own."""
    remote = FakeCrm()
    remote.server.start()
    proxy = FaultyProxy(remote.server.port)
    proxy.forward()
    connect_body(a, IXELLES, f"{proxy.url}/v2/", "outside-key", {"pothole": "ROAD-1"})
    yield remote, proxy
    proxy.stop()
    remote.server.stop()


def test_a_remote_without_the_echo_is_reconciled_by_place_service_and_time(a, outside):
    remote, proxy = outside
    # Requests made in the remote itself, near ours: another service, or 150 m away.
    remote.add(service_code="LIGHT-2", lat=FLAGEY[1], long=FLAGEY[0], description=None)
    remote.add(service_code="ROAD-1", lat=FLAGEY[1] + 0.00135, long=FLAGEY[0])
    report_id = file_report(a, "Pavé descellé place Flagey", photo=False, where=FLAGEY)
    proxy.drop_answers(1)
    assert "unknown outcome" in send_due(a).errors[0]
    assert remote.posts == 1
    make_due(a, report_id)
    found = send_due(a)
    assert (found.reconciled, found.sent) == (1, 0), found.errors
    assert remote.posts == 1
    ours = [r for r in remote.requests if r.get("description") == "Pavé descellé place Flagey"]
    assert delivery(a, report_id).remote_id == ours[0]["service_request_id"]


def test_a_request_the_remote_never_got_is_sent_after_reconciling(a, outside):
    remote, proxy = outside
    report_id = file_report(a, "Bordure cassée, rue du Page", photo=False, where=FLAGEY)
    proxy.drop_answers(1)
    send_due(a)
    # As if the request had died before the remote kept it: it is not in its list.
    remote.requests.pop()
    make_due(a, report_id)
    again = send_due(a)
    assert (again.reconciled, again.sent) == (0, 1), again.errors
    [ours] = [r for r in remote.requests if r.get("description") == "Bordure cassée, rue du Page"]
    assert delivery(a, report_id).remote_id == ours["service_request_id"]


def test_what_cannot_be_sent_says_why_and_is_given_up(a, outside):
    _, proxy = outside
    # No service_code for graffiti: nothing leaves, and the error says what to set.
    graffiti = file_report(a, "Tag sur la façade", photo=False, where=FLAGEY, category="graffiti")
    result = send_due(a, max_attempts=2)
    assert "no service_code for category graffiti" in result.errors[0]
    assert delivery(a, graffiti).attempt_started_at is None
    # A refused key: a 403, nothing created, tried again after its backoff, then given up.
    connect_body(a, IXELLES, f"{proxy.url}/v2/", "stale-key", {"pothole": "ROAD-1"})
    refused = file_report(a, "Clé refusée", photo=False, where=FLAGEY)
    make_due(a, graffiti)
    first = send_due(a, max_attempts=2)
    assert first.given_up == 1 and first.failed == 2  # graffiti's second and last attempt
    make_due(a, refused)
    last = send_due(a, max_attempts=2)
    assert last.given_up == 1 and "403" in last.errors[0] and "bad key" in last.errors[0]
    row = delivery(a, refused)
    assert row.failed_at is not None and row.attempt_started_at is None
    assert "stale-key" not in row.last_error
    connect_body(a, IXELLES, f"{proxy.url}/v2/", "outside-key", {"pothole": "ROAD-1"})


def test_a_ticket_transferred_before_it_was_sent_goes_to_its_new_body_only(a, b, outside):
    remote, _ = outside
    report_id = file_report(a, "Transféré avant l'envoi", photo=False)
    with Session(a.engine) as session, session.begin():
        transition(
            session,
            report_id,
            "transferred",
            actor=Actor(name="Crew"),
            reason="Voirie d'Ixelles",
            to_body_code=IXELLES,
        )
    result = send_due(a)
    assert (result.sent, result.given_up) == (1, 1), result.errors
    assert "transferred to another body" in result.errors[0]
    assert tickets_on(b, "Transféré avant l'envoi") == []
    assert [r for r in remote.requests if r.get("description") == "Transféré avant l'envoi"]
