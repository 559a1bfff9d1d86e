"""The crews' screens in Dutch, with the keyboard alone (log in to log out), and axe-clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.contexts import new_context
from tests.browser.crew_helpers import (
    PASSWORD,
    make_crew,
    open_staff,
    report_through_api,
    ticket_link,
)
from tests.browser.helpers import marker
from tests.browser.page_checks import assert_every_string_in, axe_violations

pytestmark = pytest.mark.slow


def test_a_dutch_speaking_crew_member_works_with_the_keyboard_alone(browser, live_server, live_db):
    crew = make_crew(live_db, "commune-21004")
    word = marker()
    report_through_api(live_server, f"Kapotte stoeptegel {word}")
    context = new_context(browser, live_server, locale="nl-BE")
    try:
        page = context.new_page()
        open_staff(page)
        expect(page.get_by_role("heading", name="Aanmelden")).to_be_visible()
        assert_every_string_in(page, "nl")
        assert axe_violations(page) == []

        page.get_by_label("E-mail").focus()
        page.keyboard.type(crew)
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Mijn tickets")).to_be_visible()
        expect(ticket_link(page, word)).to_be_visible()
        assert_every_string_in(page, "nl")
        assert axe_violations(page) == []

        ticket_link(page, word).focus()
        page.keyboard.press("Enter")
        expect(page.locator("#ticket-status")).to_have_text("Status: nieuw")
        expect(page.get_by_label("Nieuwe status")).to_be_visible()
        assert_every_string_in(page, "nl")
        assert axe_violations(page) == []

        page.get_by_label("Nieuwe status").focus()
        page.keyboard.press("Tab")  # the note (acknowledging needs no other field)
        page.keyboard.type("Gezien")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # "Wijziging opslaan"
        expect(page.locator("#ticket-status")).to_have_text("Status: ontvangen")

        page.get_by_role("button", name="Afmelden").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Aanmelden")).to_be_visible()
        page.reload()
        expect(page.get_by_role("heading", name="Aanmelden")).to_be_visible()
    finally:
        context.close()
