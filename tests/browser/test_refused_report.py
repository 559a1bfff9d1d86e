"""A report the server refuses (4xx) stays on the phone with the reason, to fix or delete."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.contexts import new_context
from tests.browser.helpers import (
    LOCALES,
    camera_photo,
    fill_report,
    fill_report_in,
    marker,
    open_app,
    reports_with,
    screenshot,
    send,
)
from tests.browser.page_checks import assert_every_string_in, strings

pytestmark = pytest.mark.slow

# What an old phone may hold: a category removed from the server since the report was queued.
BREAK_CATEGORY = """async (word) => {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open('pave');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const tx = db.transaction('reports', 'readwrite');
  const store = tx.objectStore('reports');
  const all = store.getAll();
  all.onsuccess = () => {
    for (const item of all.result) {
      if ((item.body.description || '').includes(word)) {
        item.body.category = 'abandoned_vehicle';
        store.put(item);
      }
    }
  };
  await new Promise((resolve) => { tx.oncomplete = resolve; });
  db.close();
}"""


def queue_a_report_with_a_removed_category(page: Page, context, word: str):
    open_app(page)
    context.set_offline(True)
    fill_report(page, "Damaged sign", f"Sign bent over {word}")
    send(page)
    page.evaluate(BREAK_CATEGORY, word)
    page.get_by_role("link", name=re.compile("My reports")).click()
    context.set_offline(False)
    item = page.locator("#mine-list > li").first
    expect(item.get_by_text("Needs attention", exact=True)).to_be_visible()
    expect(item).to_contain_text("This category no longer exists: choose another one.")
    return item


def test_a_refused_report_can_be_fixed_and_sent_again(context_without_sw, live_db):
    page = context_without_sw.new_page()
    word = marker()
    item = queue_a_report_with_a_removed_category(page, context_without_sw, word)
    assert reports_with(live_db, word) == []

    item.get_by_role("button", name="Edit").click()
    expect(page.get_by_role("heading", name="Fix the report and send it again")).to_be_visible()
    expect(page.get_by_label("Description")).to_have_value(f"Sign bent over {word}")
    page.get_by_role("radio", name="Damaged sign", exact=True).check()
    page.get_by_role("button", name="Save and send again").click()

    item = page.locator("#mine-list > li").first
    expect(item.get_by_text("Sent", exact=True)).to_be_visible()
    [report] = reports_with(live_db, word)
    assert report["category"] == "damaged_sign"


def test_a_refused_report_can_be_deleted(context_without_sw, live_db):
    page = context_without_sw.new_page()
    word = marker()
    item = queue_a_report_with_a_removed_category(page, context_without_sw, word)
    page.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("button", name="Delete").click()
    expect(page.locator("#mine-list > li")).to_have_count(0)
    expect(page.get_by_text("You have not made any report from this phone yet.")).to_be_visible()
    assert reports_with(live_db, word) == []


NORTH_SEA = {"latitude": 51.5, "longitude": 2.5, "accuracy": 12}
MAASTRICHT = {"latitude": 50.8514, "longitude": 5.691, "accuracy": 12}
# In the Netherlands, some 300 m north of Voeren's border.
NEAR_VOEREN = {"latitude": 50.785431, "longitude": 5.768052, "accuracy": 12}
VOEREN = {"fr": "Fourons/Voeren", "nl": "Voeren"}
# What the server says in English, never shown to a resident reading French or Dutch.
ENGLISH = re.compile(r"outside the area served|refused|Pavé covers", re.IGNORECASE)


def open_at(context, place: dict) -> Page:
    """A new page where the phone is at `place` (a page keeps the position it found a minute)."""
    context.set_geolocation(place)
    page = context.new_page()
    open_app(page)
    return page


def near_voeren_text(table: dict, key: str, lang: str) -> re.Pattern:
    """The sentence of `key` naming Voeren, at whatever distance the boundaries put it."""
    before, _, after = table[key].partition("{distance}")
    after = after.replace("{name}", VOEREN[lang])
    return re.compile(re.escape(before) + r"\d{3}" + re.escape(after))


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_send_waits_for_a_place_in_a_commune_and_says_how_to_fix_it(browser, live_server, lang):
    table = strings(lang)
    context = new_context(browser, live_server, locale=LOCALES[lang], service_workers="block")
    try:
        for name, place in (("north-sea", NORTH_SEA), ("maastricht", MAASTRICHT)):
            page = open_at(context, place)
            fill_report_in(page, table, f"Far away {marker()}")
            expect(page.locator("#commune")).to_have_text(table["where.outside"])
            button = page.get_by_role("button", name=table["send"], exact=True)
            expect(button).to_be_disabled()
            blocked = page.locator("#send-blocked")
            expect(blocked).to_have_text(f"{table['send.outside']} {table['fix.place']}")
            screenshot(page, f"refused-before-sending-{name}-{lang}")
            page.close()

        # 300 m outside Voeren: the reason names the commune nearby, in the resident's words.
        page = open_at(context, NEAR_VOEREN)
        fill_report_in(page, table, f"By the border {marker()}")
        button = page.get_by_role("button", name=table["send"], exact=True)
        blocked = page.locator("#send-blocked")
        expect(blocked).to_contain_text(near_voeren_text(table, "send.outsideNear", lang))
        expect(blocked).to_contain_text(table["fix.place"])
        expect(button).to_be_disabled()
        assert_every_string_in(page, lang)
        screenshot(page, f"refused-before-sending-near-voeren-{lang}")

        # The fix it names: the commune, by its name.
        page.get_by_label(table["where.communeSearch"]).fill(VOEREN[lang].split("/")[0])
        page.locator("#commune-results button").first.click()
        expect(page.locator("#commune")).to_contain_text(VOEREN[lang].split("/")[0])
        expect(button).to_be_enabled()
        expect(blocked).to_be_hidden()
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_report_queued_offline_outside_belgium_shows_the_servers_refusal_in_its_language(
    browser, live_server, live_db, tmp_path, lang
):
    table = strings(lang)
    photo = camera_photo(tmp_path / "small.jpg", width=1600, height=1200)
    context = new_context(browser, live_server, locale=LOCALES[lang], service_workers="block")
    try:
        page = open_at(context, NEAR_VOEREN)
        word = marker()
        # Offline, the phone cannot check the place: Send stays possible.
        context.set_offline(True)
        fill_report_in(page, table, f"Hole by the border {word}")
        button = page.get_by_role("button", name=table["send"], exact=True)
        expect(button).to_be_enabled()
        button.click()
        status = page.get_by_role("status").filter(has_text=table["saved"])
        expect(status).to_be_visible()

        context.set_offline(False)
        status = page.locator("#send-status")
        expect(status).to_contain_text(table["send.refused"])
        expect(status).to_contain_text(near_voeren_text(table, "problem.outsideNear", lang))
        expect(status).to_contain_text(table["fix.place"])
        expect(status).not_to_contain_text(table["saved"])
        expect(status).not_to_contain_text(ENGLISH)
        assert_every_string_in(page, lang)
        screenshot(page, f"refused-after-sending-{lang}")
        assert reports_with(live_db, word) == []

        # My reports says the same, in the same words, without the server's English.
        page.get_by_role("link", name=table["nav.mine"]).click()
        item = page.locator("#mine-list > li").first
        expect(item.get_by_text(table["state.attention"], exact=True)).to_be_visible()
        expect(item).to_contain_text(near_voeren_text(table, "problem.outsideNear", lang))
        expect(item).to_contain_text(table["fix.place"])
        expect(item).not_to_contain_text(ENGLISH)
        assert_every_string_in(page, lang)
        screenshot(page, f"refused-after-sending-mine-{lang}")

        # Correcting it: the place can change, and photos can be added now.
        page.get_by_role("link", name=table["nav.new"]).click()
        page.get_by_role("link", name=table["send.fixNow"]).click()
        expect(page.get_by_role("heading", name=table["form.editHeading"])).to_be_visible()
        expect(page.get_by_role("button", name=table["sendAgain"])).to_be_disabled()
        expect(page.locator("#photo-camera")).to_be_enabled()
        expect(page.locator("#photo-gallery")).to_be_enabled()
        page.get_by_label(table["photos.take"]).set_input_files(str(photo))
        expect(page.locator("#photo-list img")).to_have_count(1)
        # Its way out is Cancel (it stays in My reports), never Start over (which clears it).
        expect(page.get_by_role("button", name=table["cancel"])).to_be_visible()
        expect(page.get_by_role("button", name=table["form.startOver"])).to_be_hidden()
        screenshot(page, f"refused-correcting-{lang}")
        page.get_by_label(table["where.communeSearch"]).fill(VOEREN[lang].split("/")[0])
        page.locator("#commune-results button").first.click()
        page.get_by_role("button", name=table["sendAgain"]).click()

        item = page.locator("#mine-list > li").first
        expect(item.get_by_text(table["state.sent"], exact=True)).to_be_visible()
        [report] = reports_with(live_db, word)
        assert (report["nis_code"], report["photos"]) == ("73109", 1)
        expect(item.get_by_role("img", name=table["mine.thumbnail"])).to_be_visible()
    finally:
        context.close()
