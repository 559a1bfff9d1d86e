"""A resident who gives up the report being written clears it in one tap, after a question,
and the form stays empty after a reload: the draft is gone with it.

Screenshots in /tmp/shots-ra (start-over-*).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.contexts import new_context
from tests.browser.helpers import (
    LOCALES,
    camera_photo,
    marker,
    open_app,
    open_details,
    wait_for_draft,
)
from tests.browser.page_checks import assert_every_string_in, strings

pytestmark = pytest.mark.slow

SHOTS = Path("/tmp/shots-ra")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def expect_empty_form(page: Page, table: dict) -> None:
    expect(page.get_by_label(table["details.description"], exact=True)).to_have_value("")
    expect(page.locator("#photo-list li")).to_have_count(0)
    expect(page.locator("input[name='category']:checked")).to_have_count(0)
    expect(page.locator("#where-status")).to_have_text("")
    expect(page.get_by_role("button", name=table["form.startOver"])).to_be_hidden()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_start_over_clears_the_report_being_written_and_its_draft(
    browser, live_server, tmp_path, lang
):
    table = strings(lang)
    context = new_context(browser, live_server, locale=LOCALES[lang])
    try:
        page = context.new_page()
        open_app(page)
        start_over = page.get_by_role("button", name=table["form.startOver"])
        # An empty form has nothing to clear: the button is not offered.
        expect(page.locator("input[name='category']").first).to_be_attached()
        expect(start_over).to_be_hidden()

        page.get_by_label(table["photos.take"]).set_input_files(
            str(camera_photo(tmp_path / "photo.jpg", 1200, 900))
        )
        expect(page.locator("#photo-list img")).to_have_count(1)
        expect(start_over).to_be_visible()
        page.get_by_role("button", name=table["where.useMine"]).click()
        expect(page.locator("#where-status")).not_to_be_empty()
        page.locator("input[name='category'][value='pothole']").check()
        open_details(page)
        word = marker()
        page.get_by_label(table["details.description"]).fill(f"Trou {word}")
        wait_for_draft(page, word)

        # Back the next day: the draft is there, and so is the way to give it up.
        page.reload()
        expect(page.locator("body[data-ready='true']")).to_be_attached()
        description = page.get_by_label(table["details.description"], exact=True)
        expect(description).to_have_value(f"Trou {word}")
        expect(start_over).to_be_visible()
        shot(page, f"start-over-offered-{lang}")

        # The question is asked in the resident's language; "no" keeps everything.
        asked: list[str] = []

        def answer(dialog, accept: bool) -> None:
            asked.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        page.once("dialog", lambda dialog: answer(dialog, accept=False))
        start_over.click()
        expect(description).to_have_value(f"Trou {word}")
        expect(page.locator("#photo-list img")).to_have_count(1)
        assert asked == [table["form.confirmStartOver"]]

        page.once("dialog", lambda dialog: answer(dialog, accept=True))
        start_over.click()
        expect(page.locator("#form-status")).to_have_text(table["form.startedOver"])
        expect_empty_form(page, table)
        expect(page.locator("#form-heading")).to_be_focused()
        assert asked == [table["form.confirmStartOver"]] * 2
        assert_every_string_in(page, lang)
        shot(page, f"start-over-done-{lang}")

        # The draft went with it: a reload brings nothing back.
        page.reload()
        expect(page.locator("body[data-ready='true']")).to_be_attached()
        expect(page.locator("input[name='category']").first).to_be_attached()
        expect_empty_form(page, table)
    finally:
        context.close()
