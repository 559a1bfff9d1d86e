"""The follow page journeys: a report with its reporter's email, the links emailed, status moves."""

from __future__ import annotations

import json
import re
import urllib.request
import uuid

from playwright.sync_api import Page, expect
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.tickets.services import Actor, transition
from tests.browser.helpers import post_report

CREW = Actor(name="crew:follow-page-test", user_id=None)
RESIDENT = "resident.follow@example.org"
GRAND_PLACE = {"lat": 50.8467, "lon": 4.3525}
FOLLOW_LINK = re.compile(r"https?://\S+/follow/[A-Za-z0-9_-]+(?:/unsubscribe)?")
CONFIRM_LINK = re.compile(r"(https?://\S+/follow/confirm/[A-Za-z0-9_-]+)\n")


def report_with_email(live_server, description: str) -> uuid.UUID:
    """A pothole reported through the public API by a resident who gave their email."""
    body = {
        "category": "pothole",
        "description": description,
        "location": GRAND_PLACE,
        "reporter": {"email": RESIDENT},
    }
    return post_report(live_server, body, "en")


def email_links(live_db, report_id: uuid.UUID) -> tuple[str, str]:
    """The follow and unsubscribe links of the confirmation email, as the resident reads it."""
    with live_db.connect() as conn:
        body = conn.execute(
            text(
                "SELECT body FROM outbox_messages "
                "WHERE report_id = :id AND kind = 'resident_received'"
            ),
            {"id": report_id},
        ).scalar_one()
    links = FOLLOW_LINK.findall(body)
    follow = next(link for link in links if not link.endswith("/unsubscribe"))
    unsubscribe = next(link for link in links if link.endswith("/unsubscribe"))
    return follow, unsubscribe


def move(live_db, report_id: uuid.UUID, *statuses: str) -> None:
    """A member of staff moves the ticket on, as the crews' screens would."""
    with Session(live_db) as session:
        for status in statuses:
            transition(session, report_id, status, actor=CREW)
        session.commit()


def open_follow(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator("body[data-ready='true']")).to_be_attached()


def ask_to_follow(live_server, live_db, report_id, email: str, language: str) -> str:
    """The neighbour's request through the API; the confirmation link of its one email."""
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/reports/{report_id}/followers",
        data=json.dumps({"email": email, "language": language}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 202
    with live_db.connect() as conn:
        body = conn.execute(
            text(
                "SELECT body FROM outbox_messages WHERE report_id = :id AND recipient = :to "
                "AND kind = 'resident_follow_confirm'"
            ),
            {"id": report_id, "to": email},
        ).scalar_one()
    (link,) = CONFIRM_LINK.findall(body)
    return link


def emails_to(live_db, address: str) -> list[dict]:
    with live_db.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT report_id, kind, body FROM outbox_messages "
                "WHERE recipient = :address ORDER BY id"
            ),
            {"address": address},
        )
        return [dict(row._mapping) for row in rows]
