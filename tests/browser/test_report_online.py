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


def test_a_report_with_a_camera_photo_arrives_once_routed_and_upright(
    context, live_server, live_db, tmp_path
):
    photo = camera_photo(tmp_path / "camera.jpg")
    page = context.new_page()
    uploads = []
    page.on(
        "request",
        lambda request: (
            uploads.append(len(request.post_data_buffer or b""))
            if request.method == "POST" and request.url.endswith("/photos")
            else None
        ),
    )
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
    assert len(uploads) == 1 and uploads[0] < 600 * 1024, f"uploaded {uploads} bytes"
    url = f"{live_server.url}/api/v1/photos/{stored['display_sha256']}.jpg"
    with urllib.request.urlopen(url, timeout=30) as response:
        served = response.read()
    assert top_is_red(served), "the red band the camera saw at the top is at the top"
    assert not Image.open(io.BytesIO(served)).getexif(), "no EXIF (and so no GPS) is served"
