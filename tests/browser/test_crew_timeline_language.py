"""The crew's timeline and audit log speak the crew's language, residents included.

The server names residents by their role ("reporter", "follower") and writes "Report received"
on a report's first row: machine values, which a French or Dutch screen must put in words.
A phone-size journey on a ticket with the reporter's comment, a follower's comment and a
reopening by the reporter. Screenshots in var/screenshots/crew-timeline.
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.contexts import new_context
from tests.browser.crew_helpers import comment, make_crew, sign_in, ticket_link
from tests.browser.follow_helpers import ask_to_follow, email_links, move, report_with_email
from tests.browser.helpers import marker

pytestmark = pytest.mark.slow

BRUXELLES = "commune-21004"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots" / "crew-timeline"
ENGLISH = re.compile(r"reporter|follower|report received", re.IGNORECASE)


def catalogue(lang: str) -> dict[str, str]:
    return json.loads((ROOT / "pwa" / "src" / "i18n" / f"{lang}.json").read_text("utf-8"))


def post(url: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        url,
        data=json.dumps(body or {}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status in (200, 201)
        return json.loads(response.read())


def follower_link(live_server, live_db, report_id) -> str:
    """A neighbour follows the report, confirmed from the email's link: their follow link."""
    confirm = ask_to_follow(live_server, live_db, report_id, f"{marker()}@example.org", "fr")
    token = confirm.rsplit("/", 1)[1]
    answer = post(f"{live_server.url}/api/v1/follow-confirmations/{token}")
    return f"{live_server.url}/follow/{answer['token']}"


@pytest.mark.parametrize("locale", ["fr-BE", "nl-BE"])
def test_the_timeline_names_residents_and_the_first_row_in_the_crews_language(
    browser, live_server, live_db, locale
):
    lang = locale[:2]
    say = catalogue(lang)
    word = marker()
    report_id = report_with_email(live_server, f"Trou {word}")
    follow_url, _ = email_links(live_db, report_id)
    comment(live_server, follow_url, f"Toujours là {word}")
    comment(live_server, follower_link(live_server, live_db, report_id), f"Moi aussi {word}")
    move(live_db, report_id, "acknowledged", "resolved")
    token = follow_url.rsplit("/", 1)[1]
    post(f"{live_server.url}/api/v1/follow/{token}/not-fixed")
    crew = make_crew(live_db, BRUXELLES)

    context = new_context(browser, live_server, locale=locale)
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        sign_in(page, crew)
        ticket_link(page, word).click()
        timeline = page.locator("#ticket-timeline")
        expect(page.locator("#ticket-status")).to_contain_text(say["status.reopened"])

        reporter, follower = say["staff.author.reporter"], say["staff.author.follower"]
        entries = timeline.locator("li")
        expect(entries.filter(has_text=f"Toujours là {word}")).to_contain_text(reporter)
        expect(entries.filter(has_text=f"Moi aussi {word}")).to_contain_text(follower)
        reopened = say["staff.history.change"].format_map(
            {"from": say["status.resolved"], "to": say["status.reopened"]}
        )
        expect(entries.filter(has_text=reopened)).to_contain_text(f"— {reporter}")
        first = entries.filter(has_text=say["staff.history.received"])
        expect(first).to_have_count(1)
        expect(first).to_contain_text(say["status.new"])
        expect(first).to_contain_text(reporter)

        audit = page.locator("#ticket-audit")
        expect(audit.locator("li").filter(has_text=follower)).not_to_have_count(0)
        # "Une personne qui suit le signalement : a …", the colon as French writes it (a narrow
        # no-break space, which the text matchers would take for a plain one).
        assert say["staff.audit.who"].format_map({"who": follower}) + " " in audit.inner_text()
        page.screenshot(path=f"/tmp/shots-cb/audit-{lang}.png", full_page=True)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"timeline-{lang}.png"), full_page=True)
        for shown in (timeline, audit):
            text = shown.inner_text()
            assert not ENGLISH.search(text), f"English in a {lang} screen: {text}"
    finally:
        context.close()
