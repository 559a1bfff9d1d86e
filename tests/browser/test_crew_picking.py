"""Crews pick rather than type: the original of a duplicate among the open tickets nearby
(thumbnail, reference, category, distance, age), the body to transfer to by its name in any
language; a refused change keeps the form and says why in the crew's language. Phone size,
fr and nl. Screenshots in var/screenshots/crew-picking.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from tests.browser.contexts import new_context
from tests.browser.crew_helpers import (
    add_photo,
    make_crew,
    report_through_api,
    sign_in,
    ticket_link,
)
from tests.browser.helpers import marker, wait_for_service_worker
from tests.browser.page_checks import axe_violations

pytestmark = pytest.mark.slow

BRUXELLES = "commune-21004"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots" / "crew-picking"
PHONE = {"width": 390, "height": 844}
# Laeken (Bruxelles), away from the Grand-Place where most tests report; one spot per language.
SPOTS = {"fr": {"lat": 50.8949, "lon": 4.3415}, "nl": {"lat": 50.8925, "lon": 4.3460}}
ENGLISH = re.compile(r"\b(the|ticket id|body code|no body|not a valid|refused)\b", re.IGNORECASE)


def catalogue(lang: str) -> dict[str, str]:
    return json.loads((ROOT / "pwa" / "src" / "i18n" / f"{lang}.json").read_text("utf-8"))


def phone(browser, live_server, lang: str) -> tuple:
    context = new_context(browser, live_server, locale=f"{lang}-BE")
    page = context.new_page()
    page.set_viewport_size(PHONE)
    return context, page


def transfer_form(browser, live_server, live_db, lang: str, say: dict) -> tuple:
    """A Bruxelles crew member's phone on a new ticket, its status form set to transfer:
    (the ticket's marker word, its id, the context, the page)."""
    word = marker()
    report_id = report_through_api(live_server, f"In the other commune {word}")
    crew = make_crew(live_db, BRUXELLES)
    context, page = phone(browser, live_server, lang)
    open_ticket(page, crew, word)
    page.locator("#change-to").select_option(label=say["staff.to.transferred"])
    return word, report_id, context, page


def open_ticket(page: Page, crew: str, word: str) -> None:
    sign_in(page, crew)
    ticket_link(page, word).click()
    expect(page.locator("#change-form")).to_be_visible()


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def no_english(page: Page) -> None:
    shown = page.locator("#change-form").inner_text()
    assert not ENGLISH.search(shown), shown


def report_row(engine, report_id) -> dict:
    query = text(
        "SELECT r.status, r.duplicate_of, b.code AS body FROM reports r "
        "JOIN bodies b ON b.id = r.body_id WHERE r.id = :id"
    )
    with engine.connect() as conn:
        return dict(conn.execute(query, {"id": report_id}).one()._mapping)


def north(spot: dict, metres: float) -> dict:
    return {"lat": spot["lat"] + metres / 111_200, "lon": spot["lon"]}


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_crew_picks_the_original_of_a_duplicate_in_the_list_of_nearby_tickets(
    browser, live_server, live_db, lang
):
    say = catalogue(lang)
    spot = SPOTS[lang]
    word = marker()
    original = report_through_api(live_server, f"First report {word}", north(spot, 60))
    add_photo(live_server, original)
    duplicate = report_through_api(live_server, f"Same hole again {word}", spot)
    crew = make_crew(live_db, BRUXELLES)
    context, page = phone(browser, live_server, lang)
    try:
        open_ticket(page, crew, f"again {word}")
        # The reference a resident quotes on the phone is on the ticket, as on its card.
        ref = say["staff.list.ref"].format(ref=duplicate[:8])
        expect(page.locator("#ticket-facts")).to_contain_text(ref)
        page.locator("#change-to").select_option(label=say["staff.to.duplicate"])

        choices = page.locator("#change-dup-list li")
        mine = choices.filter(has_text=original[:8])
        expect(mine).to_have_count(1)
        # Its thumbnail, its reference, its category in the crew's language, 60 m, just now.
        photo_alt = say["staff.dup.photoAlt"].format(ref=original[:8])
        expect(mine.get_by_role("img", name=photo_alt)).to_be_visible()
        expect(mine).to_contain_text(re.compile(r"\b6\d\s?m\b"))
        heading = page.locator("#ticket-heading").inner_text()
        expect(mine).to_contain_text(heading.split(" — ")[0])
        expect(page.locator("#change-dup-list")).not_to_contain_text(duplicate[:8])
        assert axe_violations(page) == []

        # A reference of no ticket of mine: refused, the form stays with what was typed.
        page.locator("#change-dup").fill("00000000")
        page.locator("#change-note").fill(f"Note {word}")
        page.locator("#change-submit").click()
        expect(page.locator("#change-error")).to_have_text(say["staff.problem.unknownReference"])
        expect(page.locator("#change-form")).to_be_visible()
        expect(page.locator("#change-dup")).to_have_value("00000000")
        expect(page.locator("#change-note")).to_have_value(f"Note {word}")
        expect(page.locator("#change-to")).to_have_value("duplicate")
        no_english(page)
        shot(page, f"duplicate-refused-{lang}.png")

        mine.get_by_role("radio").check()
        expect(page.locator("#change-dup")).to_have_value(original[:8])
        shot(page, f"duplicate-picked-{lang}.png")
        page.locator("#change-submit").click()
        status = say["staff.ticket.status"].format(status=say["status.duplicate"])
        expect(page.locator("#ticket-status")).to_have_text(status)
        expect(page.locator("#change-error")).to_be_hidden()
        # And it says which ticket it duplicates.
        of = say["staff.ticket.duplicateOf"].format(ref=original[:8])
        expect(page.locator("#ticket-facts")).to_contain_text(of)
    finally:
        context.close()

    row = report_row(live_db, duplicate)
    assert (row["status"], str(row["duplicate_of"])) == ("duplicate", original)


@pytest.mark.parametrize(
    ("lang", "typed", "shown"), [("fr", "Elsene", "Ixelles"), ("nl", "Ixelles", "Elsene")]
)
def test_a_crew_transfers_by_typing_the_communes_name_in_any_language_and_picking_it(
    browser, live_server, live_db, lang, typed, shown
):
    say = catalogue(lang)
    word, report_id, context, page = transfer_form(browser, live_server, live_db, lang, say)
    try:
        # A transfer's one text is its reason, told to the resident: no second, lost note.
        expect(page.locator("#change-note")).to_be_hidden()
        reason = f"La rue est à {shown} {word}"
        page.locator("#change-reason").fill(reason)

        # The crew's own commune is never offered, and the screen says why.
        page.locator("#change-body").fill("21004")  # its NIS code: only itself answers
        own = page.locator("#change-body-status")
        expect(own).to_have_text(say["staff.transfer.ownBody"])

        # A name that is no body's, sent without picking: refused, nothing typed is lost.
        page.locator("#change-body").fill("Nulle part")
        expect(page.locator("#change-body-status")).to_have_text(say["staff.transfer.none"])
        page.locator("#change-submit").click()
        expect(page.locator("#change-error")).to_have_text(say["staff.problem.invalidTransfer"])
        expect(page.locator("#change-form")).to_be_visible()
        expect(page.locator("#change-body")).to_have_value("Nulle part")
        expect(page.locator("#change-reason")).to_have_value(reason)
        expect(page.locator("#change-body")).to_have_attribute("aria-invalid", "true")
        no_english(page)
        shot(page, f"transfer-refused-{lang}.png")

        page.locator("#change-body").fill(typed)
        kind = say["staff.kind.commune"]
        choice = page.locator("#change-body-results").get_by_role(
            "button", name=f"{shown} ({kind})", exact=True
        )
        expect(choice).to_be_visible()
        assert axe_violations(page) == []
        shot(page, f"transfer-search-{lang}.png")
        choice.click()
        chosen = say["staff.transfer.chosen"].format(name=shown, kind=kind)
        expect(page.locator("#change-body-status")).to_have_text(chosen)
        expect(page.locator("#change-body")).to_have_value(shown)
        page.locator("#change-submit").click()

        done = say["staff.ticket.transferredTo"].format(name=shown)
        expect(page.locator("#ticket-heading")).to_have_text(done)
        # Gone from this crew's tickets: no empty timeline or history is left on screen.
        expect(page.get_by_role("heading", name=say["staff.ticket.timeline"])).to_be_hidden()
        expect(page.get_by_role("heading", name=say["staff.ticket.history"])).to_be_hidden()
        shot(page, f"transfer-done-{lang}.png")
    finally:
        context.close()

    assert report_row(live_db, report_id)["body"] == "commune-21009"


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_change_made_offline_and_refused_later_gives_the_form_back_with_what_was_typed(
    browser, live_server, live_db, lang
):
    say = catalogue(lang)
    word = marker()
    report_id = report_through_api(live_server, f"Refused later {word}")
    crew = make_crew(live_db, BRUXELLES)
    context, page = phone(browser, live_server, lang)
    try:
        open_ticket(page, crew, word)
        wait_for_service_worker(page)
        page.locator("#screen-ticket a[href='#/']").click()

        # Offline, and the server stopped too (see test_crew_offline): nothing gets through.
        context.set_offline(True)
        live_server.stop()
        try:
            page.reload()
            expect(page.locator("body[data-ready='true']")).to_be_attached()
            ticket_link(page, word).click()
            page.locator("#change-to").select_option(label=say["staff.to.transferred"])
            page.locator("#change-body").fill("Nulle part")
            expect(page.locator("#change-body-status")).to_have_text(say["staff.transfer.offline"])
            page.locator("#change-reason").fill(f"Pas chez nous {word}")
            page.locator("#change-submit").click()
            queued = say["staff.pending.offline"].format(status=say["status.transferred"])
            expect(page.locator("#ticket-pending")).to_contain_text(queued)
            page.close()
            page = context.new_page()
            page.set_viewport_size(PHONE)
            page.goto("/staff/")
            expect(page.locator("body[data-ready='true']")).to_be_attached()
        finally:
            live_server.start()
        context.set_offline(False)
        # Back online, the outbox delivers the change by itself; the server refuses it.
        expect(page.locator("#outbox-summary")).to_be_hidden()
        ticket_link(page, word).click()

        expect(page.locator("#change-error")).to_have_text(say["staff.problem.invalidTransfer"])
        expect(page.locator("#change-form")).to_be_visible()
        expect(page.locator("#change-to")).to_have_value("transferred")
        expect(page.locator("#change-body")).to_have_value("Nulle part")
        expect(page.locator("#change-reason")).to_have_value(f"Pas chez nous {word}")
        no_english(page)
        shot(page, f"offline-refused-{lang}.png")
    finally:
        context.close()

    assert report_row(live_db, report_id)["body"] == BRUXELLES


@pytest.mark.parametrize(("lang", "typed"), [("fr", "ixelles"), ("nl", "Elsene")])
def test_a_commune_typed_in_full_is_chosen_without_a_tap(
    browser, live_server, live_db, lang, typed
):
    say = catalogue(lang)
    word, report_id, context, page = transfer_form(browser, live_server, live_db, lang, say)
    try:
        page.locator("#change-reason").fill(f"Autre commune {word}")
        page.locator("#change-body").fill(typed)
        kind = say["staff.kind.commune"]
        expect(page.locator("#change-body-results").get_by_role("button")).to_have_count(1)
        expect(page.locator("#change-body-results")).to_contain_text(kind)
        # Sent as typed: the one commune offered with that name is the one meant.
        page.locator("#change-submit").click()
        expect(page.locator("#change-error")).to_be_empty()
        done = say["staff.ticket.transferredTo"].format(name=typed.capitalize())
        expect(page.locator("#ticket-heading")).to_have_text(done)
    finally:
        context.close()

    assert report_row(live_db, report_id)["body"] == "commune-21009"
