"""The crews' list and ticket screen on a phone, in fr and nl.

A card says which ticket it is (short reference, thumbnail), how old, how urgent and where,
in the crew's language, and a language switch redraws it at once. On the ticket, a posted
update is confirmed and its audience stays as chosen; a photo opens large inside the app.
Screenshots in var/screenshots/crew-list.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from tests.browser.contexts import new_context
from tests.browser.crew_helpers import (
    PASSWORD,
    add_photo,
    make_crew,
    open_staff,
    report_through_api,
    ticket_link,
)
from tests.browser.helpers import camera_photo, marker
from tests.browser.page_checks import assert_every_string_in, expect_image_shown, expected, strings

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots" / "crew-list"
BRUSSELS = {"fr": "Bruxelles", "nl": "Brussel"}
AGE = {"fr": "il y a 3 jours", "nl": "3 dagen geleden"}
OTHER = {"fr": "nl", "nl": "fr"}


def report_with_photo(live_server, description: str, photo: Path) -> str:
    """A resident's report and its photo, sent as the resident app sends them."""
    report_id = report_through_api(live_server, description)
    add_photo(live_server, report_id, photo.read_bytes())
    return report_id


@pytest.mark.parametrize(("locale", "lang"), [("fr-BE", "fr"), ("nl-BE", "nl")])
def test_the_list_card_and_the_ticket_screen(browser, live_server, live_db, tmp_path, locale, lang):
    table, other = strings(lang), strings(OTHER[lang])
    crew = make_crew(live_db, "commune-21004")
    word = marker()
    photo = camera_photo(tmp_path / "hole.jpg", width=1600, height=1200)
    report_id = report_with_photo(live_server, f"Trou profond {word}", photo)
    with live_db.begin() as conn:
        conn.execute(
            text(
                "UPDATE reports SET priority = 'high', created_at = now() - interval '3 days 2 hours' "
                "WHERE id = :id"
            ),
            {"id": report_id},
        )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = new_context(browser, live_server, locale=locale)
    try:
        page = context.new_page()
        open_staff(page)
        page.get_by_label(table["staff.login.email"]).fill(crew)
        page.get_by_label(table["staff.login.password"]).fill(PASSWORD)
        page.get_by_role("button", name=table["staff.login.submit"]).click()
        card = page.locator("#ticket-list > li").filter(has_text=word)
        ref = expected(table["staff.list.ref"], {"ref": report_id.replace("-", "")[:8]})
        expect(card).to_contain_text(ref)
        meta = {"age": AGE[lang], "priority": table["staff.priority.high"]}
        expect(card).to_contain_text(expected(table["staff.list.meta"], meta))
        expect(card.get_by_role("link")).to_contain_text(BRUSSELS[lang])
        thumbnail = card.get_by_role("img", name=table["staff.list.photo"])
        expect(thumbnail).to_be_visible()
        expect_image_shown(thumbnail)
        assert_every_string_in(page, lang)
        card.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / f"list-{lang}.png"))

        # The other language: the card follows at once, the commune's name too.
        page.locator("#lang").select_option(OTHER[lang])
        expect(card.get_by_role("link")).to_contain_text(BRUSSELS[OTHER[lang]])
        expect(card).to_contain_text(expected(other["staff.list.ref"], {"ref": ref[-8:]}))
        expect(page.get_by_role("heading", name=other["staff.list.heading"])).to_be_visible()
        page.locator("#lang").select_option(lang)
        expect(card.get_by_role("link")).to_contain_text(BRUSSELS[lang])

        ticket_link(page, word).click()
        expect(page.locator("#ticket-status")).to_contain_text(table["status.new"])
        public = page.get_by_label(table["staff.post.public"])
        public.check()
        page.get_by_label(table["staff.post.text"], exact=True).fill(f"On vient {word}")
        page.get_by_role("button", name=table["staff.post.submit"]).click()
        expect(page.locator("#update-done")).to_have_text(table["staff.post.donePublic"])
        expect(page.locator("#ticket-timeline li.update").first).to_contain_text(f"On vient {word}")
        expect(page.locator("#ticket-pending")).to_be_empty()
        # Still the audience chosen, after the post and after the redraws it caused.
        expect(public).to_be_checked()
        page.locator("#lang").select_option(OTHER[lang])
        expect(page.get_by_label(other["staff.post.public"])).to_be_checked()
        page.locator("#lang").select_option(lang)
        expect(public).to_be_checked()
        page.locator("#update-form").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / f"posted-{lang}.png"))

        # The photo opens large inside the app; Escape or the button closes it.
        opener = page.get_by_role("button", name=expected(table["staff.photo.open"], {"n": 1}))
        opener.click()
        viewer = page.get_by_role("dialog")
        expect(viewer).to_be_visible()
        large = viewer.get_by_role("img", name=expected(table["photos.alt"], {"n": 1}))
        expect(large).to_be_visible()
        expect_image_shown(large)
        assert page.url.endswith(f"#/t/{report_id}") and len(context.pages) == 1
        page.screenshot(path=str(SCREENSHOTS / f"photo-{lang}.png"))
        page.keyboard.press("Escape")
        expect(viewer).to_be_hidden()
        expect(opener).to_be_focused()
        opener.click()
        viewer.get_by_role("button", name=table["staff.photo.close"]).click()
        expect(viewer).to_be_hidden()
    finally:
        context.close()
    with live_db.connect() as conn:
        public_rows = conn.execute(
            text("SELECT public FROM report_updates WHERE report_id = :id"), {"id": report_id}
        ).scalars()
        assert list(public_rows) == [True]
