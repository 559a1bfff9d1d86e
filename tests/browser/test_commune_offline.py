"""Offline and without a position: the commune is found in the copy kept on the phone."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.contexts import new_context
from tests.browser.helpers import LOCALES, marker, open_app, open_details, reports_with
from tests.browser.page_checks import assert_every_string_in, strings

pytestmark = pytest.mark.slow

SHOTS = Path("/work/reports/offline")
# What the resident types, and the answers they see: Liège and Lier by their local names.
TYPED = {"fr": ("lie", "Liège", "Lierre"), "nl": ("lie", "Luik", "Lier")}


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_report_made_offline_by_naming_the_commune_is_sent_when_back_online(
    browser, live_server, live_db, lang
):
    table = strings(lang)
    typed, picked, other = TYPED[lang]
    context = new_context(browser, live_server, locale=LOCALES[lang])
    context.clear_permissions()  # no position, ever
    try:
        page = context.new_page()
        open_app(page)
        # Online, the app keeps the communes on the phone.
        page.wait_for_function("() => localStorage.getItem('pave.communes') !== null")

        context.set_offline(True)
        expect(page.get_by_text(table["form.offline"])).to_be_visible()
        page.get_by_role("button", name=table["where.useMine"]).click()
        expect(page.get_by_text(table["where.denied"])).to_be_visible()
        page.locator("input[name='category'][value='pothole']").check()
        open_details(page)
        word = marker()
        page.get_by_label(table["details.description"]).fill(f"Hole by the steps {word}")
        page.get_by_label(table["where.place"]).fill("Place Saint-Lambert, near the steps")

        page.get_by_label(table["where.communeSearch"]).fill(typed)
        results = page.locator("#commune-results")
        expect(results.get_by_role("button")).to_have_count(6)
        expect(results.get_by_role("button", name=other, exact=True)).to_be_visible()
        expect(page.locator("#commune-search-status")).not_to_have_text(
            table["where.communeOffline"]
        )
        shot(page, f"offline-commune-list-{lang}")
        results.get_by_role("button", name=picked, exact=True).click()
        expect(page.locator("#where-status")).to_have_text(
            table["where.fromCommune"].replace("{name}", picked)
        )
        assert_every_string_in(page, lang)
        shot(page, f"offline-commune-picked-{lang}")

        page.get_by_role("button", name=table["send"], exact=True).click()
        expect(page.get_by_role("status").filter(has_text=table["saved"])).to_be_visible()
        shot(page, f"offline-commune-saved-{lang}")
        page.get_by_role("link", name=table["nav.mine"]).click()
        item = page.locator("#mine-list > li").first
        expect(item.get_by_text(table["state.waitingConnection"], exact=True)).to_be_visible()
        shot(page, f"offline-commune-waiting-{lang}")
        assert reports_with(live_db, word) == []

        context.set_offline(False)
        expect(item.get_by_text(table["state.sent"], exact=True)).to_be_visible()
        shot(page, f"offline-commune-sent-{lang}")
        [report] = reports_with(live_db, word)
        assert report["nis_code"] == "62063"
    finally:
        context.close()
