"""What the crew browser tests share: staff accounts, reports made through the API, the DB."""

from __future__ import annotations

import io
import json
import urllib.request
import uuid

import httpx
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.accounts.services import Grant, create_user
from app.bodies.models import Body
from app.media.capability import photo_token
from tests.browser.contexts import new_context
from tests.browser.helpers import post_report

PASSWORD = "correct horse battery staple"
GRAND_PLACE = {"lat": 50.8467, "lon": 4.3525}
SMALL_PHONE = {"width": 360, "height": 740}


def make_crew(engine, body_code: str) -> str:
    """A crew member of the body `body_code` (e.g. commune-21004); returns their email."""
    email = f"crew-{uuid.uuid4().hex[:8]}@commune.example"
    with Session(engine) as session, session.begin():
        body_id = session.scalar(select(Body.id).where(Body.code == body_code))
        create_user(
            session, email, PASSWORD, name="Crew member", grants=(Grant(Role.CREW_MEMBER, body_id),)
        )
    return email


def report_through_api(live_server, description: str, location=GRAND_PLACE) -> str:
    """A resident's pothole report, made through the public API; returns its id."""
    body = {"category": "pothole", "description": description, "location": location}
    return str(post_report(live_server, body))


def add_photo(live_server, report_id: str, jpeg: bytes | None = None) -> None:
    """The resident's photo, sent as their app sends it (with the report's photo token). By
    default an image of its own colour: photos are content-addressed, and one that another
    test hid would stay hidden here too."""
    if jpeg is None:
        out = io.BytesIO()
        Image.new("RGB", (320, 240), tuple(uuid.uuid4().bytes[:3])).save(out, "JPEG")
        jpeg = out.getvalue()
    key = photo_token(live_server.app.config["SECRET_KEY"], uuid.UUID(report_id))
    response = httpx.post(
        f"{live_server.url}/api/v1/reports/{report_id}/photos",
        files={"photo": ("photo.jpg", jpeg, "image/jpeg")},
        headers={"Idempotency-Key": str(uuid.uuid4()), "Report-Key": key},
        timeout=30,
    )
    assert response.status_code == 201, response.text


def open_staff(page: Page) -> None:
    page.goto("/staff/")
    expect(page.locator("body[data-ready='true']")).to_be_attached()


def sign_in(page: Page, email: str) -> None:
    """Log in from the crews' start page in whatever language it is shown."""
    open_staff(page)
    page.locator("#login-email").fill(email)
    page.locator("#login-password").fill(PASSWORD)
    page.locator("#login-form button[type=submit]").click()


def log_in(page: Page, email: str) -> None:
    open_staff(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My tickets")).to_be_visible()


def ticket_link(page: Page, word: str):
    """The link to the ticket whose description holds `word`, in the list."""
    return page.locator("#ticket-list > li").filter(has_text=word).get_by_role("link")


def change_status(page: Page, action: str, *, note: str = "", **fields: str) -> None:
    """Choose `action` (Acknowledge, Plan, …) in the form, fill its fields, and save."""
    page.get_by_label("New status").select_option(label=action)
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    if note:
        page.get_by_label("Internal note (optional, staff only)").fill(note)
    page.get_by_role("button", name="Save the change").click()


def history_of(engine, report_id: str) -> list[tuple[str | None, str, str | None]]:
    query = text(
        "SELECT from_status, to_status, note FROM report_status_changes "
        "WHERE report_id = :id ORDER BY id"
    )
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query, {"id": report_id})]


def ticket_row(engine, report_id: str) -> dict:
    query = text(
        "SELECT r.status, r.planned_for, b.code AS body, "
        "(SELECT count(*) FROM photos p WHERE p.report_id = r.id) AS photos "
        "FROM reports r JOIN bodies b ON b.id = r.body_id WHERE r.id = :id"
    )
    with engine.connect() as conn:
        return dict(conn.execute(query, {"id": report_id}).one()._mapping)


def small_phone(browser, live_server, locale="en-GB", service_workers="allow"):
    context = new_context(browser, live_server, locale=locale, service_workers=service_workers)
    page = context.new_page()
    page.set_viewport_size(SMALL_PHONE)
    return context, page


def db_rows(engine, sql: str, report_id) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql), {"id": report_id})]


def audit_actions(engine, report_id) -> list[str]:
    return [
        row[0]
        for row in db_rows(
            engine, "SELECT action FROM audit_log WHERE report_id = :id ORDER BY id", report_id
        )
    ]


def comment(live_server, follow_url: str, body: str) -> None:
    token = follow_url.rsplit("/", 1)[1]
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/follow/{token}/comments",
        data=json.dumps({"body": body}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201


def make_manager(engine, body_code: str) -> str:
    email = f"manager-{uuid.uuid4().hex[:8]}@commune.example"
    with Session(engine) as session, session.begin():
        body_id = session.scalar(select(Body.id).where(Body.code == body_code))
        grant = Grant(Role.COMMUNE_MANAGER, body_id)
        create_user(session, email, PASSWORD, name="Manager", grants=(grant,))
    return email
