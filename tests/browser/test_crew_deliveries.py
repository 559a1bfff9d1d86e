"""A commune manager sees the reports their body's own system did not take, and retries one;
a ticket says where it is handled. On a phone, in fr and nl: why a send failed is said in the
manager's language, the remote system's own words quoted apart, and no English sentence.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from tests.browser.contexts import new_context
from tests.browser.crew_helpers import make_manager, report_through_api, sign_in
from tests.browser.page_checks import (
    assert_every_string_in,
    axe_violations,
    box_of,
    expected,
    strings,
)

pytestmark = pytest.mark.slow

BRUSSELS = {"fr": "Bruxelles", "nl": "Brussel"}
SHOTS = Path("/tmp/shots-fixes")
REMOTE_WORDS = "Invalid api_key"
# The worker's line, as the sender records it (English, for the log and the administrators).
ERROR = f"403 from https://crm.bruxelles.example/open311/v2/: {REMOTE_WORDS}"
DELIVERY_SQL = text(
    """
    INSERT INTO report_deliveries (report_id, body_id, attempts, sent_at, failed_at,
                                   last_error, last_error_kind, last_error_status,
                                   last_error_detail, remote_id)
    SELECT r.id, r.body_id, 12, CASE WHEN :sent THEN now() END,
           CASE WHEN :sent THEN NULL ELSE now() END, CASE WHEN :sent THEN NULL ELSE :error END,
           :kind, :status, :detail, CASE WHEN :sent THEN '12345' END
    FROM reports r WHERE r.id = :id
    """
)
REFUSED = {"sent": False, "error": ERROR, "kind": "refused", "status": 403, "detail": REMOTE_WORDS}
# A send that failed before the kinds were recorded: its English line only.
EARLIER = {"sent": False, "error": "no answer from https://crm.example/ (ReadTimeout)"}
SENT = {"sent": True, "error": None}


@pytest.mark.parametrize(("locale", "lang"), [("fr-BE", "fr"), ("nl-BE", "nl")])
def test_a_manager_retries_a_failed_send_and_a_ticket_shows_its_reference(
    browser, live_server, live_db, tmp_path, locale, lang
):
    table = strings(lang)
    failed = report_through_api(live_server, f"Envoi refusé ({lang})")
    earlier = report_through_api(live_server, f"Envoi ancien ({lang})")
    sent = report_through_api(live_server, f"Envoi réussi ({lang})")
    unset = {"kind": None, "status": None, "detail": None}
    with live_db.begin() as db:
        db.execute(DELIVERY_SQL, {"id": failed, **REFUSED})
        db.execute(DELIVERY_SQL, {"id": earlier, **unset, **EARLIER})
        db.execute(DELIVERY_SQL, {"id": sent, **unset, **SENT})
    body = BRUSSELS[lang]
    refused = expected(table["staff.deliveryError.refused"], {"body": body, "status": 403})
    manager = make_manager(live_db, "commune-21004")
    context = new_context(browser, live_server, locale=locale)
    try:
        page = context.new_page()
        sign_in(page, manager)
        page.get_by_role("link", name=table["staff.nav.deliveries"]).click()
        expect(page.get_by_role("heading", name=table["staff.deliveries.heading"])).to_be_visible()
        # A manager's whole menu, the language beside the name: four rows, not five.
        assert box_of(page.locator("header"))["height"] <= 190
        ref = failed.replace("-", "")[:8]
        item = page.locator("#deliveries-list > li").filter(has_text=ref)
        # Why, in the manager's words; the remote's own words quoted apart, marked as its.
        expect(item.locator("p.state")).to_have_text(refused)
        expect(item.locator("q[data-remote]")).to_have_text(REMOTE_WORDS)
        expect(item).to_contain_text(table["staff.deliveryError.remoteSaid"])
        to = expected(table["staff.deliveries.to"], {"body": body})
        expect(item).to_contain_text(to)
        # An earlier failure, recorded without its kind, is said without its English line.
        older = page.locator("#deliveries-list > li").filter(has_text=earlier.replace("-", "")[:8])
        unknown = expected(table["staff.deliveryError.unknown"], {"body": body})
        expect(older.locator("p.state")).to_have_text(unknown)
        shown = page.locator("#deliveries-list").inner_text()
        assert "403 from" not in shown and "no answer" not in shown
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert axe_violations(page) == []
        assert_every_string_in(page, lang)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"deliveries-{lang}.png"), full_page=True)

        # The ticket says it too, in the same words.
        page.goto(f"/staff/#/t/{failed}")
        facts = page.locator("#ticket-facts")
        expect(facts).to_contain_text(expected(table["staff.delivery.failed"], {"error": refused}))
        expect(facts.locator("q[data-remote]")).to_have_text(REMOTE_WORDS)
        assert "403 from" not in facts.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(SHOTS / f"ticket-failed-{lang}.png"), full_page=True)
        page.get_by_role("link", name=table["staff.nav.deliveries"]).click()
        item.get_by_role("button", name=table["staff.deliveries.retry"]).click()
        queued_text = expected(table["staff.deliveries.queued"], {"ref": ref})
        expect(page.locator("#deliveries-status")).to_have_text(queued_text)
        expect(item).to_have_count(0)
        page.screenshot(path=str(tmp_path / f"deliveries-retried-{lang}.png"))

        page.goto(f"/staff/#/t/{sent}")
        where = expected(table["staff.delivery.sent"], {"body": BRUSSELS[lang], "ref": "12345"})
        expect(page.locator("#ticket-facts")).to_contain_text(where)
        page.screenshot(path=str(tmp_path / f"ticket-delivery-{lang}.png"))
    finally:
        context.close()
        with live_db.begin() as db:
            queued = db.execute(
                text("SELECT failed_at, attempts FROM report_deliveries WHERE report_id = :id"),
                {"id": failed},
            ).one()
            audited = db.execute(
                text(
                    "SELECT count(*) FROM audit_log WHERE action = 'delivery_retry' "
                    "AND report_id = :id"
                ),
                {"id": failed},
            ).scalar_one()
            db.execute(
                text("DELETE FROM report_deliveries WHERE report_id IN (:a, :b, :c)"),
                {"a": failed, "b": sent, "c": earlier},
            )
    assert queued.failed_at is None and queued.attempts == 0 and audited == 1
