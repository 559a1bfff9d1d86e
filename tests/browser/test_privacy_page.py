"""The privacy page: the retention policy in the resident's language, on a phone, offline too,
reached from the app's main screen and from the follow page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.contexts import new_context
from tests.browser.follow_helpers import email_links, open_follow, report_with_email
from tests.browser.helpers import marker, open_app, wait_for_service_worker
from tests.browser.page_checks import assert_every_string_in, axe_violations

PWA = Path(__file__).resolve().parents[2] / "pwa"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "privacy"
PARAGRAPHS = ("privacy.what", "privacy.public", "privacy.photos", "privacy.followers")
LOCALES = {"fr": "fr-BE", "nl": "nl-BE"}


def strings(lang: str) -> dict[str, str]:
    return json.loads((PWA / "src" / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))


def assert_policy_shown(page, table: dict[str, str]) -> None:
    expect(page.get_by_role("heading", level=1, name=table["privacy.heading"])).to_be_visible()
    # Who runs the service: no OPERATOR_NAME is set here, and the page says so.
    expect(page.locator("#about-operator")).to_have_text(table["about.operatorUnset"])
    for key in (*PARAGRAPHS, "privacy.retention", "privacy.contact"):
        expect(page.get_by_text(table[key])).to_be_visible()
    # The period, in words a resident reads: the days, and what is erased.
    expect(page.locator("#screen-privacy")).to_contain_text("180")
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_policy_is_one_tap_from_the_main_screen_and_works_offline(browser, live_server, lang):
    table = strings(lang)
    context = new_context(browser, live_server, locale=LOCALES[lang])
    try:
        page = context.new_page()
        open_app(page)
        wait_for_service_worker(page)

        page.get_by_role("link", name=table["nav.privacy"]).click()

        assert_policy_shown(page, table)
        expect(page.locator("#screen-report")).to_be_hidden()
        assert_every_string_in(page, lang)
        assert axe_violations(page) == []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"privacy-{lang}.png"), full_page=True)

        # In a tunnel: the page comes from the phone's cache.
        context.set_offline(True)
        page.reload()
        assert_policy_shown(page, table)
        context.set_offline(False)
    finally:
        context.close()


def test_the_follow_page_links_to_the_policy(browser, live_server, live_db):
    table = strings("nl")
    report_id = report_with_email(live_server, f"Diep gat {marker()}")
    follow_url, _ = email_links(live_db, report_id)
    context = new_context(browser, live_server, locale=LOCALES["nl"])
    try:
        page = context.new_page()
        open_follow(page, follow_url)
        link = page.get_by_role("link", name=table["follow.privacy"])
        expect(link).to_be_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "follow-nl.png"), full_page=True)

        link.click()

        expect(page.locator("body[data-ready='true']")).to_be_attached()
        assert_policy_shown(page, table)
        # The follow token stays behind: the privacy page's address does not carry it.
        assert "/follow/" not in page.url
    finally:
        context.close()
