"""The report form on a phone keeps what the resident gave across a reload, gives it up in one
tap (Start over, after a question) with its draft, and refuses at once a file that is not a
photo, beside the photo buttons, in the resident's language.

Screenshots in /tmp/shots-ra.
"""

from __future__ import annotations

import uuid
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
from tests.browser.page_checks import assert_every_string_in, expect_image_shown, strings

pytestmark = pytest.mark.slow

SHOTS = Path("/tmp/shots-ra")


def phone_in(browser, live_server, lang: str):
    """A phone's context in the language, and its page on the app's form."""
    context = new_context(browser, live_server, locale=LOCALES[lang])
    page = context.new_page()
    open_app(page)
    return context, page


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_reload_keeps_the_report_being_written_until_it_is_sent(
    browser, live_server, tmp_path, lang
):
    table = strings(lang)
    context, page = phone_in(browser, live_server, lang)
    page.get_by_label(table["photos.take"]).set_input_files(
        str(camera_photo(tmp_path / "photo.jpg", 1200, 900))
    )
    expect(page.locator("#photo-list img")).to_have_count(1)
    page.get_by_role("button", name=table["where.useMine"]).click()
    where = table["where.position"].replace("{m}", "12")
    expect(page.locator("#where-status")).to_have_text(where)
    page.locator("input[name='category'][value='pothole']").check()
    open_details(page)
    word = marker()
    page.get_by_label(table["details.description"]).fill(f"Trou profond {word}")
    wait_for_draft(page, word)

    page.reload()
    expect(page.locator("body[data-ready='true']")).to_be_attached()
    expect(page.get_by_label(table["details.description"])).to_have_value(f"Trou profond {word}")
    expect(page.locator("input[name='category'][value='pothole']")).to_be_checked()
    expect(page.locator("#photo-list img")).to_have_count(1)
    expect_image_shown(page.locator("#photo-list img"))
    kept = table["photos.kept.one"].replace("{n}", "1")
    expect(page.locator("#photo-status")).to_have_text(kept)
    expect(page.locator("#where-status")).to_have_text(where)
    shot(page, f"draft-after-reload-{lang}")

    page.get_by_role("button", name=table["send"], exact=True).click()
    expect(page.locator("#send-status")).not_to_be_empty()
    page.reload()
    expect(page.locator("body[data-ready='true']")).to_be_attached()
    expect(page.locator("input[name='category']").first).to_be_attached()
    expect(page.get_by_label(table["details.description"], exact=True)).to_have_value("")
    expect(page.locator("#photo-list li")).to_have_count(0)
    expect(page.locator("input[name='category']:checked")).to_have_count(0)
    expect(page.locator("#where-status")).to_have_text("")
    context.close()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_file_that_is_not_a_photo_is_refused_beside_the_photo_buttons(
    browser, live_server, tmp_path, lang
):
    table = strings(lang)
    context, page = phone_in(browser, live_server, lang)
    # A document given a photo's name: the phone calls it image/jpeg.
    fake = tmp_path / "facture.jpg"
    fake.write_text("Ceci est une facture, pas une photo.\n" * 50)
    page.get_by_label(table["photos.take"]).set_input_files(str(fake))
    refused = page.locator("#photo-status")
    expect(refused).to_have_text(table["photos.unreadable"])
    expect(refused).to_have_class("error")
    expect(refused).to_be_in_viewport()
    expect(page.locator("#photo-list li")).to_have_count(0)
    assert table["photos.unreadable"].startswith(
        {"fr": "Ce fichier n'est pas une photo", "nl": "Dit bestand is geen foto"}[lang]
    )
    shot(page, f"not-a-photo-{lang}")
    context.close()


# A report sent from this phone whose one photo the server refused as no photo (415).
SENT_WITH_REFUSED_PHOTO = """(id) => new Promise((resolve, reject) => {
  const open = indexedDB.open('pave');
  open.onsuccess = () => {
    const tx = open.result.transaction('reports', 'readwrite');
    tx.objectStore('reports').put({
      id, key: id, createdAt: Date.now(), lang: 'fr', state: 'sent', attempts: 1,
      nextAttemptAt: 0, lastError: null, problem: null, serverId: id, photoToken: null,
      followToken: null, thumbnail: null, result: null, sentAt: Date.now(),
      body: { category: 'pothole', location: { lat: 50.8467, lon: 4.3525, accuracy_m: 12 } },
      photos: [{ id: crypto.randomUUID(), type: 'image/jpeg', data: null, size: 10, sent: false,
                 rejected: { status: 415, type: null, title: 'Unsupported Media Type',
                             detail: null, errors: [], nearest_commune: null } }],
    });
    tx.oncomplete = () => { open.result.close(); resolve(true); };
    tx.onerror = () => reject(tx.error);
  };
})"""


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_photo_refused_after_sending_is_said_of_the_photo_in_plain_words(
    browser, live_server, lang
):
    table = strings(lang)
    context, page = phone_in(browser, live_server, lang)
    page.evaluate(SENT_WITH_REFUSED_PHOTO, str(uuid.uuid4()))
    open_app(page, "/#/mine")
    said = page.locator("#screen-mine").get_by_text(table["mine.photoRefused.notPhoto"])
    expect(said).to_be_visible()
    assert "415" not in page.locator("#screen-mine").inner_text()
    shot(page, f"mine-photo-refused-{lang}")
    context.close()


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
    context, page = phone_in(browser, live_server, lang)
    try:
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
