"""Crews on a small phone: priority, assignee, public updates, internal notes and the audit log."""

from __future__ import annotations

import io
import re
import uuid

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.accounts.services import Grant, create_user
from app.bodies.models import Body
from app.media.capability import photo_token
from tests.browser.contexts import new_context
from tests.browser.crew_helpers import (
    PASSWORD,
    audit_actions,
    db_rows,
    log_in,
    make_crew,
    report_through_api,
    sign_in,
    small_phone,
    ticket_link,
)
from tests.browser.follow_helpers import email_links, open_follow, report_with_email
from tests.browser.helpers import marker
from tests.browser.page_checks import assert_every_string_in, axe_violations

pytestmark = pytest.mark.slow

BRUXELLES = "commune-21004"


def make_colleague(engine, name: str) -> int:
    """Another crew member of Bruxelles, with a name to pick from the list; returns their id."""
    with Session(engine) as session, session.begin():
        body_id = session.scalar(select(Body.id).where(Body.code == BRUXELLES))
        user = create_user(
            session,
            f"colleague-{uuid.uuid4().hex[:8]}@commune.example",
            PASSWORD,
            name=name,
            grants=(Grant(Role.CREW_MEMBER, body_id),),
        )
        return user.id


def add_photo(live_server, live_db, report_id) -> None:
    """The resident's photo of the report, sent as the resident app sends it: with the
    report's photo token (which only the resident's app was given) as Report-Key."""
    creation_key = photo_token(live_server.app.config["SECRET_KEY"], uuid.UUID(str(report_id)))
    jpeg = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 40, 40)).save(jpeg, "JPEG")
    response = httpx.post(
        f"{live_server.url}/api/v1/reports/{report_id}/photos",
        files={"photo": ("photo.jpg", jpeg.getvalue(), "image/jpeg")},
        headers={"Idempotency-Key": str(uuid.uuid4()), "Report-Key": creation_key},
        timeout=30,
    )
    assert response.status_code == 201, response.text


def ticket_fields(engine, report_id) -> tuple:
    return db_rows(
        engine, "SELECT priority, assignee_user_id FROM reports WHERE id = :id", report_id
    )[0]


def post(page: Page, body: str, audience: str) -> None:
    page.get_by_label("Text", exact=True).fill(body)
    page.get_by_role("radio", name=audience).check()
    page.get_by_role("button", name="Add to the ticket").click()


def fact(page: Page, words: str):
    """A line of the ticket's facts, as the server last sent them."""
    return page.locator("#ticket-facts").get_by_text(words, exact=True)


def test_a_crew_member_sets_priority_and_assignee_posts_updates_and_reads_the_audit_log(
    browser, live_server, live_db
):
    crew = make_crew(live_db, BRUXELLES)
    word = marker()
    colleague = f"Colleague {word}"
    colleague_id = make_colleague(live_db, colleague)
    report_id = report_with_email(live_server, f"Broken kerb {word}")
    public_text = f"A crew comes on Monday {word}"
    internal_text = f"Bring the big saw {word}"
    context, page = small_phone(browser, live_server)
    try:
        log_in(page, crew)
        ticket_link(page, word).click()
        expect(page.locator("#ticket-status")).to_have_text("Status: new")
        expect(fact(page, "Assigned to: Nobody")).to_be_visible()
        assert axe_violations(page) == []

        page.get_by_label("Priority", exact=True).select_option(label="high")
        page.get_by_label("Assigned to", exact=True).select_option(label=colleague)
        page.get_by_role("button", name="Save priority and assignment").click()
        expect(fact(page, "Priority: high")).to_be_visible()
        expect(fact(page, f"Assigned to: {colleague}")).to_be_visible()
        expect(page.locator("#ticket-pending")).to_be_empty()
        assert ticket_fields(live_db, report_id) == ("high", colleague_id)

        page.reload()
        expect(fact(page, f"Assigned to: {colleague}")).to_be_visible()
        expect(page.get_by_label("Priority", exact=True)).to_have_value("high")
        expect(page.get_by_label("Assigned to", exact=True)).to_have_value(str(colleague_id))
        page.get_by_role("link", name="Back to my tickets").click()
        expect(page.locator("#ticket-list > li").filter(has_text=word)).to_contain_text(
            "priority high"
        )

        ticket_link(page, word).click()
        timeline = page.locator("#ticket-timeline")
        post(page, public_text, "Public update")
        expect(timeline.locator("li").filter(has_text=public_text)).to_contain_text("Public update")
        post(page, internal_text, "Internal note")
        internal = timeline.locator("li.internal")
        expect(internal).to_contain_text(internal_text)
        expect(internal).to_contain_text("Internal note (staff only)")
        expect(internal).to_have_count(1)
        expect(page.locator("#ticket-pending")).to_be_empty()

        # The audit log, newest first, in plain words.
        entries = page.locator("#ticket-audit > li")
        expect(entries).to_have_count(4)
        expect(entries.nth(0)).to_contain_text("added an internal note")
        expect(entries.nth(1)).to_contain_text("posted a public update")
        changes = entries.filter(has_text="Priority: normal → high")
        expect(changes).to_contain_text("changed the priority")
        assignment = entries.filter(has_text=f"Assigned to: Nobody → {colleague}")
        expect(assignment).to_contain_text("changed who works on it")
        expect(entries.nth(0).locator("time")).to_have_text(re.compile(r"\d{1,2}:\d{2}"))
        assert axe_violations(page) == []
    finally:
        context.close()

    assert sorted(audit_actions(live_db, report_id)) == sorted(
        ["set_priority", "assign", "public_update", "internal_note"]
    )
    assert db_rows(
        live_db,
        "SELECT body, public FROM report_updates WHERE report_id = :id ORDER BY id",
        report_id,
    ) == [(public_text, True), (internal_text, False)]

    # The resident reads the public update, and nothing of the internal note.
    follow_url, _ = email_links(live_db, report_id)
    resident = new_context(browser, live_server)
    try:
        page = resident.new_page()
        open_follow(page, follow_url)
        expect(page.locator("#report-updates")).to_contain_text(public_text)
        expect(page.get_by_text("Bring the big saw")).to_have_count(0)
        assert internal_text not in page.content()
    finally:
        resident.close()


def test_the_description_is_marked_publishable_and_a_photo_is_hidden_from_the_public(
    browser, live_server, live_db
):
    crew = make_crew(live_db, BRUXELLES)
    word = marker()
    report_id = report_with_email(live_server, f"Sign knocked over {word}")
    add_photo(live_server, live_db, report_id)
    follow_url, _ = email_links(live_db, report_id)
    resident = new_context(browser, live_server)
    context, page = small_phone(browser, live_server)
    try:
        their_page = resident.new_page()
        open_follow(their_page, follow_url)
        expect(their_page.locator("#report-photos img")).to_have_count(1)

        log_in(page, crew)
        ticket_link(page, word).click()
        expect(page.locator("#ticket-photos img")).to_have_count(1)

        page.get_by_label("The description may be published as open data").check()
        page.get_by_role("button", name="Save priority and assignment").click()
        # At once, whether the first is delivered yet or not: the second is sent on the version
        # the first left.
        page.get_by_role("button", name="Hide photo 1 from the public").click()
        expect(page.get_by_text("Photo 1 is hidden from the public.")).to_be_visible()
        expect(page.locator("#ticket-photos img")).to_have_count(0)
        expect(page.locator("#ticket-pending")).to_be_empty()
        audit = page.locator("#ticket-audit")
        expect(audit.locator("li").filter(has_text="hid a photo from the public")).to_contain_text(
            "Photo 1 hidden: no → yes"
        )
        expect(
            audit.locator("li").filter(has_text="changed whether the description may be published")
        ).to_contain_text("Description may be published: no → yes")

        page.reload()
        expect(page.get_by_label("The description may be published as open data")).to_be_checked()
        expect(page.get_by_role("button", name="Show photo 1 again")).to_be_visible()
        assert axe_violations(page) == []

        their_page.reload()
        expect(their_page.get_by_text(f"Sign knocked over {word}")).to_be_visible()
        expect(their_page.locator("#report-photos img")).to_have_count(0)
    finally:
        context.close()
        resident.close()

    assert db_rows(
        live_db,
        "SELECT r.description_public, p.hidden FROM reports r JOIN photos p ON p.report_id = r.id "
        "WHERE r.id = :id",
        report_id,
    ) == [(True, True)]


def test_edits_made_offline_are_sent_once_in_order_when_the_network_returns(
    browser, live_server, live_db
):
    crew = make_crew(live_db, BRUXELLES)
    word = marker()
    report_id = report_through_api(live_server, f"Wobbly bollard {word}")
    # No service worker: the page itself delivers, and sees every answer.
    context, page = small_phone(browser, live_server, service_workers="block")
    sent = []

    def record(response):
        # The changes that reached the server (those tried offline got no answer).
        if "/api/v1/staff/tickets/" in response.url and response.request.method != "GET":
            sent.append((response.request.method, response.request.headers, response.status))

    page.on("response", record)
    try:
        log_in(page, crew)
        ticket_link(page, word).click()
        expect(page.locator("#ticket-status")).to_have_text("Status: new")

        context.set_offline(True)
        page.get_by_label("Priority", exact=True).select_option(label="urgent")
        page.get_by_label("Assigned to", exact=True).select_option(label="Me (Crew member)")
        page.get_by_role("button", name="Save priority and assignment").click()
        post(page, f"Taped off {word}", "Internal note")
        pending = page.locator("#ticket-pending")
        expect(pending).to_contain_text("Saved on this phone, sent when the network returns")
        expect(pending).to_contain_text("Priority: urgent, Assigned to: Me (Crew member)")
        expect(pending).to_contain_text("Internal note (staff only)")
        # What the phone will send shows at once.
        expect(page.get_by_label("Priority", exact=True)).to_have_value("urgent")
        assert ticket_fields(live_db, report_id) == ("normal", None)

        context.set_offline(False)
        expect(page.locator("#ticket-timeline li.internal")).to_contain_text(f"Taped off {word}")
        expect(fact(page, "Priority: urgent")).to_be_visible()
        expect(pending).to_be_empty()
    finally:
        context.close()

    assert ticket_fields(live_db, report_id)[0] == "urgent"
    assert audit_actions(live_db, report_id) == ["set_priority", "assign", "internal_note"]
    # Each change once, the note on the version the first change left, each with its own key.
    assert [(method, status) for method, _, status in sent] == [("PATCH", 200), ("POST", 201)]
    assert [headers["if-match"] for _, headers, _ in sent] == ['"v1"', '"v3"']
    assert len({headers["idempotency-key"] for _, headers, _ in sent}) == 2


@pytest.mark.parametrize("locale", ["fr-BE", "nl-BE", "de-BE"])
def test_the_ticket_screen_speaks_the_crews_language(browser, live_server, live_db, locale):
    crew = make_crew(live_db, BRUXELLES)
    word = marker()
    report_through_api(live_server, f"Hole {word}")
    context, page = small_phone(browser, live_server, locale=locale)
    lang = locale[:2]
    try:
        sign_in(page, crew)
        ticket_link(page, word).click()
        expect(page.locator("#edit-form")).to_be_visible()
        expect(page.locator("#update-form")).to_be_visible()
        assert_every_string_in(page, lang)
        assert axe_violations(page) == []
    finally:
        context.close()
