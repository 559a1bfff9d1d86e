"""Login limits hold across the four gunicorn workers of `make run`, and lock no one out.

The attack: each worker used to count failed logins on its own (in memory), so four workers
let four times the limit through; and since one counter was the email alone, a stranger
failing five logins against a colleague's email locked that colleague out everywhere.

The defence: the counts live in one store every process shares, PostgreSQL by default (the
login_throttle table) or Redis when REDIS_URL is set, changed atomically and counted before
the password is even checked; the counter that backs off is the email and client address
together, so the colleague, from their own address, still logs in. These tests start a real
gunicorn with four workers on a throwaway database, behind PROXY_COUNT=1 so that
X-Forwarded-For plays the client's address, and fire failed logins over separate connections.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import redis
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.accounts.services import Grant, create_user
from tests.helpers.accounts import PASSWORD
from tests.helpers.databases import migrated_database
from tests.helpers.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
EMAIL = "crew@commune.example"
LIMIT = 5
ATTACKS = 24
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="module")
def database():
    """A throwaway database with one crew member, committed for gunicorn's workers to see."""
    with migrated_database("pave_login_limits") as engine:
        with Session(engine) as session, session.begin():
            body_id = session.execute(text("SELECT min(id) FROM bodies")).scalar_one()
            grant = Grant(Role.CREW_MEMBER, body_id=body_id)
            create_user(session, EMAIL, PASSWORD, name="Crew", grants=(grant,))
        yield engine


class Server:
    def __init__(self, url: str, log: Path):
        self.url = url
        self.log = log

    def login(self, address: str, password: str = "wrong password!") -> httpx.Response:
        # A connection of its own each time, so that the workers share the attempts.
        with httpx.Client(base_url=self.url, timeout=60) as client:
            return client.post(
                "/api/v1/auth/login",
                json={"email": EMAIL, "password": password},
                headers={"X-Forwarded-For": address, "Connection": "close"},
            )

    def worker_pids(self) -> set[str]:
        """The worker processes that answered logins (the access log's first field)."""
        lines = self.log.read_text().splitlines()
        return {line.split()[0] for line in lines if "/api/v1/auth/login" in line}


def _serve(database, tmp_path: Path, **env) -> Server:
    port = free_port()
    log = tmp_path / "access.log"
    errors = tmp_path / "gunicorn.log"
    environment = {
        **os.environ,
        "DATABASE_URL": database.url.render_as_string(hide_password=False),
        "PROXY_COUNT": "1",
        "SECRET_KEY": "login-limits-test",
        "SESSION_COOKIE_SECURE": "false",
        "LOGIN_RATE_LIMIT": f"{LIMIT} per minute",
        "REDIS_URL": "",
        **env,
    }
    sink = errors.open("wb")
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "--workers",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--access-logfile",
            str(log),
            "--access-logformat",
            "%(p)s %(r)s %(s)s",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=sink,
    )
    # The child has its own copy of the file.
    sink.close()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {errors.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=5).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            process.terminate()
            raise RuntimeError("gunicorn did not answer within two minutes")
        time.sleep(0.2)
    server = Server(url, log)
    server.process = process
    return server


@pytest.fixture(params=["postgresql", "redis"])
def server(request, database, tmp_path):
    env = {}
    prefix = None
    if request.param == "redis":
        prefix = f"pave-test:{uuid.uuid4().hex}:"
        env = {"REDIS_URL": REDIS_URL, "LOGIN_THROTTLE_REDIS_PREFIX": prefix}
    served = _serve(database, tmp_path, **env)
    try:
        yield served
    finally:
        served.process.terminate()
        served.process.wait(timeout=30)
        if prefix:
            client = redis.Redis.from_url(REDIS_URL)
            keys = list(client.scan_iter(match=f"{prefix}*"))
            if keys:
                client.delete(*keys)
            client.close()


def test_the_limit_holds_across_four_workers_and_locks_no_one_out(server):
    attacker = "198.51.100.66"
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: server.login(attacker), range(ATTACKS)))

    statuses = sorted(a.status_code for a in answers)
    # Exactly the configured number of failures got through, whichever worker took them.
    assert statuses == [401] * LIMIT + [429] * (ATTACKS - LIMIT)
    assert len(server.worker_pids()) > 1
    refused = next(a for a in answers if a.status_code == 429)
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert refused.json()["type"].endswith("/too-many-attempts")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60

    # The attacker's address is held back even with the right password...
    assert server.login(attacker, PASSWORD).status_code == 429
    # ...while the crew member, from their own address, logs in.
    colleague = server.login("203.0.113.10", PASSWORD)
    assert colleague.status_code == 200, colleague.text
    assert colleague.json()["user"]["email"] == EMAIL
