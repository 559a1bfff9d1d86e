"""Offline: the app starts without a network, queues reports, and delivers each exactly once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    camera_photo,
    fill_report,
    marker,
    open_app,
    reports_with,
    send,
    wait_for_service_worker,
)

pytestmark = pytest.mark.slow

CATEGORIES = ["Pothole", "Graffiti", "Overflowing bin"]


def my_reports(page):
    page.get_by_role("link", name=re.compile("My reports")).click()
    return page.locator("#mine-list > li")


def test_reports_made_offline_are_delivered_once_when_the_network_returns(
    context, live_db, tmp_path
):
    photo = camera_photo(tmp_path / "small.jpg", width=1600, height=1200)
    page = context.new_page()
    open_app(page)
    wait_for_service_worker(page)

    context.set_offline(True)
    page.reload()
    expect(page.locator("body[data-ready='true']")).to_be_attached()
    expect(page.get_by_role("radio", name="Pothole")).to_be_visible()

    word = marker()
    for number, category in enumerate(CATEGORIES):
        fill_report(page, category, f"Offline report {number} {word}", photo=photo)
        send(page)
    items = my_reports(page)
    expect(items).to_have_count(3)
    expect(page.get_by_text("You are offline")).to_be_visible()
    expect(items.get_by_text("Sent", exact=True)).to_have_count(0)
    page.close()

    page = context.new_page()
    open_app(page, "/#/mine")
    items = page.locator("#mine-list > li")
    expect(items).to_have_count(3)
    context.set_offline(False)
    expect(items.get_by_text("Sent", exact=True)).to_have_count(3)
    for item in items.all():
        expect(item).to_contain_text(re.compile(r"Commune: (Bruxelles|Brussel)"))

    rows = reports_with(live_db, word)
    assert sorted(row["category"] for row in rows) == ["graffiti", "overflowing_bin", "pothole"]
    assert all(row["photos"] == 1 and row["nis_code"] == "21004" for row in rows)
