"""A neighbour who follows a report is not its reporter, and a comment waits for staff.

A phone-size journey in French and Dutch: the follower confirms from the email's link and
sees no "is it fixed?" question; the reporter comments and sees it marked as not yet public,
under a label that says who will read it. Screenshots are kept in the test's directory.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.contexts import new_context
from tests.browser.follow_helpers import (
    ask_to_follow,
    email_links,
    move,
    open_follow,
    report_with_email,
)
from tests.browser.helpers import marker
from tests.browser.page_checks import axe_violations

pytestmark = pytest.mark.slow

# Copies for a person to look at after a run (the test's own directory is pruned).
SHOTS = Path("/tmp/pave-follow-roles")

WORDS = {
    "fr": {
        "confirm": "Oui, suivre ce signalement",
        "status": "Statut",
        "label": "Seule l'administration lira votre commentaire\u202f; elle peut le publier.",
        "send": "Envoyer le commentaire",
        "not_public": "Pas encore public\u202f: seule l'administration le lit",
        "not_fixed": "Non, ce n'est pas réparé",
        "follow": "Suivre ce signalement",
        "followed": "Le signalement que vous suivez",
        "yours": "Votre signalement",
    },
    "nl": {
        "confirm": "Ja, deze melding volgen",
        "status": "Status",
        "label": "Alleen het bestuur leest uw opmerking; het kan ze publiceren.",
        "send": "Opmerking versturen",
        "not_public": "Nog niet openbaar: alleen het bestuur leest het",
        "not_fixed": "Nee, het is niet hersteld",
        "follow": "Deze melding volgen",
        "followed": "De melding die u volgt",
        "yours": "Uw melding",
    },
}


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_a_follower_confirms_and_the_reporters_comment_waits(
    browser, live_server, live_db, tmp_path, language
):
    words = WORDS[language]
    report_id = report_with_email(live_server, f"Hole {marker()}")
    confirm_url = ask_to_follow(
        live_server, live_db, report_id, f"{marker()}@example.org", language
    )
    context = new_context(browser, live_server, locale=f"{language}-BE")
    try:
        page = context.new_page()
        open_follow(page, confirm_url)
        button = page.get_by_role("button", name=words["confirm"])
        expect(button).to_be_visible()
        # Not theirs: neither the page nor its window speaks of "your report".
        expect(page.get_by_role("heading", level=1)).to_have_text(words["follow"])
        expect(page.locator("#follow-tagline")).to_have_text(words["followed"])
        expect(page.locator("body")).not_to_contain_text(words["yours"])
        page.screenshot(path=str(tmp_path / f"confirm-{language}.png"))
        button.click()
        expect(page).to_have_url(re.compile(r"/follow/[A-Za-z0-9_-]{20,}$"))
        expect(page.get_by_text(re.compile(words["status"]))).to_be_visible()
        # The commune says it is fixed: the reporter is asked, the follower is not.
        move(live_db, report_id, "acknowledged", "resolved")
        page.reload()
        expect(page.locator("body[data-ready='true']")).to_be_attached()
        expect(page.get_by_text(re.compile(words["status"]))).to_be_visible()
        # A follower is never asked whether it is fixed.
        expect(page.locator("#fixed-box")).to_be_hidden()
        expect(page.get_by_role("button", name=words["not_fixed"])).to_have_count(0)
        expect(page.locator("#follow-tagline")).to_have_text(words["followed"])
        expect(page.locator("body")).not_to_contain_text(words["yours"])
        assert page.title() == f"Pavé — {words['followed']}"
        assert axe_violations(page) == []
        page.screenshot(path=str(tmp_path / f"follower-{language}.png"), full_page=True)

        follow_url, _ = email_links(live_db, report_id)
        open_follow(page, follow_url)
        expect(page.get_by_role("button", name=words["not_fixed"])).to_be_visible()
        expect(page.locator("#follow-tagline")).to_have_text(words["yours"])
        assert page.title() == f"Pavé — {words['yours']}"
        field = page.get_by_label(words["label"])
        field.fill("Appelez-moi au 0470 12 34 56" if language == "fr" else "Bel me op 0470")
        page.get_by_role("button", name=words["send"]).click()
        expect(page.locator("#report-updates")).to_contain_text(words["not_public"])
        assert axe_violations(page) == []
        page.screenshot(path=str(tmp_path / f"reporter-{language}.png"), full_page=True)
    finally:
        context.close()
    SHOTS.mkdir(exist_ok=True)
    for shot in tmp_path.glob("*.png"):
        shutil.copy(shot, SHOTS / shot.name)
