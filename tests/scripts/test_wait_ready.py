"""scripts/wait_ready.py, the Procfile's `ready` line: `make run` says "ready" once readiness
answers 200, and says which check failed when it never does."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import text

from app.db import Database
from app.notify.heartbeat import beat
from app.web import create_app
from tests.helpers.databases import migrated_database
from tests.helpers.servers import ROOT, LiveServer, free_port

SCRIPT = str(ROOT / "scripts" / "wait_ready.py")


@pytest.fixture(scope="module")
def server():
    with migrated_database("pave_wait_ready") as engine:
        app = create_app({"TESTING": True, "DATABASE": Database(engine)})
        live = LiveServer(app, free_port())
        live.start()
        try:
            yield live, engine
        finally:
            live.stop()


def _wait(url: str, timeout: str = "3") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, SCRIPT, url, "--timeout", timeout, "--no-stay"],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_says_which_check_failed_and_exits_1(server):
    live, engine = server
    with engine.begin() as db:
        db.execute(text("DELETE FROM worker_heartbeats"))
    ran = _wait(f"{live.url}/api/v1/health/ready", timeout="2")
    assert ran.returncode == 1
    assert ran.stderr.strip() == "not ready after 2 s: worker: no worker ever wrote its heartbeat"


def test_it_says_ready_once_a_worker_beats(server):
    live, engine = server
    with engine.begin() as db:
        beat(db, "mail-1")
    ran = _wait(f"{live.url}/api/v1/health/ready")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == f"ready: {live.url}/api/v1/health/ready"


def test_no_server_at_all_is_said_in_words():
    ran = _wait(f"http://127.0.0.1:{free_port()}/api/v1/health/ready", timeout="1")
    assert ran.returncode == 1
    assert ran.stderr.startswith("not ready after 1 s: no answer (")
