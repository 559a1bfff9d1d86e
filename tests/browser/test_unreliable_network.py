"""A server that goes down, and an answer lost on its way back: still one report each."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Route, expect

from tests.browser.helpers import fill_report, marker, open_app, reports_with, send

pytestmark = pytest.mark.slow


def first_item(page):
    page.get_by_role("link", name=re.compile("My reports")).click()
    return page.locator("#mine-list > li").first


def test_a_report_made_while_the_server_is_down_is_delivered_once_after_restart(
    context, live_server, live_db
):
    page = context.new_page()
    page.clock.install()
    open_app(page)
    word = marker()
    # The categories arrive from the server after start; they must be there before it stops.
    expect(page.get_by_role("radio", name="Fallen tree", exact=True)).to_be_visible()
    live_server.stop()
    try:
        fill_report(page, "Fallen tree", f"Tree across the road {word}")
        send(page)
        item = first_item(page)
        expect(item.get_by_text("Last attempt failed; next try soon.")).to_be_visible()
        assert reports_with(live_db, word) == []
        # The phone also retries by itself, 1 to 2 s after a failure, then 2 to 4 s...: its
        # clock stops here (a retry due meanwhile meets the server still down), or a retry
        # between the restart and the press would send the report and hide the button.
        page.clock.pause_at(page.evaluate("Date.now()") + 100)
    finally:
        live_server.start()
    # The press. A flush asked for while the failing one ran goes right after it, timer or
    # not (delivery-loop.js): when that one started just after the restart, it sent the
    # report first and the button went (a CI flake); the press then does nothing, and the
    # report must still arrive once.
    page.evaluate("document.getElementById('send-now')?.click()")
    expect(item.get_by_text("Sent", exact=True)).to_be_visible()
    [report] = reports_with(live_db, word)
    assert report["category"] == "fallen_tree"


def test_a_lost_answer_is_retried_and_returns_the_same_report(context_without_sw, live_db):
    page = context_without_sw.new_page()
    lost = []
    replayed = []

    def lose_the_first_answer(route: Route):
        if route.request.method == "POST" and not lost:
            # The request reaches the server, which commits; the phone never hears back.
            lost.append(route.fetch().status)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/v1/reports", lose_the_first_answer)
    page.on(
        "response",
        lambda response: (
            replayed.append(response.headers.get("idempotent-replayed"))
            if response.request.method == "POST"
            else None
        ),
    )
    open_app(page)
    word = marker()
    fill_report(page, "Damaged pavement", f"Loose paving stones {word}")
    send(page)
    item = first_item(page)
    expect(item.get_by_text("Sent", exact=True)).to_be_visible()

    assert lost == [201], "the server created the report the first time"
    assert replayed == ["true"], "the retry got the stored report back"
    [report] = reports_with(live_db, word)
    assert report["category"] == "damaged_pavement"
