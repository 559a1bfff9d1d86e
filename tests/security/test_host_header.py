"""A forged Host header decides nothing: every absolute URL starts with PUBLIC_BASE_URL.

The attack: a stranger follows a report while sending `Host: evil.example`. Follow links used
to be built from the request's host, and the report's later emails reused the base of its
latest link, so the reporter's next status email pointed at
http://evil.example/follow/<reporter's token>. The same header shaped the DCAT catalogue and
the exports (served with Cache-Control: public), the OGC links and the Open311 links.

The defence (app/hosts.py): a request naming a host outside TRUSTED_HOSTS (by default the host
of PUBLIC_BASE_URL, localhost and 127.0.0.1) gets a 400 problem before any view runs; a
trusted request is then addressed to PUBLIC_BASE_URL, the one source of absolute URLs. These
tests send the forged host and read what a victim would: the emails the real SMTP server
received, and the public answers a cache would keep.
"""

from __future__ import annotations

import os
import re
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.accounts.services import Grant, create_user
from app.db import Database
from app.notify.worker import drain
from app.web import create_app
from tests.helpers.accounts import PASSWORD
from tests.helpers.api import assert_problem, report_body
from tests.helpers.databases import migrated_database
from tests.helpers.follow import ONE_COMMUNE_SQL
from tests.helpers.staff import make_staff, places, staff_as, ticket

__all__ = ["make_staff", "places", "staff_as", "ticket"]  # fixtures

PUBLIC = "https://pave.example.be"
EVIL = "evil.example"
URL = re.compile(r"https?://[^\s\"'<>]+")
REPORTER = "reporter@example.org"
STRANGER = "stranger@example.org"


@pytest.fixture(scope="module")
def engine():
    """A database of its own: the worker commits what it sends."""
    with migrated_database("pave_sec_host", seed_sql=ONE_COMMUNE_SQL) as engine:
        yield engine


@pytest.fixture
def public_app(engine):
    app = create_app({"TESTING": True, "DATABASE": Database(engine), "PUBLIC_BASE_URL": PUBLIC})
    yield app
    with engine.begin() as db:
        db.execute(text("DELETE FROM outbox_messages"))
        db.execute(text("DELETE FROM reports"))
        db.execute(text("DELETE FROM staff_sessions"))
        db.execute(text("DELETE FROM users"))


@pytest.fixture
def crew(public_app, engine):
    """A crew member of Bruxelles, logged in on their own client; returns (client, csrf)."""
    with Session(engine) as session:
        grant = Grant(
            Role.CREW_MEMBER,
            body_id=session.scalar(text("SELECT id FROM bodies WHERE code = 'commune-21004'")),
        )
        create_user(session, "crew@bruxelles.example", PASSWORD, name="Crew", grants=(grant,))
        session.commit()
    client = public_app.test_client()
    login = {"email": "crew@bruxelles.example", "password": PASSWORD}
    response = client.post("/api/v1/auth/login", json=login)
    assert response.status_code == 200, response.get_json()
    return client, {"X-CSRF-Token": response.get_json()["csrf_token"]}


def _links(messages) -> list[str]:
    return [url for m in messages for url in URL.findall(m.get_content())]


def test_a_follow_with_a_forged_host_never_reaches_the_reporters_emails(
    public_app, engine, crew, smtp, sender
):
    resident = public_app.test_client()
    body = report_body(reporter={"name": "Marie", "email": REPORTER})
    created = resident.post("/api/v1/reports", json=body)
    assert created.status_code == 201, created.get_json()
    report_id = uuid.UUID(created.get_json()["id"])
    follow = f"/api/v1/reports/{report_id}/followers"

    # The attack: follow the report naming the attacker's host, directly or as a proxy would.
    stranger = public_app.test_client()
    forged = stranger.post(follow, json={"email": STRANGER}, headers={"Host": EVIL})
    assert_problem(forged, 400)
    # Without PROXY_COUNT a forwarded host is not even looked at; a local name is accepted.
    spoofed = {"X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "http"}
    assert stranger.post(follow, json={"email": STRANGER}, headers=spoofed).status_code == 202
    local = {"Host": "127.0.0.1:5000"}
    assert stranger.post(follow, json={"email": "other@example.org"}, headers=local).status_code

    # Later, a crew member moves the ticket on: the reporter and the followers hear of it.
    client, csrf = crew
    ticket = client.get(f"/api/v1/staff/tickets/{report_id}")
    assert ticket.status_code == 200, ticket.get_json()
    ticket = ticket.get_json()
    moved = client.post(
        f"/api/v1/staff/tickets/{report_id}/transitions",
        json={"to": "acknowledged"},
        headers={**csrf, "If-Match": f'"v{ticket["version"]}"'},
    )
    assert moved.status_code == 200, moved.get_json()

    assert drain(engine, sender).failed == 0
    to_reporter = [m for m in smtp.messages if m["To"] == REPORTER]
    assert len(to_reporter) == 2  # received, then acknowledged
    assert {m["To"] for m in smtp.messages} >= {REPORTER, STRANGER, "other@example.org"}
    # Pavé's own links (not the body's map link, a fixed address at OpenStreetMap).
    links = [
        link
        for link in _links(smtp.messages)
        if not link.startswith("https://www.openstreetmap.org/?")
    ]
    assert any("/follow/" in link for link in _links(to_reporter[1:]))
    # Follow links, the About page's in each footer, the body's crew screen and photos: all
    # on the public base.
    assert all(link.startswith(PUBLIC + "/") for link in links), links
    assert any(link.startswith(PUBLIC + "/follow/") for link in links), links
    assert not any(EVIL in m.as_string() for m in smtp.messages)


def test_an_invitation_link_starts_with_the_public_address(public_app, engine, smtp, sender):
    runner = public_app.test_cli_runner()
    with Session(engine) as session:
        create_user(session, "admin@pave.example", PASSWORD, grants=(Grant(Role.ADMINISTRATOR),))
        session.commit()
    admin = public_app.test_client()
    login = {"email": "admin@pave.example", "password": PASSWORD}
    csrf = admin.post("/api/v1/auth/login", json=login).get_json()["csrf_token"]
    invitation = {"email": "new@commune.example", "role": "administrator"}
    forged = admin.post(
        "/api/v1/auth/invitations", json=invitation, headers={"X-CSRF-Token": csrf, "Host": EVIL}
    )
    assert_problem(forged, 400)
    answer = admin.post("/api/v1/auth/invitations", json=invitation, headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["invitation_url"].startswith(f"{PUBLIC}/staff/#invitation=")
    printed = runner.invoke(
        args=["staff", "invite", "cli@commune.example", "--role", "administrator"]
    )
    assert printed.exit_code == 0, printed.output
    assert f"{PUBLIC}/staff/#invitation=" in printed.output
    drain(engine, sender)
    (email,) = [m for m in smtp.messages if m["To"] == "cli@commune.example"]
    assert all(link.startswith(PUBLIC + "/") for link in _links([email]))


# The public answers a cache may keep, and the answers that carry absolute links.
PUBLIC_ANSWERS = [
    "/opendata/catalog",
    "/opendata/catalog.ttl",
    "/opendata/catalog.jsonld",
    "/opendata/reports.csv",
    "/opendata/reports.geojson",
    "/ogc/",
    "/ogc/collections",
    "/ogc/collections/reports",
    "/ogc/collections/reports/items",
    "/ogc/api",
    "/ogc/conformance",
    "/open311/v2/discovery.json",
    "/open311/v2/discovery.xml",
    "/open311/v2/requests.json",
    "/open311/v2/requests.xml",
    "/api/v1/reports",
    "/api/v1/openapi.json",
]


@pytest.mark.parametrize("path", PUBLIC_ANSWERS)
def test_no_public_answer_carries_a_forged_host(app, client, report_factory, path):
    report_factory(in_brussels=True)
    assert_problem(client.get(path, headers={"Host": EVIL}), 400)
    # A forwarded host without PROXY_COUNT is ignored: the answer names the public address.
    answer = client.get(path, headers={"X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "https"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert EVIL not in answer.get_data(as_text=True)
    assert EVIL not in str(answer.headers)


def test_behind_a_proxy_a_forwarded_host_outside_the_trusted_hosts_is_refused(app):
    proxied = create_app({**app.config, "PROXY_COUNT": 1, "PUBLIC_BASE_URL": PUBLIC})
    client = proxied.test_client()
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    forged = {"X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "https"}
    assert_problem(client.get("/ogc/", headers=forged, environ_base=proxy), 400)
    honest = {"X-Forwarded-Host": "pave.example.be", "X-Forwarded-Proto": "https"}
    answer = client.get("/ogc/", headers=honest, environ_base=proxy)
    assert answer.status_code == 200
    hrefs = [link["href"] for link in answer.get_json()["links"]]
    assert hrefs and all(href.startswith(PUBLIC + "/ogc") for href in hrefs)


def test_redirects_and_locations_start_with_the_public_address(app, client):
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    created = client.post("/api/v1/reports", json=report_body(), headers={"Host": "127.0.0.1"})
    assert created.status_code == 201
    assert created.headers["Location"].startswith(PUBLIC + "/api/v1/reports/")
    # Werkzeug's redirect to the canonical path (a trailing slash) is absolute too.
    redirect = client.get("/ogc", headers={"Host": "127.0.0.1"})
    assert redirect.status_code == 308
    assert redirect.headers["Location"] == PUBLIC + "/ogc/"


def test_trusted_hosts_setting_replaces_the_local_names(app):
    strict = create_app(
        {**app.config, "PUBLIC_BASE_URL": PUBLIC, "TRUSTED_HOSTS": (".pave.example.be",)}
    )
    client = strict.test_client()
    assert client.get("/ogc/", headers={"Host": "www.pave.example.be"}).status_code == 200
    assert client.get("/ogc/", headers={"Host": "pave.example.be"}).status_code == 200
    assert_problem(client.get("/ogc/", headers={"Host": "localhost"}), 400)
    assert_problem(client.get("/ogc/", headers={"Host": EVIL}), 400)


DELIVERY = "/api/v1/bodies/commune-21004/delivery"
FAILED = "/api/v1/staff/deliveries/failed"


def test_the_delivery_screens_refuse_a_forged_host(staff_as, ticket, session):
    """A body's delivery settings and its failed sends: read, changed or retried under a
    forged host, each is the shared 400 problem, and nothing changes."""
    session.execute(
        text(
            "INSERT INTO report_deliveries (report_id, body_id, attempts, failed_at, last_error) "
            "SELECT id, body_id, 12, now(), 'refused' FROM reports WHERE id = :id"
        ),
        {"id": ticket.id},
    )
    session.commit()
    manager = staff_as(Role.COMMUNE_MANAGER)
    forged = {"Host": EVIL}
    settings = {"method": "open311", "endpoint": "https://open311.bruxelles.example/v2/"}
    (failed,) = manager.get(FAILED).get_json()["items"]
    retry = f"/api/v1/staff/deliveries/{failed['id']}/retry"
    before = manager.get(DELIVERY).get_json()

    assert_problem(manager.get(DELIVERY, headers=forged), 400)
    assert_problem(manager.change("PUT", DELIVERY, json=settings, headers=forged), 400)
    assert_problem(manager.get(FAILED, headers=forged), 400)
    assert_problem(manager.change("POST", retry, headers=forged), 400)

    assert manager.get(DELIVERY).get_json() == before and before["method"] != "open311"
    assert [item["id"] for item in manager.get(FAILED).get_json()["items"]] == [failed["id"]]
    assert manager.change("POST", retry).status_code == 200


ROOT = Path(__file__).resolve().parents[2]


def _invite_as_make_run_would(database_url: str, port: int, **env: str) -> str:
    """`make run PORT=<port>`'s own recipe, with `flask staff invite` in place of honcho."""
    base_env = {k: v for k, v in os.environ.items() if k != "PUBLIC_BASE_URL"}
    plan = subprocess.run(
        ["make", "-n", "run", f"PORT={port}"],
        cwd=ROOT,
        env=base_env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # The last command of the plan is run's own: its environment, then honcho.
    honcho = plan.index("exec .venv/bin/honcho start")
    recipe = plan[plan.rindex("DATABASE_URL=", 0, honcho) : honcho]
    invite = "exec .venv/bin/flask --app app staff invite new@commune.example --role administrator"
    ran = subprocess.run(
        ["bash", "-c", recipe + invite],
        cwd=ROOT,
        env={**base_env, "DATABASE_URL": database_url, **env},
        capture_output=True,
        text=True,
    )
    assert ran.returncode == 0, ran.stderr
    return ran.stdout


def test_make_run_gives_the_command_line_the_address_of_the_server_it_runs():
    with migrated_database("pave_sec_make") as engine:
        url = engine.url.render_as_string(hide_password=False)
        printed = _invite_as_make_run_would(url, 8123)
        assert "http://127.0.0.1:8123/staff/#invitation=" in printed
        with engine.begin() as db:
            db.execute(text("DELETE FROM users"))
        # A PUBLIC_BASE_URL set by the operator wins.
        printed = _invite_as_make_run_would(url, 8123, PUBLIC_BASE_URL=PUBLIC)
        assert f"{PUBLIC}/staff/#invitation=" in printed
