"""Crews read a resident's comment first and publish it edited; a reason stays the reporter's
unless they tick "publish"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from tests.browser.crew_helpers import (
    change_status,
    comment,
    log_in,
    make_crew,
    small_phone,
    ticket_link,
)
from tests.browser.follow_helpers import email_links, report_with_email
from tests.browser.helpers import marker

pytestmark = pytest.mark.slow

BRUXELLES = "commune-21004"
SHOTS = Path("/tmp/pave-follow-roles")


def rows(engine, sql: str, report_id) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), {"id": report_id})]


def test_a_crew_member_publishes_a_residents_comment_edited(
    browser, live_server, live_db, tmp_path
):
    word = marker()
    report_id = report_with_email(live_server, f"Hole {word}")
    follow_url, _ = email_links(live_db, report_id)
    comment(live_server, follow_url, f"Call me on 0470 12 34 56 {word}")
    crew = make_crew(live_db, BRUXELLES)
    context, page = small_phone(browser, live_server)
    try:
        log_in(page, crew)
        ticket_link(page, word).click()
        item = page.locator("#ticket-timeline li").filter(has_text="0470")
        expect(item).to_contain_text("Resident's comment, not public yet")
        expect(item).to_contain_text("the person who reported it")
        # An empty text is not published, and the crew is told so, not left guessing.
        item.get_by_label("Text to publish").fill("   ")
        item.get_by_role("button", name="Publish this text").click()
        expect(item.get_by_role("alert")).to_have_text(
            "The text to publish is empty: write it first."
        )
        expect(item.get_by_label("Text to publish")).to_be_focused()
        assert rows(
            live_db, "SELECT public FROM report_updates WHERE report_id = :id", report_id
        ) == [(False,)]
        item.get_by_label("Text to publish").fill(f"Still there {word}")
        expect(item.get_by_text("The text to publish is empty: write it first.")).to_have_count(0)
        page.screenshot(path=str(tmp_path / "crew-publish-en.png"), full_page=True)
        item.get_by_role("button", name="Publish this text").click()
        published = page.locator("#ticket-timeline li").filter(has_text=f"Still there {word}")
        expect(published).to_contain_text("Public update")
        assert rows(
            live_db, "SELECT body, public FROM report_updates WHERE report_id = :id", report_id
        ) == [(f"Still there {word}", True)]

        change_status(
            page,
            "Reject",
            **{"Reason (told to the person who reported it)": f"Private land of Mr X {word}"},
        )
        expect(page.locator("#ticket-status")).to_have_text("Status: rejected")
        assert rows(
            live_db,
            "SELECT reason_public FROM report_status_changes "
            "WHERE report_id = :id AND to_status = 'rejected'",
            report_id,
        ) == [(False,)]
        expect(page.get_by_text("Reason told to the reporter only")).to_be_visible()
    finally:
        context.close()
    SHOTS.mkdir(exist_ok=True)
    for shot in tmp_path.glob("*.png"):
        shutil.copy(shot, SHOTS / shot.name)
