"""The sending side of issue 16 in tests: a body connected to a remote, reports filed, sent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import httpx
from sqlalchemy import text

from app.delivery.crypto import box_from_config, encrypt
from app.delivery.sender import DeliveryResult, DeliverySettings, drain_deliveries
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
           service_codes = EXCLUDED.service_codes, attributes = EXCLUDED.attributes
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
    return drain_deliveries(instance.engine, config.__class__(**{**config.__dict__, **settings}))


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
