"""Two Pavés for the delivery tests: A's body connected to a remote, A's reports delivered
there, B's crew at work; and the emails and follow page A's resident reads."""

from __future__ import annotations

import re
import uuid

import httpx
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.delivery.crypto import box_from_config, encrypt
from app.tickets import edits
from app.tickets.services import Actor, transition
from tests.factories import GRAND_PLACE

B_CREW = Actor(name="Équipe voirie de B")
FOLLOW_LINK = re.compile(r"https?://[^\s]+/follow/([A-Za-z0-9_-]+)\r?\n")

CONNECT_SQL = text(
    """
    INSERT INTO body_open311 (body_id, endpoint, api_key_encrypted)
    VALUES (:body_id, :endpoint, :key)
    ON CONFLICT (body_id) DO UPDATE SET endpoint = EXCLUDED.endpoint,
        api_key_encrypted = EXCLUDED.api_key_encrypted, updates_cursor = NULL
    """
)
DELIVERED_SQL = text(
    "INSERT INTO report_deliveries (report_id, body_id, attempts, sent_at, remote_id, "
    "remote_token) VALUES (:report_id, :body_id, 1, now(), :remote_id, :token) RETURNING id"
)


def connect(a, body_code: str, endpoint: str, api_key: str) -> int:
    """A's body sends to `endpoint` over Open311 with `api_key` (stored encrypted)."""
    body_id = a.body_id(body_code)
    key = encrypt(box_from_config(a.app.config), api_key)
    with a.engine.begin() as db:
        db.execute(
            text("UPDATE bodies SET delivery_method = 'open311' WHERE id = :id"), {"id": body_id}
        )
        db.execute(CONNECT_SQL, {"body_id": body_id, "endpoint": endpoint, "key": key})
    return body_id


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


def closing(instance) -> None:
    """Close the pool of the in-process app of an instance (the tests' requests opened it)."""
    database = instance.app.extensions.get("pave_db")
    if database is not None:
        database.engine.dispose()
