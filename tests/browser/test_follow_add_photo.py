"""The reporter adds a photo from the follow page; a follower's page offers no such thing.

A phone-size journey in French and Dutch: the photo is shrunk on the phone, sent with a
progress bar, and shows among the report's photos with a message in the page's language; a
closed report refuses a further photo in words a resident reads, and the control is gone
once the page knows; offline, the page says a photo needs a connection. Screenshots are
kept in var/screenshots/follow-photo.
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.contexts import new_context
from tests.browser.follow_helpers import (
    ask_to_follow,
    email_links,
    move,
    open_follow,
    report_with_email,
)
from tests.browser.helpers import camera_photo, marker, photos_of
from tests.browser.page_checks import axe_violations, expect_image_shown

pytestmark = pytest.mark.slow

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "follow-photo"
STRINGS = Path(__file__).resolve().parents[2] / "pwa" / "src" / "i18n"


def strings(lang: str) -> dict[str, str]:
    return json.loads((STRINGS / f"{lang}.json").read_text(encoding="utf-8"))


def confirm_follow(live_server, confirm_url: str) -> str:
    """The follower's own link, as the confirmation page's button gets it."""
    token = confirm_url.rsplit("/", 1)[1]
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/follow-confirmations/{token}", method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201
        return f"{live_server.url}/follow/{json.loads(response.read())['token']}"


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_reporter_adds_a_photo_from_the_follow_page_and_a_follower_cannot(
    browser, live_server, live_db, tmp_path, lang
):
    table = strings(lang)
    button = table["follow.addPhoto.button"]
    report_id = report_with_email(live_server, f"Hole {marker()}")
    follow_url, _ = email_links(live_db, report_id)
    photo = camera_photo(tmp_path / "later.jpg", width=2400, height=1800)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = new_context(browser, live_server, locale=f"{lang}-BE")
    try:
        page = context.new_page()
        open_follow(page, follow_url)
        expect(page.get_by_text(button, exact=True)).to_be_visible()
        expect(page.locator("#report-photos img")).to_have_count(0)

        page.locator("#add-photo").set_input_files(photo)

        expect(page.get_by_text(table["follow.addPhoto.done"])).to_be_visible()
        image = page.get_by_role("img", name=table["follow.photo"].replace("{n}", "1"))
        expect(image).to_be_visible()
        # The picture itself came back from the server, not just an empty frame.
        expect_image_shown(image)
        expect(page.locator("#add-photo-progress")).to_be_hidden()
        [stored] = photos_of(live_db, report_id)
        # Shrunk and turned upright on the phone before it left.
        assert max(stored["display_width"], stored["display_height"]) <= 1920
        assert stored["display_height"] > stored["display_width"]
        assert axe_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(SCREENSHOTS / f"reporter-added-{lang}.png"), full_page=True)

        # The commune closes it while the page is open: the next photo is refused, in words.
        move(live_db, report_id, "acknowledged", "resolved")
        page.locator("#add-photo").set_input_files(photo)
        expect(page.get_by_text(table["follow.addPhoto.closed"])).to_be_visible()
        assert len(photos_of(live_db, report_id)) == 1
        # The page catches up: the new status, and no control any more, even after a reload.
        resolved = table["follow.status"].replace("{status}", table["status.resolved"])
        expect(page.get_by_text(resolved)).to_be_visible()
        expect(page.get_by_text(button, exact=True)).to_be_hidden()
        page.screenshot(path=str(SCREENSHOTS / f"reporter-closed-{lang}.png"), full_page=True)
        page.reload()
        expect(page.locator("body[data-ready='true']")).to_be_attached()
        expect(page.get_by_text(button, exact=True)).to_be_hidden()
        expect(page.get_by_role("img", name=re.compile(table["follow.photo"][:4]))).to_be_visible()

        # A neighbour who follows the report sees the photo and cannot add one.
        other = report_with_email(live_server, f"Hole {marker()}")
        confirm_url = ask_to_follow(live_server, live_db, other, f"{marker()}@example.org", lang)
        open_follow(page, confirm_follow(live_server, confirm_url))
        status = table["follow.status"].split("{")[0].strip()
        expect(page.get_by_text(re.compile(re.escape(status)))).to_be_visible()
        expect(page.locator("#add-photo-box")).to_be_hidden()
        expect(page.get_by_text(button, exact=True)).to_be_hidden()
        page.screenshot(path=str(SCREENSHOTS / f"follower-{lang}.png"), full_page=True)

        # Offline on the reporter's page of an open report: it says a photo needs a connection.
        other_follow, _ = email_links(live_db, other)
        open_follow(page, other_follow)
        expect(page.get_by_text(button, exact=True)).to_be_visible()
        context.set_offline(True)
        expect(page.get_by_text(table["follow.addPhoto.offline"])).to_be_visible()
        expect(page.locator("#add-photo")).to_be_disabled()
        page.screenshot(path=str(SCREENSHOTS / f"reporter-offline-{lang}.png"), full_page=True)
        context.set_offline(False)
        expect(page.locator("#add-photo")).to_be_enabled()
    finally:
        context.close()
