"""Every screen in Dutch and German, no axe-core violation, keyboard use, and installability."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    SAVED_OR_SENT,
    fill_report,
    marker,
    open_app,
    send,
    wait_for_service_worker,
)
from tests.browser.page_checks import (
    assert_every_string_in,
    axe_violations,
    strings,
)

pytestmark = pytest.mark.slow


def sent_and_refused(page: Page, context) -> None:
    """Leave one sent report and one refused by the server in My reports."""
    fill_report(page, "Graffiti", f"Tag on the wall {marker()}")
    send(page)
    page.get_by_role("link", name=re.compile("My reports")).click()
    expect(page.get_by_text("Sent", exact=True)).to_be_visible()
    page.get_by_role("link", name="New report").click()
    context.set_offline(True)
    fill_report(page, "Pothole", f"Hole {marker()}")
    page.get_by_label("Email, to hear when it is fixed").fill("resident@example.org")
    send(page)
    page.evaluate(
        """async () => {
          const db = await new Promise((r) => { const o = indexedDB.open('pave'); o.onsuccess = () => r(o.result); });
          const tx = db.transaction('reports', 'readwrite');
          const store = tx.objectStore('reports');
          const all = store.getAll();
          all.onsuccess = () => all.result.filter((i) => !i.serverId).forEach((i) => {
            i.body.category = 'gone'; store.put(i); });
          await new Promise((r) => { tx.oncomplete = r; });
          db.close();
        }"""
    )
    page.get_by_role("link", name=re.compile("My reports")).click()
    context.set_offline(False)
    expect(page.get_by_text("Needs attention", exact=True)).to_be_visible()
    expect(page.get_by_text("Sent", exact=True)).to_be_visible()


def test_every_screen_in_dutch_and_german_without_axe_violations(context_without_sw):
    page = context_without_sw.new_page()
    open_app(page)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Choose what the problem is.")).to_be_visible()
    assert axe_violations(page) == [], "with the form's error messages shown"
    page.reload()
    expect(page.locator("body[data-ready='true']")).to_be_attached()
    sent_and_refused(page, context_without_sw)
    assert axe_violations(page) == [], "My reports, with a sent and a refused report"

    for lang, pothole in (("nl", "Put in de weg"), ("de", "Schlagloch")):
        page.locator("#lang").select_option(lang)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        assert_every_string_in(page, lang)
        assert axe_violations(page) == []
        page.locator("#nav-new").click()
        expect(page.get_by_role("radio", name=pothole, exact=True)).to_be_visible()
        assert_every_string_in(page, lang)
        page.locator("#nav-mine").click()
        page.get_by_role("button", name=strings(lang)["mine.edit"]).click()
        expect(page.get_by_role("heading", name=strings(lang)["form.editHeading"])).to_be_visible()
        assert_every_string_in(page, lang)
        assert axe_violations(page) == [], "the edit screen"
        page.get_by_role("button", name=strings(lang)["cancel"]).click()


def test_a_report_can_be_made_with_the_keyboard_alone(context_without_sw):
    page = context_without_sw.new_page()
    # The page the keys go to has the browser's focus, whatever pages other tests left open.
    page.bring_to_front()
    open_app(page)
    # A resident tabs once the categories are drawn; before, Tab would pass their placeholder.
    expect(page.get_by_role("radio", name="Pothole")).to_be_visible()
    page.get_by_role("button", name="Use my position").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Position found, accurate to about 12 m.")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("radio", name="Pothole")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="Pothole")).to_be_checked()
    # Tab leaves the radio group for the folded details. Nearby open reports of the same
    # category, when other tests made some, add their buttons before.
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Description")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Describe the place (street, number, landmark)")).to_be_focused()
    page.keyboard.type(f"Rue au Beurre 1 {marker()}")
    page.keyboard.press("Tab")
    # The commune search, for those without a position, comes next; this user has one.
    expect(page.get_by_label("No position? Type the commune")).to_be_focused()
    # Then the email, then Send.
    visited = []
    for _ in range(2):
        page.keyboard.press("Tab")
        visited.append(page.evaluate("document.activeElement.id"))
    assert visited == ["email", "send"], visited
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text=SAVED_OR_SENT)).to_be_visible()


def test_the_keyboard_stays_on_its_category_when_the_fresh_list_replaces_the_kept_one(
    context_without_sw,
):
    page = context_without_sw.new_page()
    page.bring_to_front()
    open_app(page)  # the first visit keeps the categories on the phone
    expect(page.get_by_role("radio", name="Pothole")).to_be_visible()
    fresh = page.request.get("/api/v1/categories").json()
    for category in fresh:
        if category["code"] == "pothole":
            category["names"]["en"] = "Pothole or sunken road"
    held = []
    page.route("**/api/v1/categories", lambda route: held.append(route))
    with page.expect_request("**/api/v1/categories"):
        page.reload()
    expect(page.locator("body[data-ready='true']")).to_be_attached()
    # The kept list is drawn at once; the resident tabs into it while the network answers.
    page.get_by_role("radio", name="Pothole").focus()
    page.keyboard.press("Space")
    assert len(held) == 1
    held[0].fulfill(json=fresh)
    renamed = page.get_by_role("radio", name="Pothole or sunken road")
    expect(renamed).to_be_focused()
    expect(renamed).to_be_checked()
    page.keyboard.press("ArrowRight")
    expect(renamed).not_to_be_checked()


def test_the_commune_found_is_named_again_in_the_language_chosen_after(context_without_sw):
    page = context_without_sw.new_page()
    open_app(page)
    page.locator("#lang").select_option("fr")
    page.get_by_role("button", name=strings("fr")["where.useMine"]).click()
    said = {lang: strings(lang)["where.commune"] for lang in ("fr", "nl")}
    expect(page.locator("#commune")).to_have_text(said["fr"].replace("{name}", "Bruxelles"))

    page.locator("#lang").select_option("nl")

    expect(page.locator("#commune")).to_have_text(said["nl"].replace("{name}", "Brussel"))


def test_chromium_finds_the_app_installable(context):
    page = context.new_page()
    open_app(page)
    wait_for_service_worker(page)
    page.reload()
    expect(page.locator("body[data-ready='true']")).to_be_attached()
    session = context.new_cdp_session(page)
    errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []


def test_every_category_shows_a_drawn_pictogram_without_needing_an_emoji_font(
    context_without_sw,
):
    # Debian's headless chromium has no colour emoji font: emoji pictograms showed as
    # empty boxes there and on phones without one. Each category now draws an inline SVG.
    page = context_without_sw.new_page()
    open_app(page)
    choices = page.locator(".tile")
    expect(choices.first).to_be_visible()
    sizes = choices.evaluate_all(
        """labels => labels.map(label => {
            const svg = label.querySelector('svg.category-icon');
            const box = svg && svg.getBoundingClientRect();
            return box ? [box.width, box.height, svg.querySelectorAll('path, circle, rect').length]
                       : null;
        })"""
    )
    assert len(sizes) >= 11
    assert all(s and s[0] >= 16 and s[1] >= 16 and s[2] > 0 for s in sizes), sizes
    assert page.locator(".tile").first.inner_text().strip() == "Pothole"
