"""Without a position: the resident names the commune, and the report goes to that commune."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import marker, open_app, reports_with, send

pytestmark = pytest.mark.slow


def test_a_report_placed_by_typing_the_commune_is_routed_there(context, live_db):
    # A desktop or a phone that refuses its position: the button gives nothing.
    context.clear_permissions()
    page = context.new_page()
    open_app(page)
    word = marker()

    page.get_by_role("button", name="Use my position").click()
    expect(page.get_by_text("Your position is not available.", exact=False)).to_be_visible()
    page.get_by_label("Describe the place").fill("Rathausplatz, by the fountain")
    # A town across the border is no commune here, and the screen says why.
    page.get_by_label("No position? Type the commune").fill("Maastricht")
    none = "No Belgian commune of that name: Pavé covers the communes of Belgium only."
    expect(page.get_by_text(none)).to_be_visible()
    page.get_by_label("No position? Type the commune").fill("Eupen")
    page.get_by_role("button", name="Eupen", exact=True).click()
    expect(page.get_by_text("Placed in Eupen", exact=False)).to_be_visible()
    expect(page.get_by_text("Commune: Eupen")).to_be_visible()
    page.get_by_role("radio", name="Pothole", exact=True).check()
    page.get_by_label("Description").fill(f"Hole in the square {word}")
    send(page)

    page.get_by_role("link", name="My reports").click()
    expect(page.locator("#mine-list > li").first.get_by_text("Sent", exact=True)).to_be_visible()
    [report] = reports_with(live_db, word)
    assert report["nis_code"] == "63023"
