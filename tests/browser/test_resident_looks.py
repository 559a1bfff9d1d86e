"""How the resident screens look on a phone, in fr and nl: the chosen category is marked by more
than a tint, a heading the app focuses shows no thick ring, and the follow page's way out of
the emails is quiet beside "Send the comment". Screenshots in /tmp/shots-ra.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.contexts import new_context
from tests.browser.follow_helpers import email_links, open_follow, report_with_email
from tests.browser.helpers import LOCALES, marker, open_app
from tests.browser.page_checks import box_of, strings

pytestmark = pytest.mark.slow

SHOTS = Path("/tmp/shots-ra")


def shot(page: Page, name: str, **options) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), **options)


def luminance(rgb: str) -> float:
    """The relative luminance (WCAG) of a computed "rgb(r, g, b)"."""
    channels = [int(c) / 255 for c in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


STYLE = """([el, pseudo, property]) => getComputedStyle(el, pseudo)[property]"""


def style(page: Page, selector: str, prop: str, pseudo: str | None = None) -> str:
    return page.evaluate(STYLE, [page.locator(selector).element_handle(), pseudo, prop])


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_chosen_category_has_a_check_mark_and_a_strong_border(browser, live_server, lang):
    context = new_context(browser, live_server, locale=LOCALES[lang])
    page = context.new_page()
    open_app(page)
    page.locator("input[name='category'][value='pothole']").check()
    chosen = ".tile:has(input[value='pothole'])"
    other = ".tile:has(input[value='graffiti'])"
    assert style(page, chosen, "borderTopWidth") == "3px"
    assert style(page, other, "borderTopWidth") == "1px"
    # Against the white page, the border stands out at least 3:1 (WCAG 1.4.11).
    border = luminance(style(page, chosen, "borderTopColor"))
    assert (1.05) / (border + 0.05) >= 3
    # The mark: a disc and a tick on the chosen tile only, whatever the colours.
    assert style(page, chosen, "content", "::after") == '""'
    assert style(page, other, "content", "::after") == "none"
    page.locator("#categories").scroll_into_view_if_needed()
    shot(page, f"tile-chosen-{lang}", clip=box_of(page.locator("#categories")))
    context.close()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_heading_focused_after_a_tap_shows_no_thick_ring(browser, live_server, lang):
    table = strings(lang)
    context = new_context(browser, live_server, locale=LOCALES[lang])
    page = context.new_page()
    open_app(page)
    page.get_by_role("link", name=table["nav.mine"]).tap()
    heading = page.locator("#mine-heading")
    expect(heading).to_be_focused()  # a screen reader still starts there
    assert style(page, "#mine-heading", "boxShadow") == "none"
    assert style(page, "#mine-heading", "outlineStyle") == "none"
    shot(page, f"heading-focus-{lang}")
    # From the keyboard, a thin line at most.
    page.get_by_role("link", name=table["nav.new"]).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#form-heading")).to_be_focused()
    assert style(page, "#form-heading", "boxShadow") == "none"
    assert float(style(page, "#form-heading", "outlineWidth").removesuffix("px")) <= 2
    context.close()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_stopping_the_emails_is_a_quiet_action_on_the_follow_page(
    browser, live_server, live_db, lang
):
    table = strings(lang)
    follow, _ = email_links(live_db, report_with_email(live_server, marker()))
    context = new_context(browser, live_server, locale=LOCALES[lang])
    page = context.new_page()
    open_follow(page, follow)
    stop = page.get_by_role("button", name=table["follow.unsubscribe.confirm"])
    send = page.get_by_role("button", name=table["follow.comment.send"])
    expect(stop).to_be_visible()
    assert stop.evaluate("(el) => getComputedStyle(el).backgroundColor") == "rgba(0, 0, 0, 0)"
    assert send.evaluate("(el) => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert box_of(stop)["width"] < box_of(send)["width"]
    assert box_of(stop)["height"] >= 44  # still a finger's target
    stop.scroll_into_view_if_needed()
    shot(page, f"follow-unsubscribe-{lang}", full_page=True)
    context.close()
