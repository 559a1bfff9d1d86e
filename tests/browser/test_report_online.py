"""Online: a resident reports a pothole with a camera photo at the Grand-Place; it arrives once."""

from __future__ import annotations

import io
import re
import urllib.request

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.helpers import (
    camera_photo,
    fill_report,
    marker,
    open_app,
    photos_of,
    reports_with,
    send,
    top_is_red,
)

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
