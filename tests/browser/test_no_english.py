"""No English left on a French, Dutch or German screen (issue 12, item 14).

Every screen is walked on a phone-size chromium whose browser asks for nl, fr or de: the
resident's form (with a commune search), My reports, About and privacy, the follow page as
reporter, as follower and on a confirmation link clicked twice, the crew's login, list,
ticket and team, and the dashboard. Whatever the person sees or hears (text, labels read
aloud, placeholders, the window's title) must not be a string of the English catalogue.

The English strings are read from pwa/src/i18n/en.json at run time, so a key added later is
checked too. A string the language writes the same way ("Pavé", "Status" in Dutch...) is
not English on that screen: those are skipped because the language's own catalogue holds
them. Screenshots in var/screenshots/no-english.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from tests.browser.contexts import new_context
from tests.browser.crew_helpers import (
    PASSWORD,
    make_crew,
    make_manager,
    report_through_api,
    ticket_link,
)
from tests.browser.follow_helpers import (
    ask_to_follow,
    email_links,
    move,
    open_follow,
    report_with_email,
)
from tests.browser.helpers import marker, open_app

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots" / "no-english"
LANGUAGES = ["nl", "fr", "de"]
BRUXELLES = "commune-21004"
OPERATOR = "Ville de Bruxelles, service Voirie"
# Words the same in English and in every language of ours, that a catalogue of another
# language does not happen to hold on its own: names and standard terms, not English.
SAME_EVERYWHERE = {
    "Pavé",  # the service's name
    "OK",
    "E-mail",  # written so in French, German and Dutch too
    "CSV",  # a file format, in the dashboard's downloads
    "GeoJSON",
}

# Everything shown or read aloud: visible text nodes, labels of elements, placeholders,
# titles, the selected option of each visible list, and the window's title.
SHOWN = """() => {
  const out = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (!parent || parent.closest('script, style, template, option')) continue;
    if (!parent.checkVisibility()) continue;
    const text = walker.currentNode.textContent.trim();
    if (text) out.push(text);
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (!el.checkVisibility()) continue;
    for (const name of ['aria-label', 'placeholder', 'title', 'alt']) {
      const value = el.getAttribute(name);
      if (value && value.trim()) out.push(value.trim());
    }
    if (el.matches('p, li, h1, h2, h3, label, button, a, legend, summary, td, th, dd, dt')) {
      const text = el.innerText.trim();
      if (text) out.push(text);
    }
    if (el.tagName === 'SELECT' && el.selectedOptions[0]) {
      out.push(el.selectedOptions[0].textContent.trim());
    }
  }
  return out;
}"""


def catalogue(lang: str) -> dict[str, str]:
    return json.loads((ROOT / "pwa" / "src" / "i18n" / f"{lang}.json").read_text("utf-8"))


def english_patterns(lang: str) -> list[tuple[str, re.Pattern, list[str]]]:
    """(key, the whole English string as a pattern, its long phrases) for each English
    string that the language does not write the same way."""
    own = set(catalogue(lang).values())
    patterns = []
    for key, value in catalogue("en").items():
        if value in own or value in SAME_EVERYWHERE:
            continue
        pieces = re.split(r"\{\w+\}", value)
        if sum(len(re.sub(r"\W", "", piece)) for piece in pieces) < 3:
            continue  # "{to}", "{name} ({role})": nothing English in it
        whole = re.compile(".+?".join(re.escape(piece.strip()) for piece in pieces))
        # A phrase of three words or more is English wherever it is, even inside a sentence.
        phrases = [p.strip(" :;,.") for p in pieces if len(p.split()) >= 3]
        patterns.append((key, whole, [p for p in phrases if p not in "\n".join(own)]))
    return patterns


def english_on(page: Page, lang: str) -> list[str]:
    shown = page.evaluate(SHOWN)
    # A title joins its parts with a dash ("Pavé — Crews"): each part is checked too.
    shown += [part for text in shown if " — " in text for part in text.split(" — ")]
    found = []
    for key, whole, phrases in english_patterns(lang):
        for seen in shown:
            if whole.fullmatch(seen) or any(phrase in seen for phrase in phrases):
                found.append(f"{key}: {seen!r}")
                break
    return found


def check(page: Page, lang: str, screen: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{screen}-{lang}.png"), full_page=True)
    assert english_on(page, lang) == [], f"English on the {screen} screen in {lang}"
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, screen


def test_the_check_finds_english_on_an_english_screen(browser, live_server):
    # The check means something only if it sees English where there is some.
    context = new_context(browser, live_server, locale="en-GB")
    try:
        page = context.new_page()
        open_app(page)
        found = english_on(page, "nl")
        assert any(line.startswith("form.heading:") for line in found)
        assert any(line.startswith("nav.privacy:") for line in found)
        page.goto("/staff/")
        expect(page.locator("body[data-ready='true']")).to_be_attached()
        assert page.title() == "Pavé — Crews"
        assert "staff.tagline: 'Crews'" in english_on(page, "de")
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_resident_screens_have_no_english(browser, live_server, lang):
    say = catalogue(lang)
    app_config = live_server.app.config
    app_config["OPERATOR_NAME"] = OPERATOR
    app_config["OPERATOR_CONTACT"] = "pave@bruxelles.example"
    context = new_context(browser, live_server, locale=f"{lang}-BE")
    try:
        page = context.new_page()
        open_app(page)
        expect(page.locator("#form-heading")).to_have_text(say["form.heading"])
        expect(page.locator("#category-groups input[name=category]").first).to_be_attached()
        check(page, lang, "form")

        # Sent empty: what is missing, in the language.
        page.locator("#send").click()
        expect(page.locator("#what-error")).to_be_visible()
        check(page, lang, "form-errors")

        # Placed by typing the commune: the results are counted in words, one or more.
        status = page.locator("#commune-search-status")
        page.locator("#commune-search").fill("Eupen")
        expect(status).to_have_text(say["where.communeFound.one"].replace("{n}", "1"))
        check(page, lang, "commune-search-one")
        page.locator("#commune-search").fill("Bruxelles")
        several = re.escape(say["where.communeFound.other"]).replace(r"\{n\}", r"[2-9]")
        expect(status).to_have_text(re.compile(several))
        check(page, lang, "commune-search")
        page.locator("#commune-results button").first.click()
        page.locator("#category-groups input[name=category][value=pothole]").check()
        page.locator("#description").fill(f"Trou {marker()}")
        page.locator("#send").click()
        expect(page.locator("#send-status")).not_to_be_empty()
        check(page, lang, "sent")

        page.locator("#nav-mine").click()
        expect(
            page.locator("#mine-list > li").first.get_by_text(say["state.sent"], exact=True)
        ).to_be_visible()
        check(page, lang, "my-reports")

        page.locator("#nav-privacy").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(say["privacy.heading"])
        operator = say["about.operator"].replace("{name}", OPERATOR)
        expect(page.locator("#about-operator")).to_have_text(operator)
        contact = page.get_by_role("link", name="pave@bruxelles.example")
        expect(contact).to_have_attribute("href", "mailto:pave@bruxelles.example")
        check(page, lang, "about")
    finally:
        app_config["OPERATOR_NAME"] = ""
        app_config["OPERATOR_CONTACT"] = ""
        context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_follow_pages_have_no_english(browser, live_server, live_db, lang):
    say = catalogue(lang)
    report_id = report_with_email(live_server, f"Trou {marker()}")
    follow_url, _ = email_links(live_db, report_id)
    confirm_url = ask_to_follow(live_server, live_db, report_id, f"{marker()}@example.org", lang)
    context = new_context(browser, live_server, locale=f"{lang}-BE")
    try:
        page = context.new_page()
        open_follow(page, follow_url)
        expect(page.locator("#follow-report")).to_be_visible()
        check(page, lang, "follow-reporter")

        open_follow(page, confirm_url)
        check(page, lang, "follow-confirm")
        page.get_by_role("button", name=say["follow.confirm.button"]).click()
        expect(page).to_have_url(re.compile(r"/follow/[A-Za-z0-9_-]{20,}$"))
        expect(page.locator("#follow-report")).to_be_visible()
        check(page, lang, "follow-follower")

        # The same confirmation link, clicked again from the email: told, and led on.
        open_follow(page, confirm_url)
        page.get_by_role("button", name=say["follow.confirm.button"]).click()
        expect(page.get_by_text(say["follow.confirm.already"])).to_be_visible()
        expect(page.get_by_role("button", name=say["follow.confirm.button"])).to_be_hidden()
        expect(page.get_by_role("link", name=say["follow.confirm.openApp"])).to_be_visible()
        check(page, lang, "follow-confirm-again")
        page.get_by_role("link", name=say["follow.confirm.openApp"]).click()
        expect(page.locator("#form-heading")).to_have_text(say["form.heading"])

        # Closed 400 days ago: the link has expired, and the day is said in the language.
        move(live_db, report_id, "acknowledged", "resolved")
        with live_db.begin() as conn:
            conn.execute(
                text(
                    "UPDATE report_status_changes SET at = at - interval '400 days' "
                    "WHERE report_id = :id AND to_status = 'resolved'"
                ),
                {"id": report_id},
            )
        open_follow(page, follow_url)
        expect(page.get_by_role("heading", name=say["follow.expired.heading"])).to_be_visible()
        closed_on = say["follow.expired.closedOn"].split("{date}")[0]
        expect(page.locator("#problem-detail")).to_contain_text(closed_on)
        expect(page.locator("#problem-detail")).not_to_contain_text(re.compile(r"\d{4}-\d\d-\d\d"))
        check(page, lang, "follow-expired")
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_crew_screens_have_no_english(browser, live_server, live_db, lang):
    say = catalogue(lang)
    word = marker()
    report_through_api(live_server, f"Trou {word}")
    manager = make_manager(live_db, BRUXELLES)
    make_crew(live_db, BRUXELLES)
    context = new_context(browser, live_server, locale=f"{lang}-BE")
    try:
        page = context.new_page()
        page.goto("/staff/")
        expect(page.locator("body[data-ready='true']")).to_be_attached()
        expect(page.locator("#login-heading")).to_be_visible()
        assert page.title() == f"Pavé — {say['staff.tagline']}"
        check(page, lang, "crew-login")
        page.locator("#login-email").fill(manager)
        page.locator("#login-password").fill("not the password")
        page.locator("#login-form button[type=submit]").click()
        expect(page.locator("#login-error")).to_have_text(say["staff.login.failed"])
        check(page, lang, "crew-login-failed")
        page.locator("#login-email").fill(manager)
        page.locator("#login-password").fill(PASSWORD)
        page.locator("#login-form button[type=submit]").click()
        expect(ticket_link(page, word)).to_be_visible()
        check(page, lang, "crew-list")

        ticket_link(page, word).click()
        expect(page.locator("#ticket-status")).to_contain_text(say["status.new"])
        expect(page.get_by_text(say["staff.history.received"])).to_be_visible()
        check(page, lang, "crew-ticket")

        page.goto("/staff/#/team")
        expect(page.locator("#team-heading")).to_have_text(say["staff.team.heading"])
        expect(page.locator("#team-list > li").first).to_be_visible()
        check(page, lang, "crew-team")
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_dashboard_has_no_english(browser, live_server, lang):
    context = new_context(browser, live_server, locale=f"{lang}-BE")
    try:
        page = context.new_page()
        page.goto("/dashboard/?region=brussels")
        expect(page.locator("body[data-figures='loaded']")).to_be_attached()
        expect(page).to_have_title(f"Pavé — {catalogue(lang)['dashboard.tagline']}")
        check(page, lang, "dashboard")
    finally:
        context.close()
