"""What every screen is checked for: each string in the asked language, and no axe violation."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from playwright.sync_api import FloatRect, Locator, Page

PWA = Path(__file__).resolve().parents[2] / "pwa"


AXE = PWA / "node_modules" / "axe-core" / "axe.min.js"


# Every element that shows a string names it; its text must be that string in the language.
VISIBLE_STRINGS = """() => [...document.querySelectorAll('[data-i18n]')]
  .filter((el) => el.checkVisibility() && el.textContent.trim())
  .map((el) => ({
    key: el.dataset.i18n,
    vars: el.dataset.i18nVars ? JSON.parse(el.dataset.i18nVars) : {},
    text: el.textContent,
  }))"""


def strings(lang: str) -> dict[str, str]:
    return json.loads((PWA / "src" / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))


def expected(template: str, variables: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(variables.get(m.group(1), "")), template)


def template(table: dict[str, str], lang: str, key: str, variables: dict) -> str:
    """The string of `key`; a count's in the plural form of `n` (French counts 0 as one)."""
    if key in table:
        return table[key]
    n = variables.get("n")
    one = n is not None and (int(n) in (0, 1) if lang == "fr" else int(n) == 1)
    return table[f"{key}.one"] if one else table[f"{key}.other"]


def assert_every_string_in(page: Page, lang: str) -> None:
    table = strings(lang)
    shown = page.evaluate(VISIBLE_STRINGS)
    assert shown, "the screen shows translated strings"
    wrong = [
        s
        for s in shown
        if s["text"] != expected(template(table, lang, s["key"], s["vars"]), s["vars"])
    ]
    assert wrong == []


def axe_violations(page: Page) -> list[str]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        # Evaluated by the test's own channel: the page's CSP rightly refuses an added inline
        # <script>, as it would any script a page did not come with.
        page.evaluate(f"{AXE.read_text()}\n;undefined")
    return page.evaluate(
        """async () => (await axe.run(document)).violations.map(
            (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)"""
    )


def expect_image_shown(image: Locator) -> None:
    """The picture itself arrived and decoded: not an empty frame, not a broken icon.

    A visible <img> may still be loading; wait for it (Playwright's default timeout)
    rather than read `complete` once, which races the photo's download.
    """
    image.page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )


def box_of(target: Locator) -> FloatRect:
    """Where the element is drawn, once it is: never None because a list re-rendered.

    `bounding_box()` answers None when the element it found is replaced before it is
    measured (a screen refreshing its list from the server); ask again, as a person's eye
    would find the new one, within Playwright's default timeout.
    """
    deadline = time.monotonic() + 30
    while (box := target.bounding_box()) is None:
        assert time.monotonic() < deadline, f"{target} is never drawn"
        target.page.wait_for_timeout(50)
    return box
