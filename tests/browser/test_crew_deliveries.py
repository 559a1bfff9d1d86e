"""A commune manager sees the reports their body's own system did not take, and retries one;
a ticket says where it is handled. On a phone, in fr and nl.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from tests.browser.contexts import new_context
from tests.browser.crew_helpers import make_manager, report_through_api, sign_in
from tests.browser.page_checks import assert_every_string_in, axe_violations, expected, strings

pytestmark = pytest.mark.slow

BRUSSELS = {"fr": "Bruxelles", "nl": "Brussel"}
ERROR = "403 from https://crm.bruxelles.example/open311/v2/: Invalid api_key"
DELIVERY_SQL = text(
    """
    INSERT INTO report_deliveries (report_id, body_id, attempts, sent_at, failed_at,
                                   last_error, remote_id)
    SELECT r.id, r.body_id, 12, CASE WHEN :sent THEN now() END,
           CASE WHEN :sent THEN NULL ELSE now() END, CASE WHEN :sent THEN NULL ELSE :error END,
           CASE WHEN :sent THEN '12345' END
    FROM reports r WHERE r.id = :id
    """
)


@pytest.mark.parametrize(("locale", "lang"), [("fr-BE", "fr"), ("nl-BE", "nl")])
def test_a_manager_retries_a_failed_send_and_a_ticket_shows_its_reference(
    browser, live_server, live_db, tmp_path, locale, lang
):
    table = strings(lang)
    failed = report_through_api(live_server, f"Envoi refusé ({lang})")
    sent = report_through_api(live_server, f"Envoi réussi ({lang})")
    with live_db.begin() as db:
        db.execute(DELIVERY_SQL, {"id": failed, "sent": False, "error": ERROR})
        db.execute(DELIVERY_SQL, {"id": sent, "sent": True, "error": None})
    manager = make_manager(live_db, "commune-21004")
    context = new_context(browser, live_server, locale=locale)
    try:
        page = context.new_page()
        sign_in(page, manager)
        page.get_by_role("link", name=table["staff.nav.deliveries"]).click()
        expect(page.get_by_role("heading", name=table["staff.deliveries.heading"])).to_be_visible()
        ref = failed.replace("-", "")[:8]
        item = page.locator("#deliveries-list > li").filter(has_text=ref)
        expect(item).to_contain_text(ERROR)
        to = expected(table["staff.deliveries.to"], {"body": BRUSSELS[lang]})
        expect(item).to_contain_text(to)
        assert axe_violations(page) == []
        assert_every_string_in(page, lang)
        page.screenshot(path=str(tmp_path / f"deliveries-{lang}.png"))
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
                text("DELETE FROM report_deliveries WHERE report_id IN (:a, :b)"),
                {"a": failed, "b": sent},
            )
    assert queued.failed_at is None and queued.attempts == 0 and audited == 1
