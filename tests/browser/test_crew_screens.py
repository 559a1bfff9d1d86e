"""Crews on a phone: log in, take a ticket of their commune from new to resolved, transfer one."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.contexts import new_context
from tests.browser.crew_helpers import (
    change_status,
    history_of,
    log_in,
    make_crew,
    report_through_api,
    ticket_link,
    ticket_row,
)
from tests.browser.helpers import camera_photo, marker
from tests.browser.page_checks import box_of

pytestmark = pytest.mark.slow

BRUXELLES = "commune-21004"
IXELLES = "commune-21009"


def test_a_crew_member_takes_a_ticket_from_new_to_resolved_with_an_after_photo(
    context, live_server, live_db, tmp_path
):
    crew = make_crew(live_db, BRUXELLES)
    word = marker()
    report_id = report_through_api(live_server, f"Hole near the fountain {word}")
    photo = camera_photo(tmp_path / "after.jpg", width=1600, height=1200)
    page = context.new_page()

    log_in(page, crew)
    ticket_link(page, word).click()
    expect(page.locator("#ticket-status")).to_have_text("Status: new")

    change_status(page, "Acknowledge", note="Seen, a crew will come")
    expect(page.locator("#ticket-status")).to_have_text("Status: acknowledged")

    planned = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    change_status(page, "Plan", **{"Planned for": planned})
    expect(page.locator("#ticket-status")).to_have_text("Status: planned")

    page.get_by_label("New status").select_option(label="Resolve")
    page.get_by_label('Add an "after" photo').set_input_files(str(photo))
    expect(page.get_by_text("1 photo will be sent with the change.")).to_be_visible()
    change_status(page, "Resolve", note="Filled with asphalt")
    expect(page.locator("#ticket-status")).to_have_text("Status: resolved")
    expect(page.locator("#ticket-photos img")).to_have_count(1)
    expect(page.get_by_text("No status change is possible from here.")).to_be_hidden()

    # After the report's own first row: each change once, with the crew's notes.
    assert history_of(live_db, report_id)[1:] == [
        ("new", "acknowledged", "Seen, a crew will come"),
        ("acknowledged", "planned", None),
        ("planned", "resolved", "Filled with asphalt"),
    ]
    row = ticket_row(live_db, report_id)
    assert (row["status"], row["planned_for"].isoformat(), row["photos"]) == (
        "resolved",
        planned,
        1,
    )


def test_a_transferred_ticket_leaves_my_list_and_reaches_the_other_commune(
    browser, context, live_server, live_db
):
    mine = make_crew(live_db, BRUXELLES)
    theirs = make_crew(live_db, IXELLES)
    word = marker()
    report_id = report_through_api(live_server, f"Not ours, it is in Ixelles {word}")
    page = context.new_page()

    log_in(page, mine)
    ticket_link(page, word).click()
    change_status(
        page,
        "Transfer",
        **{
            "Transfer to (name of the commune or body)": "21009",
            "Reason (told to the person who reported it)": "The street belongs to Ixelles",
        },
    )
    expect(
        page.get_by_text("Transferred to 21009: this ticket is no longer in your list.")
    ).to_be_visible()
    back = page.get_by_role("link", name="Back to my tickets")
    assert box_of(back)["height"] >= 44  # a finger's target, not a line of text
    back.click()
    expect(page.get_by_text(re.compile(r"^\d+ tickets?\.$"))).to_be_visible()
    expect(ticket_link(page, word)).to_have_count(0)

    other = new_context(browser, live_server)
    try:
        their_page = other.new_page()
        log_in(their_page, theirs)
        ticket_link(their_page, word).click()
        expect(their_page.locator("#ticket-status")).to_have_text("Status: transferred")
        expect(their_page.get_by_text("The street belongs to Ixelles")).to_be_visible()
    finally:
        other.close()

    assert ticket_row(live_db, report_id)["body"] == IXELLES
    assert history_of(live_db, report_id)[-1][:2] == ("new", "transferred")
