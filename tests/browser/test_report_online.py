"""Online: a resident reports a pothole with a camera photo at the Grand-Place; it arrives once."""

from __future__ import annotations

import io
import re
import urllib.request

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.contexts import new_context
from tests.browser.follow_helpers import move
from tests.browser.helpers import (
    LOCALES,
    camera_photo,
    fill_report,
    fill_report_in,
    marker,
    open_app,
    photos_of,
    reports_with,
    screenshot,
    send,
    top_is_red,
)
from tests.browser.page_checks import assert_every_string_in, box_of, expect_image_shown, strings

pytestmark = pytest.mark.slow


# Playwright does not copy a Blob sent in FormData, so the page itself counts what each photo
# upload carries. The context has no service worker, so every delivery runs in the page.
COUNT_UPLOADS = """
window.__uploads = [];
const realFetch = window.fetch;
window.fetch = (url, init = {}) => {
  if (init.body instanceof FormData && init.body.get('photo')) {
    window.__uploads.push(init.body.get('photo').size);
  }
  return realFetch(url, init);
};
"""
NO_OFFSCREEN_CANVAS = "delete window.OffscreenCanvas;"


def report_with_camera_photo(context, live_server, live_db, tmp_path) -> None:
    """Report a pothole with a 12 MP photo and check what reached the server."""
    photo = camera_photo(tmp_path / "camera.jpg")
    page = context.new_page()
    open_app(page)
    word = marker()

    fill_report(page, "Pothole", f"Deep hole by the town hall {word}", photo=photo)
    expect(page.get_by_role("button", name="Use the photo's location")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Commune: (Bruxelles|Brussel)"))).to_be_visible()
    send(page)

    page.get_by_role("link", name=re.compile("My reports")).click()
    item = page.locator("#mine-list > li").first
    expect(item.get_by_text("Sent", exact=True)).to_be_visible()
    expect(item).to_contain_text(re.compile(r"Commune: (Bruxelles|Brussel)"))
    expect(item).to_contain_text("Status: new")

    [report] = reports_with(live_db, word)
    assert report["nis_code"] == "21004"
    assert report["category"] == "pothole"
    assert report["photos"] == 1
    [stored] = photos_of(live_db, report["id"])
    assert stored["display_height"] > stored["display_width"], "the photo is stored upright"
    uploads = page.evaluate("window.__uploads")
    assert len(uploads) == 1 and 0 < uploads[0] < 600 * 1024, f"uploaded {uploads} bytes"
    assert photo.stat().st_size > 2 * 1024 * 1024, "the camera's photo was a big one"
    url = f"{live_server.url}/api/v1/photos/{stored['display_sha256']}.jpg"
    with urllib.request.urlopen(url, timeout=30) as response:
        served = response.read()
    assert top_is_red(served), "the red band the camera saw at the top is at the top"
    assert not Image.open(io.BytesIO(served)).getexif(), "no EXIF (and so no GPS) is served"


def test_a_report_with_a_camera_photo_arrives_once_routed_and_upright(
    context_without_sw, live_server, live_db, tmp_path
):
    context_without_sw.add_init_script(COUNT_UPLOADS)
    report_with_camera_photo(context_without_sw, live_server, live_db, tmp_path)


def test_a_browser_without_offscreen_canvas_still_sends_the_photo_small_and_upright(
    context_without_sw, live_server, live_db, tmp_path
):
    # Older Safari and Firefox: no OffscreenCanvas, so no worker; the page downscales it.
    context_without_sw.add_init_script(NO_OFFSCREEN_CANVAS + COUNT_UPLOADS)
    report_with_camera_photo(context_without_sw, live_server, live_db, tmp_path)


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_delivered_report_says_sent_with_its_reference_and_follow_link(
    browser, live_server, live_db, tmp_path, lang
):
    table = strings(lang)
    photo = camera_photo(tmp_path / "small.jpg", width=1600, height=1200)
    context = new_context(browser, live_server, locale=LOCALES[lang], service_workers="block")
    try:
        page = context.new_page()
        open_app(page)
        word = marker()
        fill_report_in(page, table, f"Deep hole {word}", photo=photo)
        page.get_by_role("button", name=table["send"], exact=True).click()

        # "Saved on your phone" becomes "sent", with the reference the resident can quote.
        status = page.locator("#send-status")
        sent = table["send.sent"].split("{ref}")[0]
        expect(status).to_contain_text(sent)
        [report] = reports_with(live_db, word)
        ref = str(report["id"])[:8]
        expect(status).to_contain_text(table["send.sent"].replace("{ref}", ref))
        expect(status).not_to_contain_text(table["saved"])
        link = status.get_by_role("link", name=table["send.follow"])
        expect(link).to_be_visible()
        assert_every_string_in(page, lang)
        screenshot(page, f"sent-{lang}")

        # My reports: reference, thumbnail, status in the resident's language, follow link.
        page.get_by_role("link", name=table["nav.mine"]).click()
        item = page.locator("#mine-list > li").first
        expect(item.get_by_text(table["state.sent"], exact=True)).to_be_visible()
        expect(item).to_contain_text(table["mine.reference"].replace("{ref}", ref))
        status_line = table["mine.serverStatus"].replace("{status}", table["status.new"])
        expect(item.get_by_text(status_line)).to_be_visible()
        thumbnail = item.get_by_role("img", name=table["mine.thumbnail"])
        expect(thumbnail).to_be_visible()
        expect_image_shown(thumbnail)
        follow = item.get_by_role("link", name=table["mine.follow"])
        expect(follow).to_be_visible()
        assert box_of(follow)["height"] >= 44  # a finger's target, not a line of text
        assert_every_string_in(page, lang)
        screenshot(page, f"sent-mine-{lang}")

        # The link opens the report's private follow page, as its reporter.
        follow.click()
        expect(page).to_have_url(re.compile(r"/follow/[\w-]{43}$"))
        expect(page.locator("body[data-ready='true']")).to_be_attached()
        expect(page.get_by_text(f"Deep hole {word}")).to_be_visible()
        # Made without an email: the page offers no emails to stop.
        expect(page.locator("#unsubscribe-box")).to_be_hidden()
        screenshot(page, f"sent-follow-page-{lang}")
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_my_reports_shows_the_status_the_crew_gave_and_keeps_a_steady_list_otherwise(
    browser, live_server, live_db, lang
):
    table = strings(lang)
    context = new_context(browser, live_server, locale=LOCALES[lang], service_workers="block")
    try:
        page = context.new_page()
        open_app(page)
        word = marker()
        fill_report_in(page, table, f"Lampe {word}")
        page.get_by_role("button", name=table["send"], exact=True).click()
        expect(page.locator("#send-status")).to_contain_text(table["send.sent"].split("{ref}")[0])
        [report] = reports_with(live_db, word)

        def status_line(status: str):
            line = table["mine.serverStatus"].replace("{status}", table[f"status.{status}"])
            return page.locator("#mine-list > li").first.get_by_text(line)

        mine, new = (
            page.get_by_role("link", name=table["nav.mine"]),
            page.get_by_role("link", name=table["nav.new"]),
        )
        mine.click()
        expect(status_line("new")).to_be_visible()
        # Nothing changed on the server: the list is not drawn again (a finger on its link
        # would otherwise land on an element just replaced).
        item = page.locator("#mine-list > li").first.element_handle()
        new.click()
        mine.click()
        expect(status_line("new")).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert item.evaluate("(li) => li.isConnected")

        # The crew acknowledges it: the next visit to My reports says so, in the language.
        move(live_db, report["id"], "acknowledged")
        new.click()
        mine.click()
        expect(status_line("acknowledged")).to_be_visible()
        assert_every_string_in(page, lang)
    finally:
        context.close()
