"""Two quick edits on a phone: a note written while the resolution is still being delivered.

The resolution is applied, then its "after" photo uploads (held here until the note is
queued): the note, made on the version the screen still shows, must be sent on the version
the resolution left, and applied, not refused as stale. Screenshots in
var/screenshots/crew-quick-edits.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.contexts import new_context
from tests.browser.crew_helpers import (
    audit_actions,
    db_rows,
    make_crew,
    report_through_api,
    sign_in,
    ticket_link,
)
from tests.browser.helpers import camera_photo, marker

pytestmark = pytest.mark.slow

BRUXELLES = "commune-21004"
PHONE = {"width": 390, "height": 844}
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots" / "crew-quick-edits"


def catalogue(lang: str) -> dict[str, str]:
    return json.loads((ROOT / "pwa" / "src" / "i18n" / f"{lang}.json").read_text("utf-8"))


@pytest.mark.parametrize("locale", ["fr-BE", "nl-BE"])
def test_a_note_written_while_the_resolution_is_sent_is_applied_too(
    browser, live_server, live_db, tmp_path, locale
):
    lang = locale[:2]
    say = catalogue(lang)
    crew = make_crew(live_db, BRUXELLES)
    word = marker()
    report_id = report_through_api(live_server, f"Nid {word}")
    photo = camera_photo(tmp_path / "after.jpg", width=1200, height=900)
    # No service worker: the page itself delivers, so its photo upload can be held here.
    context = new_context(browser, live_server, locale=locale, service_workers="block")
    page = context.new_page()
    page.set_viewport_size(PHONE)
    held = []
    try:
        sign_in(page, crew)
        ticket_link(page, word).click()
        status = page.locator("#ticket-status")
        expect(status).to_contain_text(say["status.new"])
        page.locator("#change-to").select_option("acknowledged")
        page.get_by_role("button", name=say["staff.change.submit"]).click()
        expect(status).to_contain_text(say["status.acknowledged"])
        expect(page.locator("#ticket-pending")).to_be_empty()

        # The resolution's photo is held on its way: the resolution itself is applied.
        page.route("**/api/v1/staff/tickets/*/photos", lambda route: held.append(route))
        page.locator("#change-to").select_option("resolved")
        page.locator("#change-photo").set_input_files(str(photo))
        photos = say["staff.change.photoCount.one"].replace("{n}", "1")
        expect(page.locator("#change-photo-status")).to_have_text(photos)
        with page.expect_request("**/api/v1/staff/tickets/*/photos"):
            page.get_by_role("button", name=say["staff.change.submit"]).click()
        note = f"Asphalte {word}"
        page.locator("#update-body").fill(note)
        page.locator("#update-internal").check()
        page.get_by_role("button", name=say["staff.post.submit"]).click()
        pending = page.locator("#ticket-pending")
        expect(pending).to_contain_text(say["staff.update.internal"])
        assert held, "the photo upload was held"
        held[0].continue_()

        expect(page.locator("#ticket-timeline li.internal")).to_contain_text(note)
        expect(status).to_contain_text(say["status.resolved"])
        expect(pending).to_be_empty()
        expect(page.locator("#ticket-photos img")).to_have_count(1)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"resolved-and-note-{lang}.png"), full_page=True)
    finally:
        context.close()

    assert audit_actions(live_db, report_id)[-1] == "internal_note"
    assert db_rows(live_db, "SELECT body FROM report_updates WHERE report_id = :id", report_id) == [
        (note,)
    ]
