"""A resident about to repeat a report follows the one already made nearby instead."""

from __future__ import annotations

import json
import re
import urllib.request
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.follow_helpers import emails_to
from tests.browser.helpers import marker, open_app, open_details, post_report
from tests.browser.page_checks import axe_violations

pytestmark = pytest.mark.slow

# Exactly where the browser's geolocation puts the resident, in a category no other browser
# test reports, so that this report is the nearest of its kind.
GRAND_PLACE = {"lat": 50.8467, "lon": 4.3525}
FOLLOW_LINK = re.compile(r"https?://\S+/follow/([A-Za-z0-9_-]+)\n")
CONFIRM_LINK = re.compile(r"(https?://\S+/follow/confirm/[A-Za-z0-9_-]+)\n")


def report_blocked_drain(live_server, description: str) -> uuid.UUID:
    body = {"category": "blocked_drain", "description": description, "location": GRAND_PLACE}
    return post_report(live_server, body, "en")


def test_the_resident_follows_the_report_already_made(context, live_server, live_db):
    report_id = report_blocked_drain(live_server, f"Drain full of leaves {marker()}")
    email = f"{marker()}@example.org"
    page = context.new_page()
    open_app(page)
    page.get_by_role("button", name="Use my position").click()
    expect(page.get_by_text("Position found, accurate to about 12 m.")).to_be_visible()
    open_details(page)
    page.get_by_label("Email, to hear when it is fixed").fill(email)
    page.get_by_role("radio", name="Blocked drain", exact=True).check()

    nearby = page.locator("#nearby-list > li").first
    expect(nearby).to_contain_text("Blocked drain, 0 m away")
    nearby.get_by_role("button", name="Follow this one").click()
    field = nearby.get_by_label("Your email")
    expect(field).to_have_value(email)
    assert axe_violations(page) == []
    nearby.get_by_role("button", name="Send me the link").click()
    expect(nearby.get_by_role("status")).to_have_text(
        "You will get an email to confirm your address; once confirmed, you follow this report."
    )

    # The one email asks to confirm; its link opens a page that changes nothing until the
    # resident presses its button (mail scanners open links).
    [message] = emails_to(live_db, email)
    assert message["report_id"] == report_id
    assert message["kind"] == "resident_follow_confirm"
    assert FOLLOW_LINK.findall(message["body"]) == []
    (confirm_url,) = CONFIRM_LINK.findall(message["body"])
    page.goto(confirm_url)
    expect(page.locator("body[data-ready='true']")).to_be_attached()
    assert [m["kind"] for m in emails_to(live_db, email)] == ["resident_follow_confirm"]
    page.get_by_role("button", name="Yes, follow this report").click()
    expect(page).to_have_url(re.compile(r"/follow/[A-Za-z0-9_-]{20,}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Blocked drain")
    # A follower reads the public view: the reporter's text is not published.
    expect(page.get_by_text(re.compile("Drain full of leaves"))).to_have_count(0)

    message = emails_to(live_db, email)[-1]
    assert message["kind"] == "resident_following"
    (token,) = FOLLOW_LINK.findall(message["body"])
    assert page.url.endswith(f"/follow/{token}")
    with urllib.request.urlopen(f"{live_server.url}/api/v1/follow/{token}", timeout=30) as page_:
        assert json.loads(page_.read())["report"]["id"] == str(report_id)
