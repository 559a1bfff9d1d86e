"""DATABASE_READ_URL against a real streaming replica (tests/helpers/replica.py).

A primary and a `pg_basebackup -R` hot standby of it, both throwaway. The replica's replay is
paused to prove where each answer comes from: a report posted meanwhile is on the primary
only, so the public readers must not show it yet while its author and staff see it at once;
once replay resumes, every public reader shows it. A standby refuses every write, so a
public GET that wrote anything would fail here: each one is asked once.
"""

from __future__ import annotations

import logging
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.accounts.services import Grant, create_user
from app.bodies.models import Body
from app.web import create_app, db_session, get_database, get_read_database, read_session
from tests.factories import GRAND_PLACE
from tests.helpers.accounts import PASSWORD
from tests.helpers.api import report_body
from tests.helpers.databases import migrated_database
from tests.helpers.replica import streaming_replica

LON, LAT = GRAND_PLACE
NEAR = f"lon={LON}&lat={LAT}&radius_m=500"
MANAGER = "manager@bruxelles.example"
BBOX = f"{LON - 0.01},{LAT - 0.01},{LON + 0.01},{LAT + 0.01}"


@pytest.fixture(scope="module")
def replication():
    with streaming_replica() as replication:
        yield replication


@pytest.fixture(scope="module")
def primary(replication):
    """The app's database on the primary, migrated and seeded like the suite's."""
    server = replication.url("primary")
    with migrated_database("pave_replica", boundaries=True, server=server) as engine:
        replication.wait_replayed()
        yield engine


def _app(primary, read_url: str):
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": primary.url.render_as_string(hide_password=False),
            "DATABASE_READ_URL": read_url,
            "PUBLIC_BASE_URL": "http://localhost",
            # Each reader asked afresh, so that it shows what the replica holds now.
            "PUBLIC_CACHE_SECONDS": 0,
            # A folder that never exists: no snapshot written, the files answer 404.
            "SNAPSHOT_DIR": "/nonexistent/pave-replica-test/snapshots",
        }
    )


def _dispose(app) -> None:
    for key in ("pave_db", "pave_read_db"):
        if key in app.extensions:
            app.extensions[key].engine.dispose()


@pytest.fixture(scope="module")
def replica_app(replication, primary):
    """The app with DATABASE_READ_URL on the replica's copy of the same database."""
    app = _app(primary, str(replication.url("replica", primary.url.database)))
    yield app
    _dispose(app)


@pytest.fixture(scope="module")
def staff(replica_app, primary):
    """A commune manager of Bruxelles, logged in on their own client."""
    with Session(primary) as session:
        brussels = session.scalar(select(Body.id).where(Body.code == "commune-21004"))
        grant = Grant(Role.COMMUNE_MANAGER, body_id=brussels)
        create_user(session, MANAGER, PASSWORD, "Manager", grants=(grant,))
        session.commit()
    client = replica_app.test_client()
    response = client.post("/api/v1/auth/login", json={"email": MANAGER, "password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    return client


def _post_report(client, description: str) -> dict:
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    response = client.post(
        "/api/v1/reports", json=report_body(description=description), headers=headers
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _potholes(client) -> int:
    items = client.get("/opendata/dashboard/categories").get_json()["items"]
    return next(item["total"] for item in items if item["code"] == "pothole")


def _public_sightings(client, report_id: str, potholes_before: int) -> dict[str, bool]:
    """Which public readers show the report (each answer must be a success)."""

    def body(url: str):
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        return response

    def ids(url: str) -> set[str]:
        return {feature["id"] for feature in body(url).get_json()["features"]}

    open311 = body("/open311/v2/requests.json").get_json()
    return {
        "report": body(f"/api/v1/reports/{report_id}").status_code == 200,
        "report list": report_id in ids("/api/v1/reports?limit=100"),
        "nearby": report_id in ids(f"/api/v1/reports/nearby?{NEAR}"),
        "OGC item": body(f"/ogc/collections/reports/items/{report_id}").status_code == 200,
        "OGC items": report_id in ids(f"/ogc/collections/reports/items?bbox={BBOX}&limit=100"),
        "Open311 request": body(f"/open311/v2/requests/{report_id}.json").status_code == 200,
        "Open311 requests": report_id in {r["service_request_id"] for r in open311},
        "dashboard": _potholes(client) == potholes_before + 1,
        "CSV export": report_id in body("/opendata/reports.csv").get_data(as_text=True),
        "GeoJSON export": report_id in body("/opendata/reports.geojson").get_data(as_text=True),
        "flask opendata export": report_id in _cli_export(client.application),
    }


def _cli_export(app) -> str:
    with tempfile.TemporaryDirectory() as directory:
        target = Path(directory) / "reports.csv"
        command = ["opendata", "export", "--format", "csv", "-o", str(target)]
        result = app.test_cli_runner().invoke(args=command)
        assert result.exit_code == 0, result.output
        return target.read_text()


def test_the_replica_is_a_hot_standby_streaming_from_the_primary(replication, primary):
    assert replication.scalar("primary", "SELECT state FROM pg_stat_replication") == "streaming"
    assert replication.scalar("replica", "SELECT pg_is_in_recovery()") is True
    with pytest.raises(DBAPIError, match="read-only transaction"):
        replication.scalar("replica", "CREATE TABLE nothing (id int)")


def test_a_report_reaches_the_public_readers_once_the_replica_replays_it(
    replication, replica_app, staff
):
    client = replica_app.test_client()
    potholes_before = _potholes(client)
    replication.pause_replay()
    try:
        created = _post_report(client, "Hole that the replica has not seen yet")
        report_id = created["id"]
        # Its author (through the follow link) and staff read the primary: they see it now.
        own = client.get(f"/api/v1/follow/{created['follow_token']}")
        assert own.status_code == 200
        assert own.get_json()["report"]["id"] == report_id
        assert staff.get(f"/api/v1/staff/tickets/{report_id}").status_code == 200
        # The public readers read the replica, which stands still.
        lagging = _public_sightings(client, report_id, potholes_before)
        assert lagging == dict.fromkeys(lagging, False)
        assert _replica_health(client, lambda state: state["replay_delay_s"] > 0)["ok"]
    finally:
        replication.resume_replay()
    seen = _public_sightings(client, report_id, potholes_before)
    assert seen == dict.fromkeys(seen, True)
    assert _replica_health(client) == {"ok": True, "standby": True, "replay_delay_s": 0.0}


def _replica_health(client, until=lambda state: True) -> dict:
    """The health's replica state, once `until` holds of it (WAL arrives asynchronously)."""
    deadline = time.monotonic() + 5
    while True:
        response = client.get("/api/v1/health")
        assert response.status_code == 200
        state = response.get_json()["replica"]
        if until(state) or time.monotonic() > deadline:
            return state
        time.sleep(0.05)


def _public_get_urls(report_id: str) -> dict[str, list[str]]:
    """One URL (or a few) for each public GET route that reads the replica."""
    return {
        "/api/v1/reports": ["/api/v1/reports"],
        "/api/v1/reports/<uuid:report_id>": [f"/api/v1/reports/{report_id}"],
        "/api/v1/reports/nearby": [f"/api/v1/reports/nearby?{NEAR}"],
        "/ogc/": ["/ogc/"],
        "/ogc/<path:path>": ["/ogc/nothing"],
        "/ogc/api": ["/ogc/api"],
        "/ogc/conformance": ["/ogc/conformance"],
        "/ogc/collections": ["/ogc/collections"],
        "/ogc/collections/<collection_id>": [
            "/ogc/collections/reports",
            "/ogc/collections/communes",
        ],
        "/ogc/collections/<collection_id>/items": [
            f"/ogc/collections/reports/items?bbox={BBOX}",
            f"/ogc/collections/communes/items?bbox={BBOX}",
        ],
        "/ogc/collections/<collection_id>/items/<feature_id>": [
            f"/ogc/collections/reports/items/{report_id}",
            "/ogc/collections/communes/items/21004",
        ],
        "/open311/v2/<path:rest>": ["/open311/v2/nothing.json"],
        "/open311/v2/discovery.<fmt>": ["/open311/v2/discovery.json"],
        "/open311/v2/services.<fmt>": ["/open311/v2/services.json", "/open311/v2/services.xml"],
        "/open311/v2/services/<code>.<fmt>": ["/open311/v2/services/pothole.json"],
        "/open311/v2/requests.<fmt>": ["/open311/v2/requests.json", "/open311/v2/requests.xml"],
        "/open311/v2/requests/<request_id>.<fmt>": [f"/open311/v2/requests/{report_id}.json"],
        "/open311/v2/servicerequestupdates.<fmt>": ["/open311/v2/servicerequestupdates.json"],
        "/open311/v2/tokens/<token>.<fmt>": ["/open311/v2/tokens/none.json"],
        "/opendata/catalog": ["/opendata/catalog"],
        "/opendata/catalog.jsonld": ["/opendata/catalog.jsonld"],
        "/opendata/catalog.ttl": ["/opendata/catalog.ttl"],
        "/opendata/dashboard/regions": ["/opendata/dashboard/regions"],
        "/opendata/dashboard/outlines": ["/opendata/dashboard/outlines"],
        **{
            f"/opendata/dashboard/{figure}": [f"/opendata/dashboard/{figure}"]
            for figure in ("categories", "communes", "statuses", "trend")
        },
        **{
            f"/opendata/dashboard/{figure}.<string:fmt>": [f"/opendata/dashboard/{figure}.csv"]
            for figure in ("categories", "communes", "statuses", "trend")
        },
        "/opendata/reports.<string:fmt>": ["/opendata/reports.csv", "/opendata/reports.geojson"],
        "/opendata/snapshots/reports.<string:fmt>": ["/opendata/snapshots/reports.csv"],
    }


PUBLIC_PREFIXES = ("/api/v1/reports", "/ogc", "/open311", "/opendata")
NOT_FOUND = {
    "/ogc/nothing",
    "/open311/v2/nothing.json",
    "/open311/v2/tokens/none.json",
    "/opendata/snapshots/reports.csv",
}


def test_no_public_get_writes_anything(replication, replica_app):
    """A standby refuses writes: a public GET that wrote would fail (500) here."""
    client = replica_app.test_client()
    report_id = _post_report(client, "Hole for every reader")["id"]
    replication.pause_replay()
    try:
        urls = _public_get_urls(report_id)
        routes = {
            rule.rule
            for rule in replica_app.url_map.iter_rules()
            if "GET" in (rule.methods or ()) and rule.rule.startswith(PUBLIC_PREFIXES)
        }
        assert routes == set(urls), "a public GET route was added or removed: list it here"
        answers = {url: client.get(url).status_code for group in urls.values() for url in group}
    finally:
        replication.resume_replay()
    assert answers == {url: 404 if url in NOT_FOUND else 200 for url in answers}


def test_an_unreachable_replica_leaves_the_public_readers_on_the_primary(
    replication, primary, caplog
):
    gone = replication.url("replica", primary.url.database).set(
        query={"host": str(replication.replica_dir / "gone")}
    )
    app = _app(primary, gone.render_as_string(hide_password=False))
    try:
        client = app.test_client()
        report_id = _post_report(client, "Hole while the replica is down")["id"]
        with caplog.at_level(logging.WARNING, logger="app.web"):
            first = client.get(f"/open311/v2/requests/{report_id}.json")
            again = client.get(f"/api/v1/reports/{report_id}")
        health = client.get("/api/v1/health")
    finally:
        _dispose(app)
    # From the primary, at once (no lag), and the dead replica is not asked again at once.
    assert (first.status_code, again.status_code) == (200, 200)
    warnings = [r.getMessage() for r in caplog.records if r.name == "app.web"]
    assert len(warnings) == 1 and "read replica unreachable" in warnings[0]
    # Up (the primary serves everything), but operators are told.
    assert health.status_code == 200
    assert health.get_json()["status"] == "degraded"
    assert health.get_json()["replica"] == {"ok": False, "error": "OperationalError"}


def test_the_health_flags_a_read_url_that_is_no_standby(primary):
    """After a failover, a replica promoted to primary no longer follows the other one."""
    app = _app(primary, primary.url.render_as_string(hide_password=False))
    try:
        body = app.test_client().get("/api/v1/health").get_json()
    finally:
        _dispose(app)
    assert body["status"] == "degraded"
    assert body["replica"] == {"ok": False, "standby": False, "replay_delay_s": None}


def test_without_a_read_url_the_public_readers_share_the_request_session():
    app = create_app({"TESTING": True, "DATABASE_URL": "postgresql+psycopg://nobody@/none"})
    with app.test_request_context("/ogc/"):
        assert get_read_database(app) is get_database(app)
        assert read_session() is db_session()
    assert "pave_read_db" not in app.extensions


def test_the_public_readers_connect_to_the_replica(replica_app):
    with replica_app.test_request_context("/ogc/"):
        assert read_session().execute(text("SELECT pg_is_in_recovery()")).scalar() is True
        assert db_session().execute(text("SELECT pg_is_in_recovery()")).scalar() is False


def test_several_hosts_behind_the_setting_reach_a_standby(replication, primary):
    """libpq's multi-host form, tried in order: a dead host and the primary (which would
    accept the connection) are passed over for the standby."""
    hosts = [str(replication.replica_dir / "gone")]
    hosts += [str(replication.url(which).query["host"]) for which in ("primary", "replica")]
    url = replication.url("replica", primary.url.database).set(
        query={"host": hosts, "target_session_attrs": "standby"}
    )
    app = _app(primary, url.render_as_string(hide_password=False))
    try:
        with app.test_request_context("/ogc/"):
            assert read_session().execute(text("SELECT pg_is_in_recovery()")).scalar() is True
    finally:
        _dispose(app)
