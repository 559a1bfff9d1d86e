"""Issue 16 in tests: a body of A connected to a remote (another Pavé, B, or a fake), A's reports
filed and sent there, B's crew at work, and the emails and follow page A's resident reads."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from dataclasses import replace

import httpx
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.delivery.crypto import box_from_config, encrypt
from app.delivery.sender import DeliveryResult, DeliverySettings, drain_deliveries
from app.tickets import edits
from app.tickets.services import Actor, transition
from tests.factories import GRAND_PLACE
from tests.helpers.images import jpeg
from tests.helpers.instances import Instance
from tests.helpers.servers import ROOT

CONNECT_SQL = text(
    """
    INSERT INTO body_open311 (body_id, endpoint, jurisdiction_id, api_key_encrypted,
                              service_codes, attributes)
    VALUES (:body_id, :endpoint, NULL, :key, CAST(:codes AS jsonb), CAST(:attrs AS jsonb))
    ON CONFLICT (body_id) DO UPDATE
       SET endpoint = EXCLUDED.endpoint, api_key_encrypted = EXCLUDED.api_key_encrypted,
           service_codes = EXCLUDED.service_codes, attributes = EXCLUDED.attributes,
           updates_cursor = NULL
    """
)
B_CREW = Actor(name="Équipe voirie de B")
FOLLOW_LINK = re.compile(r"https?://[^\s]+/follow/([A-Za-z0-9_-]+)\r?\n")
# The report's delivery as the sender leaves it once sent (the report's creation queued it).
DELIVERED_SQL = text(
    """
    INSERT INTO report_deliveries (report_id, body_id, attempts, sent_at, remote_id,
                                   remote_token)
    VALUES (:report_id, :body_id, 1, now(), :remote_id, :token)
    ON CONFLICT (report_id, body_id) DO UPDATE
       SET attempts = 1, sent_at = now(), attempt_started_at = NULL, failed_at = NULL,
           remote_id = EXCLUDED.remote_id, remote_token = EXCLUDED.remote_token
    RETURNING id
    """
)


def connect_body(
    instance: Instance,
    body_code: str,
    endpoint: str,
    api_key: str | None,
    service_codes: dict[str, str],
    attributes: dict | None = None,
) -> None:
    """Make a body of `instance` receive by Open311 at `endpoint` (set directly in the
    tables: the settings' CLI and API are another part of issue 16)."""
    stored = encrypt(box_from_config(instance.app.config), api_key) if api_key else None
    with instance.engine.begin() as db:
        params = {
            "body_id": instance.body_id(body_code),
            "endpoint": endpoint,
            "key": stored,
            "codes": json.dumps(service_codes),
            "attrs": json.dumps(attributes or {}),
        }
        db.execute(CONNECT_SQL, params)
        db.execute(
            text("UPDATE bodies SET delivery_method = 'open311' WHERE id = :id"),
            {"id": params["body_id"]},
        )


def file_report(
    instance: Instance,
    description: str,
    *,
    photo: bool = True,
    where=GRAND_PLACE,
    category: str = "pothole",
    **reporter,
) -> uuid.UUID:
    """A resident's report through the instance's API (with a photo, as the app sends it)."""
    report = {
        "category": category,
        "description": description,
        "location": {"lon": where[0], "lat": where[1], "accuracy_m": 5.0},
    }
    if reporter:
        report["reporter"] = reporter
    url = f"{instance.url}/api/v1/reports"
    if photo:
        files = [("photo", ("hole.jpg", jpeg(800, 600), "image/jpeg"))]
        answer = httpx.post(url, data={"report": json.dumps(report)}, files=files, timeout=30)
    else:
        answer = httpx.post(url, json=report, timeout=30)
    assert answer.status_code == 201, answer.text
    return uuid.UUID(answer.json()["id"])


def send_due(instance: Instance, **settings) -> DeliveryResult:
    """One pass of the worker's Open311 sends on the instance."""
    config = DeliverySettings.from_config(instance.app.config)
    return drain_deliveries(instance.engine, replace(config, **settings))


def delivery(instance: Instance, report_id: uuid.UUID):
    with instance.engine.connect() as db:
        return db.execute(
            text("SELECT * FROM report_deliveries WHERE report_id = :id"), {"id": report_id}
        ).one_or_none()


def make_due(instance: Instance, report_id: uuid.UUID) -> None:
    """The backoff is over (as if the minutes had passed)."""
    with instance.engine.begin() as db:
        db.execute(
            text("UPDATE report_deliveries SET next_attempt_at = now() WHERE report_id = :id"),
            {"id": report_id},
        )


def tickets_on(instance: Instance, description: str) -> list:
    """The remote instance's tickets with this description, read with SQL on its database."""
    with instance.engine.connect() as db:
        return db.execute(
            text(
                "SELECT r.id, c.code AS category, r.media_url, r.idempotency_key, "
                "r.reporter_email, r.reporter_name FROM reports r "
                "JOIN categories c ON c.id = r.category_id WHERE r.description = :d"
            ),
            {"d": description},
        ).all()


def worker_process(
    instance: Instance, *, interval: float | None = 0.2, **env: str
) -> subprocess.Popen:
    """`flask --app app worker` over the instance's database and settings, as deployed
    (`interval` None: the worker's default poll interval)."""
    config = instance.server.config
    settings = {
        key: ",".join(value) if isinstance(value, list | tuple) else str(value)
        for key, value in config.items()
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "worker"]
        + ([] if interval is None else ["--interval", str(interval)]),
        cwd=ROOT,
        env={**os.environ, **settings, "NIGHTLY_JOBS": "timer", **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def connect(a, body_code: str, endpoint: str, api_key: str) -> int:
    """A's body sends to `endpoint` over Open311 with `api_key` (stored encrypted)."""
    connect_body(a, body_code, endpoint, api_key, {})
    return a.body_id(body_code)


def report_on(instance, email: str, language: str = "fr", point=GRAND_PLACE) -> uuid.UUID:
    """A resident's report on `instance`, made with its API, as the resident's phone does."""
    body = {
        "category": "pothole",
        "description": "Un trou profond devant le numéro 12",
        "location": {"lon": point[0], "lat": point[1]},
        "reporter": {"name": "Marie Peeters", "email": email},
    }
    answer = instance.app.test_client().post(
        "/api/v1/reports", json=body, headers={"Accept-Language": language}
    )
    assert answer.status_code == 201, answer.get_json()
    return uuid.UUID(answer.get_json()["id"])


def delivered(a, report_id, body_code, *, remote_id=None, token=None) -> int:
    """The sent delivery of A's report to the body's system (the sender's row, made here)."""
    params = {"report_id": report_id, "body_id": a.body_id(body_code)}
    with a.engine.begin() as db:
        return db.execute(DELIVERED_SQL, params | {"remote_id": remote_id, "token": token}).scalar()


def post_to(b, api_key: str, description: str, point=GRAND_PLACE) -> str:
    """What A's sender posts to B: a request with B's key; B's service_request_id.

    (Pavé's intake refuses attribute[...] for now, so the pave_report_id attribute the sender
    will add is left out here.)
    """
    form = {"service_code": "pothole", "lat": point[1], "long": point[0]}
    answer = httpx.post(
        f"{b.open311_url}requests.json",
        data={**form, "description": description},
        headers={"Authorization": f"Bearer {api_key}"},
    )
    assert answer.status_code == 201, answer.text
    return answer.json()[0]["service_request_id"]


def work_on(b, remote_id: str, *statuses: str, text: str | None = None) -> None:
    """B's crew moves its ticket through `statuses`, each in a transaction of its own, then
    publishes `text` to the residents (as the crew screen's public update does)."""
    report_id = uuid.UUID(remote_id)
    for status in statuses:
        with Session(b.engine) as session, session.begin():
            transition(session, report_id, status, actor=B_CREW)
    if text:
        with Session(b.engine) as session, session.begin():
            edits.add_update(session, report_id, text, actor=B_CREW, public=True, notify=True)


def row(instance, sql: str, **params):
    with instance.engine.connect() as db:
        return db.execute(text(sql), params).one()


def follow_token(messages, recipient: str) -> str:
    for message in messages:
        if message["To"] == recipient:
            found = FOLLOW_LINK.search(message.get_body(("plain",)).get_content())
            if found:
                return found.group(1)
    raise AssertionError(f"no follow link sent to {recipient}")


def texts_to(messages, recipient: str) -> list[tuple[str, str]]:
    """(subject, plain text) of each message to `recipient`, in the order they came."""
    return [
        (str(m["Subject"]), m.get_body(("plain",)).get_content())
        for m in messages
        if m["To"] == recipient
    ]
