"""A crew list card on a 390x844 phone, in fr and nl: the whole card opens the ticket, the
place the resident typed stands on its own line, and times are Belgian on a device set to UTC.

The card keeps one link (the title's, stretched over it): a tap on the reference or the
description opens the ticket, a keyboard meets one stop per card. The resident form sends the
place and the description as two paragraphs; the card shows them apart. A laptop in UTC showed
13:29 where residents read 14:29. Screenshots in /tmp/shots-cb.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from tests.browser.contexts import new_context
from tests.browser.crew_helpers import make_crew, report_through_api, sign_in
from tests.browser.helpers import marker
from tests.browser.page_checks import assert_every_string_in, box_of, strings

pytestmark = pytest.mark.slow

SHOTS = Path("/tmp/shots-cb")
# 13:29 UTC on a winter day: 14:29 on a Belgian clock.
MOMENT = "2026-02-03T13:29:00+00:00"


def _set_times(engine, report_id: str) -> None:
    """The report made and received at MOMENT."""
    with engine.begin() as conn:
        values = {"at": MOMENT, "id": report_id}
        conn.execute(text("UPDATE reports SET created_at = :at WHERE id = :id"), values)
        conn.execute(
            text("UPDATE report_status_changes SET at = :at WHERE report_id = :id"), values
        )


def tap(page, part) -> None:
    """A finger on the middle of `part`, whatever lies on top of it (the card's link). The
    list is drawn twice on return (the cached copy, then the live one): wait for a box."""
    box = None
    while box is None:
        expect(part).to_be_visible()
        box = box_of(part)
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


@pytest.mark.parametrize(("locale", "lang"), [("fr-BE", "fr"), ("nl-BE", "nl")])
def test_the_whole_card_opens_the_ticket_and_times_are_belgian(
    browser, live_server, live_db, locale, lang
):
    table = strings(lang)
    crew = make_crew(live_db, "commune-21004")
    word = marker()
    report_id = report_through_api(live_server, f"Grand-Place 12\n\nGros nid-de-poule {word}")
    _set_times(live_db, report_id)
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = new_context(browser, live_server, locale=locale, timezone_id="UTC")
    try:
        page = context.new_page()
        sign_in(page, crew)
        card = page.locator("#ticket-list > li").filter(has_text=word)
        expect(card).to_be_visible()
        # One link per card, nothing else to tab to inside it.
        expect(card.locator("a, button, input, select, textarea, [tabindex]")).to_have_count(1)

        # The place on its own line, above the description, both said to be the description.
        place = card.locator(".said p").filter(has_text="Grand-Place 12")
        said = card.locator(".said p").filter(has_text=f"Gros nid-de-poule {word}")
        expect(place).not_to_contain_text("Gros")
        place_box, said_box = box_of(place), box_of(said)
        assert place_box and said_box and said_box["y"] >= place_box["y"] + place_box["height"]
        expect(card).to_contain_text(table["staff.list.said"])
        assert_every_string_in(page, lang)
        card.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"card-{lang}.png"))

        # A tap on the reference, then on the description, opens the ticket.
        for part in (card.locator(".ref"), said):
            tap(page, part)
            expect(page).to_have_url(f"{live_server.url}/staff/#/t/{report_id}")
            expect(page.locator("#ticket-facts")).to_contain_text("14:29")
            page.go_back()
            expect(card).to_be_visible()

        tap(page, card.locator(".state"))
        record = page.locator("#ticket-record")
        expect(record).to_contain_text("14:29")
        expect(page.locator("#ticket-facts")).to_contain_text("14:29")
        expect(record).not_to_contain_text("13:29")
        expect(page.locator("#ticket-facts")).not_to_contain_text("13:29")
        record.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"times-{lang}.png"), full_page=True)
    finally:
        context.close()
