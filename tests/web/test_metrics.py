"""/metrics: who may read it, and what it says after real requests, outbox rows, a worker's
heartbeat and reports (app/web/metrics.py). Under gunicorn: test_metrics_gunicorn.py."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import text

from app.notify.heartbeat import beat
from app.web import create_app
from tests.helpers.metrics import families, samples, value
from tests.helpers.servers import free_port

DURATION = "pave_http_request_duration_seconds"
LOCAL_V4, LOCAL_V6, OUTSIDE = "127.0.0.1", "::1", "198.51.100.7"


def _scrape(client, address: str = LOCAL_V4, **kwargs):
    return client.get("/metrics", environ_base={"REMOTE_ADDR": address}, **kwargs)


def _metrics(client) -> dict:
    response = _scrape(client)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.headers["Cache-Control"] == "no-store"
    return samples(response.get_data(as_text=True))


def _unknown_address(client, address: str = OUTSIDE):
    return client.get("/no-such-page", environ_base={"REMOTE_ADDR": address})


def test_the_local_host_reads_it_and_others_get_the_404_of_an_unknown_address(client):
    for address in (LOCAL_V4, LOCAL_V6, "::ffff:127.0.0.1"):
        assert _scrape(client, address).status_code == 200, address
    unknown = _unknown_address(client)
    for method in ("GET", "HEAD", "POST", "DELETE", "OPTIONS"):
        refused = client.open(
            "/metrics", method=method, environ_base={"REMOTE_ADDR": "203.0.113.9"}
        )
        assert refused.status_code == 404, method
        if method != "HEAD":
            assert refused.get_data() == unknown.get_data()
        assert refused.mimetype == unknown.mimetype
    # An allowed client that posts learns the method is wrong, nothing more.
    assert client.post("/metrics", environ_base={"REMOTE_ADDR": LOCAL_V4}).status_code == 405


def test_the_networks_come_from_the_setting(app):
    app = create_app({**app.config, "METRICS_ALLOWED_NETWORKS": ("10.0.0.0/8", "2001:db8::/32")})
    client = app.test_client()
    assert _scrape(client, "10.20.30.40").status_code == 200
    assert _scrape(client, "2001:db8::5").status_code == 200
    assert _scrape(client, LOCAL_V4).status_code == 404
    closed = create_app({**app.config, "METRICS_ALLOWED_NETWORKS": ("none",)})
    assert _scrape(closed.test_client(), LOCAL_V4).status_code == 404


def test_a_wrong_network_stops_the_app_from_starting_with_a_clear_error(app):
    with pytest.raises(ValueError, match=r"METRICS_ALLOWED_NETWORKS: '10\.0\.0\.300/8' is not"):
        create_app({**app.config, "METRICS_ALLOWED_NETWORKS": ("10.0.0.300/8",)})


def test_a_forged_forwarded_for_does_not_open_it(app):
    """Behind one proxy (PROXY_COUNT=1), the client is the address the proxy adds last: what
    a client writes itself in X-Forwarded-For comes before it and is not believed."""
    behind = create_app({**app.config, "PROXY_COUNT": 1}).test_client()
    forged = {"X-Forwarded-For": f"127.0.0.1, {OUTSIDE}"}
    assert _scrape(behind, LOCAL_V4, headers=forged).status_code == 404
    assert _scrape(behind, LOCAL_V4, headers={"X-Forwarded-For": OUTSIDE}).status_code == 404
    # A client on the proxy's own host.
    assert _scrape(behind, LOCAL_V4, headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 200
    # Without a proxy to trust, the header is ignored whatever it says.
    direct = app.test_client()
    assert _scrape(direct, OUTSIDE, headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 404


def test_request_durations_per_endpoint_and_status_never_per_path(client):
    before = _metrics(client)
    token = secrets.token_urlsafe(32)
    for _ in range(3):
        assert client.get("/api/v1/health/live").status_code == 200
    assert client.get(f"/api/v1/follow/{token}").status_code == 404
    assert client.get(f"/no/such/{token}").status_code == 404
    assert client.open("/api/v1/health/live", method="BREW").status_code == 405
    response = _scrape(client)
    exposition = response.get_data(as_text=True)
    after = samples(exposition)
    assert families(exposition)[DURATION] == "histogram"

    def count(**labels):
        return value(after, f"{DURATION}_count", **labels) - value(
            before, f"{DURATION}_count", **labels
        )

    assert count(endpoint="health.Live", method="GET", status="200") == 3
    assert count(endpoint="follow.Follow", method="GET", status="404") == 1
    assert count(endpoint="unmatched", method="GET", status="404") == 1
    # A method no route takes: no endpoint matched, and the method is not a label of its own.
    assert count(endpoint="unmatched", method="other", status="405") == 1
    assert token not in exposition
    # A bucket holds every request up to its bound: the largest holds all three.
    assert (
        value(
            after,
            f"{DURATION}_bucket",
            endpoint="health.Live",
            method="GET",
            status="200",
            le="+Inf",
        )
        >= 3
    )


def _outbox_row(session, kind: str, *, age: str, **state) -> None:
    columns = {"attempts": 0, "last_error": None, "sent_at": None, "failed_at": None, **state}
    session.execute(
        text(
            "INSERT INTO outbox_messages (kind, recipient, language, subject, body, created_at,"
            " attempts, last_error, sent_at, failed_at) VALUES (:kind, 'a@example.org', 'fr',"
            " 'Sujet', 'Texte', now() - CAST(:age AS interval), :attempts, :last_error,"
            " :sent_at, :failed_at)"
        ),
        {"kind": kind, "age": age, **columns},
    )


def test_outbox_depth_age_failures_and_the_workers_heartbeat(client, session):
    session.execute(text("DELETE FROM outbox_messages"))
    _outbox_row(session, "resident_received", age="2 hours")
    _outbox_row(session, "resident_received", age="5 minutes")
    _outbox_row(
        session, "resident_received", age="1 hour", attempts=3, last_error="SMTPServerDisconnected"
    )
    _outbox_row(
        session,
        "body_new_report",
        age="3 days",
        attempts=12,
        last_error="550",
        failed_at="2026-01-01T00:00:00Z",
    )
    _outbox_row(session, "body_new_report", age="1 day", attempts=1, sent_at="2026-01-01T00:00:00Z")
    beat(session.connection(), "mail-1")
    session.execute(text("UPDATE worker_heartbeats SET beat_at = now() - interval '42 seconds'"))
    found = _metrics(client)
    assert value(found, "pave_database_up") == 1
    assert value(found, "pave_outbox_pending_messages", kind="resident_received") == 3
    assert value(found, "pave_outbox_failing_messages", kind="resident_received") == 1
    assert value(found, "pave_outbox_given_up_messages", kind="resident_received") == 0
    oldest = value(found, "pave_outbox_oldest_pending_age_seconds", kind="resident_received")
    assert 7200 <= oldest < 7200 + 600
    # Sent messages count nowhere; the given-up one is not pending.
    assert value(found, "pave_outbox_pending_messages", kind="body_new_report") == 0
    assert value(found, "pave_outbox_given_up_messages", kind="body_new_report") == 1
    assert (
        "pave_outbox_oldest_pending_age_seconds",
        frozenset({("kind", "body_new_report")}),
    ) not in found
    age = value(found, "pave_worker_heartbeat_age_seconds", default=-1, worker="mail-1")
    assert 42 <= age < 42 + 600


def test_reports_created_per_region(client, report_factory):
    before = _metrics(client)
    report_factory.create(in_brussels=True)
    report_factory.create(in_ixelles=True)
    report_factory.create(in_namur=True)
    after = _metrics(client)

    def created(region: str) -> float:
        name = "pave_reports_created_total"
        return value(after, name, region=region) - value(before, name, region=region)

    assert created("04000") == 2  # Brussels-Capital
    assert created("03000") == 1  # Wallonia
    assert created("02000") == 0  # Flanders


def test_a_database_down_still_answers_with_database_up_zero():
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/pave",
        }
    )
    found = _metrics(app.test_client())
    assert value(found, "pave_database_up", default=-1) == 0
