"""A report's photo that misses the report's delivery goes later, with the report's photo
token, exactly once, even after the page was closed in between."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Route, expect

from tests.browser.helpers import camera_photo, fill_report, marker, open_app, reports_with, send

pytestmark = pytest.mark.slow

PHOTOS = re.compile(r".*/api/v1/reports/[0-9a-f-]+/photos$")


def test_a_photo_cut_off_after_its_report_is_delivered_once_by_the_next_page(
    context_without_sw, live_db, tmp_path
):
    photo = camera_photo(tmp_path / "small.jpg", width=1600, height=1200)
    page = context_without_sw.new_page()
    cut = []

    def cut_off(route: Route):
        # The report went through; then the tunnel: its photo never reaches the server.
        cut.append(route.request.headers.get("report-key"))
        route.abort("internetdisconnected")

    page.route(PHOTOS, cut_off)
    open_app(page)
    word = marker()
    fill_report(page, "Pothole", f"Hole with a photo {word}", photo=photo)
    send(page)
    page.get_by_role("link", name=re.compile("My reports")).click()
    expect(page.get_by_text("Last attempt failed; next try soon.")).to_be_visible()
    [report] = reports_with(live_db, word)
    assert report["photos"] == 0
    # The photo carried the token of the creation's answer, not the creation's own key.
    assert cut and cut[0] and len(cut[0]) >= 43
    page.close()

    page = context_without_sw.new_page()
    posts = []
    page.on(
        "request",
        lambda request: posts.append(request.url) if request.method == "POST" else None,
    )
    open_app(page, "/#/mine")
    expect(page.locator("#mine-list > li").get_by_text("Sent", exact=True)).to_have_count(1)

    [report] = reports_with(live_db, word)
    assert report["photos"] == 1
    # The token was kept on the phone: no second creation, one photo upload.
    assert [url for url in posts if url.endswith("/api/v1/reports")] == []
    assert len([url for url in posts if PHOTOS.match(url)]) == 1
