"""The resident's follow page, opened from the link of their confirmation email."""

from __future__ import annotations

import re
import secrets
import urllib.request
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from tests.browser.follow_helpers import (
    email_links,
    move,
    open_follow,
    report_with_email,
)
from tests.browser.helpers import marker
from tests.browser.page_checks import axe_violations

pytestmark = pytest.mark.slow


def db_value(live_db, sql: str, report_id: uuid.UUID):
    with live_db.connect() as conn:
        return conn.execute(text(sql), {"id": report_id}).scalar()


def status_of(live_db, report_id: uuid.UUID) -> str:
    return db_value(live_db, "SELECT status FROM reports WHERE id = :id", report_id)


UNSUBSCRIBED = (
    "SELECT bool_or(unsubscribed_at IS NOT NULL) FROM resident_follow_tokens WHERE report_id = :id"
)


def test_a_resident_follows_comments_and_reopens_from_their_email(context, live_server, live_db):
    word = marker()
    report_id = report_with_email(live_server, f"Deep hole {word}")
    follow_url, _ = email_links(live_db, report_id)
    page = context.new_page()
    open_follow(page, follow_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pothole")
    expect(page.get_by_text("Status: new")).to_be_visible()
    expect(page.get_by_text(f"Deep hole {word}")).to_be_visible()
    expect(page.get_by_role("button", name="No, it is not fixed")).to_be_hidden()
    assert axe_violations(page) == []

    page.get_by_label(re.compile("Add a comment")).fill(f"It got bigger {word}")
    page.get_by_role("button", name="Send the comment").click()
    done = page.get_by_role("status").filter(
        has_text="Your comment was sent to the administration."
    )
    expect(done).to_be_visible()
    expect(page.locator("#report-updates")).to_contain_text(f"It got bigger {word}")
    expect(page.locator("#report-updates")).to_contain_text("Not public yet")
    # Staff read it first: stored, not public.
    stored = db_value(
        live_db,
        "SELECT count(*) FROM report_updates "
        f"WHERE report_id = :id AND NOT public AND body = 'It got bigger {word}'",
        report_id,
    )
    assert stored == 1

    move(live_db, report_id, "acknowledged", "resolved")
    page.reload()
    expect(page.get_by_text("Status: resolved")).to_be_visible()
    expect(page.locator("#report-history")).to_contain_text("acknowledged → resolved")
    assert axe_violations(page) == [], "with the fixed / not fixed question shown"

    page.get_by_role("button", name="No, it is not fixed").click()
    expect(page.get_by_text("The report is reopened")).to_be_visible()
    expect(page.get_by_text("Status: reopened")).to_be_visible()
    expect(page.get_by_role("button", name="No, it is not fixed")).to_be_hidden()
    assert status_of(live_db, report_id) == "reopened"


def test_the_page_speaks_the_chosen_language(context, live_server, live_db):
    report_id = report_with_email(live_server, f"Hole {marker()}")
    follow_url, _ = email_links(live_db, report_id)
    page = context.new_page()
    open_follow(page, follow_url)
    page.locator("#lang").select_option("nl")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_text("Status: nieuw")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Put in de weg")
    expect(page.get_by_role("button", name="Opmerking versturen")).to_be_visible()
    assert axe_violations(page) == []


def test_the_unsubscribe_link_asks_before_it_unsubscribes(context, live_server, live_db):
    report_id = report_with_email(live_server, f"Hole {marker()}")
    _, unsubscribe_url = email_links(live_db, report_id)
    page = context.new_page()
    open_follow(page, unsubscribe_url)
    confirm = page.get_by_role("button", name="Stop the emails about this report")
    expect(confirm).to_be_visible()
    assert db_value(live_db, UNSUBSCRIBED, report_id) is False, "opening the link changes nothing"
    assert axe_violations(page) == []

    confirm.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("you will receive no more emails about this report")).to_be_visible()
    expect(confirm).to_be_hidden()
    assert db_value(live_db, UNSUBSCRIBED, report_id) is True
    page.reload()
    expect(page.get_by_text("You no longer receive emails about this report")).to_be_visible()


def test_the_page_is_private_to_caches_and_referrers(live_server, live_db):
    report_id = report_with_email(live_server, f"Hole {marker()}")
    for url in email_links(live_db, report_id):
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.headers["Content-Type"].startswith("text/html")
            assert response.headers["Cache-Control"] == "no-store"
            assert response.headers["Referrer-Policy"] == "no-referrer"
            assert url.rsplit("/follow/", 1)[1].split("/")[0].encode() not in response.read()


def test_a_forged_link_says_it_is_not_valid(context):
    page = context.new_page()
    open_follow(page, f"/follow/{secrets.token_urlsafe(32)}")
    expect(page.get_by_role("heading", name="This link is not valid")).to_be_visible()
    expect(page.get_by_role("link", name="Make a new report")).to_be_visible()
    assert axe_violations(page) == []


def test_an_old_link_has_expired_and_a_late_reopen_is_refused(context, live_server, live_db):
    late = report_with_email(live_server, f"Hole {marker()}")
    gone = report_with_email(live_server, f"Hole {marker()}")
    for report_id, days in ((late, 40), (gone, 400)):
        move(live_db, report_id, "acknowledged", "resolved")
        with live_db.begin() as conn:
            conn.execute(
                text(
                    "UPDATE report_status_changes SET at = at - make_interval(days => :days) "
                    "WHERE report_id = :id AND to_status = 'resolved'"
                ),
                {"id": report_id, "days": days},
            )
    page = context.new_page()
    open_follow(page, email_links(live_db, late)[0])
    expect(page.get_by_text("Status: resolved")).to_be_visible()
    page.get_by_role("button", name="No, it is not fixed").click()
    expect(page.get_by_role("alert")).to_contain_text("Too late to reopen this report")
    expect(page.locator("#fixed-detail")).to_contain_text("30 days")
    assert status_of(live_db, late) == "resolved"

    open_follow(page, email_links(live_db, gone)[0])
    expect(page.get_by_role("heading", name="This link has expired")).to_be_visible()
