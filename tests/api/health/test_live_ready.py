"""Liveness and readiness: what a process manager and a load balancer ask before they trust
an instance (GET /api/v1/health/live and /api/v1/health/ready)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.db import Database
from app.notify.heartbeat import beat
from app.web import create_app
from tests.helpers.databases import migrated_database
from tests.helpers.servers import ROOT, free_port

# The newest migration, read from the files' names (each starts with its revision), so that
# a new migration needs no edit here.
HEAD = [max(path.name[:4] for path in (ROOT / "migrations" / "versions").glob("[0-9]*.py"))]


def _ready(client) -> tuple[int, dict]:
    response = client.get("/api/v1/health/ready")
    assert response.mimetype == "application/json"
    return response.status_code, response.get_json()


def test_liveness_answers_without_asking_the_database():
    # A database nobody listens on: liveness does not care, readiness says so.
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/pave",
        }
    )
    client = app.test_client()
    live = client.get("/api/v1/health/live")
    assert live.status_code == 200
    assert live.get_json() == {"status": "ok"}
    status, body = _ready(client)
    assert status == 503
    assert body["status"] == "not ready"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert body["checks"]["schema"]["ok"] is False
    assert body["checks"]["worker"]["ok"] is False


def test_ready_with_the_schema_at_head_and_a_fresh_heartbeat(client, session):
    beat(session.connection(), "worker-a")
    status, body = _ready(client)
    assert status == 200, body
    assert body["status"] == "ready"
    checks = body["checks"]
    assert checks["database"] == {"ok": True}
    assert checks["schema"] == {"ok": True, "current": HEAD, "heads": HEAD}
    assert checks["worker"]["ok"] is True
    assert 0 <= checks["worker"]["age_s"] < 60
    assert checks["worker"]["max_age_s"] == 120


def test_not_ready_before_any_worker_beat(client, session):
    session.execute(text("DELETE FROM worker_heartbeats"))
    status, body = _ready(client)
    assert status == 503
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["schema"]["ok"] is True
    assert body["checks"]["worker"] == {
        "ok": False,
        "age_s": None,
        "max_age_s": 120.0,
        "error": "no worker ever wrote its heartbeat",
    }


def test_not_ready_when_the_freshest_heartbeat_is_older_than_the_setting(app, client, session):
    beat(session.connection(), "worker-a")
    beat(session.connection(), "worker-b")
    session.execute(text("UPDATE worker_heartbeats SET beat_at = now() - interval '10 minutes'"))
    status, body = _ready(client)
    assert status == 503
    worker = body["checks"]["worker"]
    assert worker["ok"] is False
    assert 599 < worker["age_s"] < 700
    assert "WORKER_HEARTBEAT_MAX_AGE_S" in worker["error"]
    # One worker that beats again is enough; a longer allowance is too.
    app.config["WORKER_HEARTBEAT_MAX_AGE_S"] = 3600
    assert _ready(client)[0] == 200
    app.config["WORKER_HEARTBEAT_MAX_AGE_S"] = 120
    beat(session.connection(), "worker-b")
    assert _ready(client)[0] == 200


def test_not_ready_when_the_schema_is_behind_or_ahead(client, session):
    beat(session.connection(), "worker-a")
    session.execute(text("UPDATE alembic_version SET version_num = '0021'"))
    status, body = _ready(client)
    assert status == 503
    assert body["checks"]["schema"] == {
        "ok": False,
        "current": ["0021"],
        "heads": HEAD,
        "error": "the database is not at this release's head: run flask db upgrade",
    }
    session.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    status, body = _ready(client)
    assert status == 503
    assert body["checks"]["schema"]["error"] == "the database is at a newer release's revision"


@pytest.fixture(scope="module")
def own_engine():
    """The worker commits: a database of its own."""
    with migrated_database("pave_ready") as engine:
        yield engine


def test_a_real_worker_run_makes_the_instance_ready(own_engine, smtp):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": Database(own_engine),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": smtp.port,
        }
    )
    client = app.test_client()
    assert _ready(client)[1]["checks"]["worker"]["ok"] is False
    result = app.test_cli_runner().invoke(args=["worker", "--once", "--name", "mail-1"])
    assert result.exit_code == 0, result.output
    status, body = _ready(client)
    assert status == 200, body
    with own_engine.connect() as db:
        rows = db.execute(text("SELECT name, pid, hostname FROM worker_heartbeats")).all()
    assert [row.name for row in rows] == ["mail-1"]


def test_a_worker_name_too_long_is_refused_in_words(own_engine):
    app = create_app({"TESTING": True, "DATABASE": Database(own_engine)})
    result = app.test_cli_runner().invoke(args=["worker", "--once", "--name", "x" * 101])
    assert result.exit_code == 2
    assert "a worker's name has 1 to 100 characters" in result.output
