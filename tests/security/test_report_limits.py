"""New reports are limited: acknowledgements per mailbox (the report is kept), reports per client.

An outside test found that five reports naming someone else's address sent them five "we
received your report" emails, and that nothing limited POST /api/v1/reports. The emails are
read from a real SMTP server, sent by the worker from the test's own transaction.
"""

from __future__ import annotations

import subprocess
import time
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select, text

from app.notify.worker import drain
from app.reports.models import Report
from tests.helpers.api import report_body
from tests.helpers.open311 import BASE, api_key, form, make_staff, places
from tests.helpers.servers import free_port

__all__ = ["api_key", "make_staff", "places"]

VICTIM = "victim@example.org"
PROBLEM = "application/problem+json"
RECEIVED = {
    "fr": "Votre signalement est bien reçu, mais sans e-mail d'accusé de réception",
    "nl": "Uw melding is goed ontvangen, maar zonder ontvangstbevestiging per e-mail",
}


class InTransaction:
    """The worker's engine, as far as drain goes: each message in a savepoint of the test's
    connection, which sees what the app wrote and is rolled back at the end."""

    def __init__(self, connection):
        self.connection = connection

    @contextmanager
    def begin(self):
        with self.connection.begin_nested():
            yield self.connection


def _post(client, email=VICTIM, lang="fr", key=None, address="192.0.2.10"):
    body = report_body(reporter={"email": email}) if email else report_body()
    return client.post(
        "/api/v1/reports",
        json=body,
        headers={"Accept-Language": lang, "Idempotency-Key": key or str(uuid.uuid4())},
        environ_base={"REMOTE_ADDR": address},
    )


def _received(smtp, recipient=VICTIM) -> int:
    return sum(1 for m in smtp.messages if m["To"] == recipient)


def _reports(session) -> int:
    return session.scalar(select(func.count()).select_from(Report))


def test_the_eleventh_report_of_an_address_is_kept_without_an_eleventh_email(
    app, client, connection, smtp, sender
):
    app.config["REPORT_EMAIL_RATE_LIMIT"] = "10 per hour"
    for n in range(10):
        sent = _post(client, address=f"192.0.2.{n}")
        assert sent.status_code == 201
        assert (sent.get_json()["acknowledgement"], sent.get_json()["notice"]) == ("queued", None)

    # From another client, and with a subaddress of the same mailbox: still that inbox.
    dutch = _post(client, email="Victim+street@example.org", lang="nl", address="198.51.100.1")
    french = _post(client, lang="fr")

    for answer, lang in ((dutch, "nl"), (french, "fr")):
        assert answer.status_code == 201
        created = answer.get_json()
        assert created["acknowledgement"] == "withheld"
        assert created["notice"].startswith(RECEIVED[lang])
        # The report is there, and its author can still follow it.
        assert client.get(f"/api/v1/reports/{created['id']}").status_code == 200
        assert created["follow_token"]
    # Another inbox is not held back by the victim's.
    assert _post(client, email="neighbour@example.org").get_json()["acknowledgement"] == "queued"

    drain(InTransaction(connection), sender)
    assert _received(smtp) == 10
    assert _received(smtp, "victim+street@example.org") == 0
    assert _received(smtp, "neighbour@example.org") == 1


def test_the_sixty_first_report_of_a_client_is_refused_with_a_translated_problem(
    app, client, session
):
    app.config["REPORT_CLIENT_RATE_LIMIT"] = "60 per hour"
    first_key = str(uuid.uuid4())
    assert _post(client, email=None, key=first_key).status_code == 201
    for _ in range(59):
        assert _post(client, email=None).status_code == 201
    before = _reports(session)

    french = _post(client, email=None, lang="fr")
    dutch = _post(client, email=None, lang="nl")

    for refused, words in ((french, "Trop de nouveaux signalements"), (dutch, "Te veel nieuwe")):
        assert refused.status_code == 429
        assert refused.mimetype == PROBLEM
        assert 0 < int(refused.headers["Retry-After"]) <= 3600
        problem = refused.get_json()
        assert problem["type"].endswith("/too-many-attempts")
        assert problem["detail"].startswith(words)
    assert dutch.get_json()["title"] == "Te veel pogingen"
    assert _reports(session) == before
    # The retry of a report the server has is answered, not refused: it is no new report.
    replayed = _post(client, email=None, key=first_key)
    assert replayed.status_code == 201
    assert replayed.headers["Idempotent-Replayed"] == "true"
    # Another client is not held back.
    assert _post(client, email=None, address="198.51.100.2").status_code == 201


def test_a_replayed_key_is_counted_once_and_answers_as_the_first_time(
    app, client, connection, smtp, sender
):
    app.config["REPORT_CLIENT_RATE_LIMIT"] = "2 per hour"
    app.config["REPORT_EMAIL_RATE_LIMIT"] = "1 per hour"
    first, second = str(uuid.uuid4()), str(uuid.uuid4())

    answers = [_post(client, key=first) for _ in range(3)]
    assert [a.get_json()["acknowledgement"] for a in answers] == ["queued"] * 3
    answers = [_post(client, key=second, lang="nl") for _ in range(3)]
    assert [a.get_json()["acknowledgement"] for a in answers] == ["withheld"] * 3
    assert answers[-1].get_json()["notice"].startswith(RECEIVED["nl"])
    assert _post(client).status_code == 429

    drain(InTransaction(connection), sender)
    assert _received(smtp) == 1


def test_open311_requests_limit_acknowledgements_not_the_staff_systems_sending_them(
    app, client, connection, session, smtp, sender, api_key
):
    """An api_key's account (another system forwarding a commune's tickets) is not held to a
    resident's number of reports; the inbox its reports name is protected all the same."""
    app.config["REPORT_CLIENT_RATE_LIMIT"] = "2 per hour"
    app.config["REPORT_EMAIL_RATE_LIMIT"] = "1 per hour"
    posted = [
        client.post(f"{BASE}/requests.json", data=form(api_key, email=VICTIM)) for _ in range(3)
    ]
    assert [p.status_code for p in posted] == [201] * 3
    drain(InTransaction(connection), sender)
    assert _received(smtp) == 1
    # Open311's reports were not counted against the client's native ones either.
    assert _post(client, email=None, address="127.0.0.1").status_code == 201


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_an_unreachable_counter_keeps_the_report_but_sends_no_acknowledgement(
    app, connection, lang
):
    from app.web import create_app

    cut_off = create_app({**app.config, "REDIS_URL": "redis://127.0.0.1:1/0"})

    answer = _post(cut_off.test_client(), lang=lang)

    assert answer.status_code == 201
    created = answer.get_json()
    assert created["acknowledgement"] == "withheld"
    assert created["notice"].startswith(RECEIVED[lang])
    queued = connection.execute(
        text("SELECT count(*) FROM outbox_messages WHERE report_id = :id AND recipient = :to"),
        {"id": created["id"], "to": VICTIM},
    ).scalar_one()
    assert queued == 0


def test_a_window_over_counts_again_from_one(app, client):
    app.config["REPORT_CLIENT_RATE_LIMIT"] = "2 per second"
    assert [_post(client, email=None).status_code for _ in range(3)] == [201, 201, 429]
    time.sleep(1.1)
    assert [_post(client, email=None).status_code for _ in range(3)] == [201, 201, 429]


@pytest.fixture
def redis_url():
    """A Redis server of the test's own (Debian's redis-server), nothing written to disk."""
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
    server = subprocess.Popen(
        [*command, "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL
    )
    try:
        import redis

        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis(port=port).ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_limits_hold_in_redis_too(app, redis_url):
    from app.web import create_app

    limited = create_app(
        {
            **app.config,
            "REDIS_URL": redis_url,
            "REPORT_CLIENT_RATE_LIMIT": "2 per hour",
            "REPORT_EMAIL_RATE_LIMIT": "1 per hour",
        }
    ).test_client()

    first, second = _post(limited), _post(limited)
    refused = _post(limited)

    assert [first.get_json()["acknowledgement"], second.get_json()["acknowledgement"]] == [
        "queued",
        "withheld",
    ]
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
