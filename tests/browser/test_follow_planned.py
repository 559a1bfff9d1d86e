"""A planned ticket that is reopened: its follow page no longer promises the planned day, and
its history says for when the work had been planned, in the reader's language (390x844)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from app.tickets.services import transition
from tests.browser.contexts import new_context
from tests.browser.follow_helpers import CREW, email_links, open_follow, report_with_email
from tests.browser.helpers import marker

pytestmark = pytest.mark.slow

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "follow-planned"
# As the resident reads them: the page's promise, its history line, the words of the status.
SEEN = {
    "fr": {
        "promise": "Intervention prévue le 8 décembre 2026",
        "history": "Date de l'intervention\u202f: 8 décembre 2026",
        "reopened": "Statut\u202f: rouvert",
        "gone": "prévue le",
    },
    "nl": {
        "promise": "Ingepland op 8 december 2026",
        "history": "Datum van de werken: 8 december 2026",
        "reopened": "Status: heropend",
        "gone": "Ingepland op",
    },
}


def _move(live_db, report_id, *steps) -> None:
    with Session(live_db) as session:
        for status, extra in steps:
            transition(session, report_id, status, actor=CREW, **extra)
        session.commit()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_reopened_ticket_no_longer_says_when_it_is_planned(browser, live_server, live_db, lang):
    seen = SEEN[lang]
    report_id = report_with_email(live_server, f"Hole {marker()}")
    follow_url, _ = email_links(live_db, report_id)
    planned = {"planned_for": dt.date(2026, 12, 8)}
    _move(live_db, report_id, ("acknowledged", {}), ("planned", planned))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = new_context(browser, live_server, locale=f"{lang}-BE")
    try:
        page = context.new_page()
        open_follow(page, follow_url)
        expect(page.locator("#report-facts")).to_contain_text(seen["promise"])
        expect(page.locator("#report-history")).to_contain_text(seen["history"])
        page.screenshot(path=str(SCREENSHOTS / f"planned-{lang}.png"), full_page=True)

        _move(live_db, report_id, ("resolved", {}), ("reopened", {}))
        page.reload()
        expect(page.locator("body[data-ready='true']")).to_be_attached()
        expect(page.get_by_text(seen["reopened"])).to_be_visible()
        expect(page.locator("main")).not_to_contain_text(seen["gone"])
        history = page.locator("#report-history")
        expect(history).to_contain_text(seen["history"])
        expect(history.get_by_text(seen["history"])).to_be_visible()
        text = page.locator("main").inner_text()
        assert "2026-12-08" not in text and "UTC" not in text
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(SCREENSHOTS / f"reopened-{lang}.png"), full_page=True)
    finally:
        context.close()
