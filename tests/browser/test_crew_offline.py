"""Crews offline: the list stays readable, and a status change is delivered exactly once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.crew_helpers import (
    change_status,
    history_of,
    log_in,
    make_crew,
    open_staff,
    report_through_api,
    ticket_link,
    ticket_row,
)
from tests.browser.helpers import marker, wait_for_service_worker

pytestmark = pytest.mark.slow

BRUXELLES = "commune-21004"


def test_a_change_made_offline_is_delivered_once_when_the_network_returns(
    context, live_server, live_db
):
    crew = make_crew(live_db, BRUXELLES)
    word = marker()
    report_id = report_through_api(live_server, f"Loose paving stone {word}")
    page = context.new_page()
    log_in(page, crew)
    wait_for_service_worker(page)
    ticket_link(page, word).click()
    expect(page.locator("#ticket-status")).to_have_text("Status: new")
    page.get_by_role("link", name="Back to my tickets").click()

    # Chromium's offline emulation does not always hold back the service worker's own
    # requests (Background Sync); with the server stopped too, nothing can get through.
    context.set_offline(True)
    live_server.stop()
    try:
        page.reload()
        expect(page.locator("body[data-ready='true']")).to_be_attached()
        expect(page.get_by_text("You are offline")).to_be_visible()
        expect(page.get_by_text("Offline copy from")).to_be_visible()
        ticket_link(page, word).click()
        expect(page.get_by_text("Offline copy: it may have changed since.")).to_be_visible()
        change_status(page, "Acknowledge", note="Acknowledged from the tunnel")
        expect(page.get_by_text('Change to "acknowledged" saved on this phone')).to_be_visible()
        page.close()
        assert ticket_row(live_db, report_id)["status"] == "new"

        page = context.new_page()
        open_staff(page)
        expect(page.get_by_text("1 change saved on this phone")).to_be_visible()
    finally:
        live_server.start()
    context.set_offline(False)
    expect(page.get_by_text(re.compile(r"changes? saved on this phone"))).to_be_hidden()
    ticket_link(page, word).click()
    expect(page.locator("#ticket-status")).to_have_text("Status: acknowledged")

    assert history_of(live_db, report_id)[1:] == [
        ("new", "acknowledged", "Acknowledged from the tunnel")
    ]


def test_a_change_whose_answer_was_lost_is_not_applied_twice(
    context_without_sw, live_server, live_db
):
    """The server applies the change but the phone never hears back; the retry must not
    apply it again: it meets a stale If-Match (412), and the phone sees that the ticket
    already has the status it asked for."""
    crew = make_crew(live_db, BRUXELLES)
    word = marker()
    report_id = report_through_api(live_server, f"Sunken drain cover {word}")
    attempts = []

    def lose_first_answer(route):
        attempts.append(route.request.headers.get("if-match"))
        if len(attempts) == 1:
            route.fetch()  # the server applies the change...
            route.abort("connectionreset")  # ...and its answer never reaches the phone
        else:
            route.continue_()

    page = context_without_sw.new_page()
    page.route("**/api/v1/staff/tickets/*/transitions", lose_first_answer)
    log_in(page, crew)
    ticket_link(page, word).click()
    change_status(page, "Acknowledge")
    expect(page.locator("#ticket-status")).to_have_text("Status: acknowledged")
    expect(page.locator("#ticket-pending")).to_be_empty()

    assert len(attempts) == 2 and attempts[0] == attempts[1]
    assert [row[:2] for row in history_of(live_db, report_id)[1:]] == [("new", "acknowledged")]
