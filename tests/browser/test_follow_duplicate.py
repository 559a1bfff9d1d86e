"""A duplicate's follow page on a phone: of which report, a link to it, and whether the resident
now follows it, in their language. Screenshots in /tmp/shots-ra.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from app.tickets.services import transition
from tests.browser.contexts import new_context
from tests.browser.follow_helpers import CREW, GRAND_PLACE, email_links, open_follow
from tests.browser.helpers import LOCALES, marker, post_report
from tests.browser.page_checks import strings

pytestmark = pytest.mark.slow

SHOTS = Path("/tmp/shots-ra")


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_duplicate_names_its_original_and_says_the_resident_follows_it(
    browser, live_server, live_db, lang
):
    table = strings(lang)
    word = marker()
    original = post_report(
        live_server, {"category": "pothole", "description": word, "location": GRAND_PLACE}
    )
    body = {
        "category": "pothole",
        "description": f"Le même trou {word}",
        "location": GRAND_PLACE,
        "reporter": {"email": f"{word}@example.org"},
    }
    duplicate = post_report(live_server, body, lang)
    with Session(live_db) as session:
        transition(session, duplicate, "duplicate", actor=CREW, duplicate_of=original)
        session.commit()
    follow, _ = email_links(live_db, duplicate)

    context = new_context(browser, live_server, locale=LOCALES[lang])
    page = context.new_page()
    open_follow(page, follow)
    ref = str(original)[:8]
    of = table["follow.duplicate.of"].replace("{ref}", ref)
    expect(page.get_by_text(of)).to_be_visible()
    link = page.get_by_role("link", name=table["follow.duplicate.original"])
    expect(link).to_be_visible()
    assert link.get_attribute("href") == f"/ogc/collections/reports/items/{original}?f=html"
    expect(page.get_by_text(table["follow.duplicate.moved"])).to_be_visible()
    # French typography: "; elle peut…" never starts a line, held by a narrow no-break space.
    label = page.locator("label[for='comment']")
    expect(label).to_have_text(table["follow.comment.label"])
    assert ("\u202f;" in label.inner_text()) == (lang == "fr")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"follow-duplicate-{lang}.png"))
    link.click()  # the original's public page
    expect(page.get_by_text(str(original)).first).to_be_visible()
    context.close()
