"""Offline, on a phone, in French and Dutch: the form says there is no connection, and a queued
report says it waits for one, not that something failed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.contexts import new_context
from tests.browser.helpers import marker, open_app, open_details, reports_with
from tests.browser.page_checks import assert_every_string_in

pytestmark = pytest.mark.slow

PWA = Path(__file__).resolve().parents[2] / "pwa"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "offline"
LOCALES = {"fr": "fr-BE", "nl": "nl-BE"}
# What the resident reads, written out here so that a changed catalogue cannot hide a change.
BANNER = {
    "fr": "Pas de connexion\u202f: vous pouvez quand même faire le signalement",
    "nl": "Geen verbinding: u kunt de melding toch maken",
}
WAITING = {"fr": "En attente de connexion", "nl": "Wacht op verbinding"}


def strings(lang: str) -> dict[str, str]:
    return json.loads((PWA / "src" / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_offline_the_form_says_so_and_a_queued_report_waits_for_a_connection(
    browser, live_server, live_db, lang
):
    table = strings(lang)
    context = new_context(browser, live_server, locale=LOCALES[lang])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        page = context.new_page()
        open_app(page)
        banner = page.get_by_role("status").filter(has_text=BANNER[lang])
        expect(page.get_by_role("radio").first).to_be_visible()
        expect(banner).to_be_hidden()

        context.set_offline(True)
        expect(banner).to_be_visible()
        assert_every_string_in(page, lang)
        page.screenshot(path=str(SCREENSHOTS / f"form-offline-{lang}.png"))

        word = marker()
        page.get_by_role("button", name=table["where.useMine"]).click()
        expect(page.get_by_text(table["where.position"].replace("{m}", "12"))).to_be_visible()
        page.get_by_role("radio").first.check()
        open_details(page)
        page.get_by_label(table["details.description"]).fill(f"Trou {word}")
        page.get_by_role("button", name=table["send"], exact=True).click()
        expect(page.get_by_role("status").filter(has_text=table["saved"])).to_be_visible()

        page.get_by_role("link", name=re.compile(table["nav.mine"])).click()
        item = page.locator("#mine-list > li").first
        expect(item.get_by_text(WAITING[lang], exact=True)).to_be_visible()
        # The phone tried as soon as the report was queued; offline, that is no failure.
        expect(item.get_by_text(table["mine.lastError"])).to_have_count(0)
        assert_every_string_in(page, lang)
        page.screenshot(path=str(SCREENSHOTS / f"mine-offline-{lang}.png"))
        assert reports_with(live_db, word) == []

        page.get_by_role("link", name=table["nav.new"]).click()
        expect(banner).to_be_visible()
        context.set_offline(False)
        expect(banner).to_be_hidden()
        # Delivered: the form's "saved on your phone" becomes "sent", with the reference.
        status = page.locator("#send-status")
        expect(status).to_contain_text(table["send.sent"].split("{ref}")[0])
        expect(status).not_to_contain_text(table["saved"])
        expect(status.get_by_role("link", name=table["send.follow"])).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / f"form-online-{lang}.png"))

        page.get_by_role("link", name=re.compile(table["nav.mine"])).click()
        expect(item.get_by_text(table["state.sent"], exact=True)).to_be_visible()
        expect(item.get_by_text(WAITING[lang])).to_have_count(0)
        page.screenshot(path=str(SCREENSHOTS / f"mine-sent-{lang}.png"))
        [report] = reports_with(live_db, word)
        expect(status).to_contain_text(table["send.sent"].replace("{ref}", str(report["id"])[:8]))
    finally:
        context.close()
