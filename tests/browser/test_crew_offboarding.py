"""A commune manager deactivates a crew member from the crew screens, on a phone, in fr and nl.

The "My team" screen lists the accounts of the manager's body; deactivating asks once more,
then the crew member is out at once (the server ends their sessions and tokens).
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.browser.contexts import new_context
from tests.browser.crew_helpers import PASSWORD, make_crew, make_manager, open_staff
from tests.browser.page_checks import (
    assert_every_string_in,
    axe_violations,
    expected,
    strings,
)

pytestmark = pytest.mark.slow


BRUSSELS = {"fr": "Bruxelles", "nl": "Brussel"}


@pytest.mark.parametrize(("locale", "lang"), [("fr-BE", "fr"), ("nl-BE", "nl")])
def test_a_manager_deactivates_a_crew_member(browser, live_server, live_db, tmp_path, locale, lang):
    table = strings(lang)
    crew = make_crew(live_db, "commune-21004")
    manager = make_manager(live_db, "commune-21004")
    context = new_context(browser, live_server, locale=locale)
    try:
        page = context.new_page()
        open_staff(page)
        page.get_by_label(table["staff.login.email"]).fill(manager)
        page.get_by_label(table["staff.login.password"]).fill(PASSWORD)
        page.get_by_role("button", name=table["staff.login.submit"]).click()
        page.get_by_role("link", name=table["staff.nav.team"]).click()
        expect(page.get_by_role("heading", name=table["staff.team.heading"])).to_be_visible()

        account = page.locator("#team-list > li").filter(has_text=crew)
        expect(account).to_contain_text(table["staff.team.active"])
        expect(account).to_contain_text(
            expected(
                table["staff.team.grant"],
                # The body by its name in the screen's language, not its code.
                {"role": table["staff.role.crew_member"], "scope": BRUSSELS[lang]},
            )
        )
        assert axe_violations(page) == []
        account.get_by_role("button", name=table["staff.team.deactivate"], exact=True).click()
        expect(account).to_contain_text(
            expected(table["staff.team.confirm"], {"name": "Crew member"})
        )
        account.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / f"team-confirm-{lang}.png"))
        account.get_by_role("button", name=table["staff.team.confirmYes"]).click()

        done = expected(table["staff.team.doneDeactivate"], {"name": "Crew member"})
        expect(page.locator("#team-status")).to_have_text(done)
        expect(account).to_contain_text(table["staff.team.inactive"])
        expect(account.get_by_role("button", name=table["staff.team.deactivate"])).to_have_count(0)
        assert_every_string_in(page, lang)
        account.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / f"team-{lang}.png"), full_page=False)
    finally:
        context.close()
    with live_db.connect() as conn:
        active = conn.execute(
            text("SELECT active FROM users WHERE email = :email"), {"email": crew}
        ).scalar_one()
        audited = conn.execute(
            text(
                "SELECT count(*) FROM audit_log WHERE action = 'account.deactivate' "
                "AND after ->> 'email' = :email"
            ),
            {"email": crew},
        ).scalar_one()
    assert active is False and audited == 1


def test_a_crew_member_chooses_a_new_password_from_the_emailed_link(browser, live_server, live_db):
    """The link of a password reset opens the form; the new password logs in, once."""
    from app.accounts.offboarding import find_account, request_password_reset

    crew = make_crew(live_db, "commune-21004")
    with Session(live_db) as session, session.begin():
        _, token = request_password_reset(
            session, None, find_account(session, crew), dt.timedelta(hours=2)
        )
    table = strings("fr")
    context = new_context(browser, live_server, locale="fr-BE")
    try:
        page = context.new_page()
        page.goto(f"/staff/#reset={token}")
        expect(page.get_by_role("heading", name=table["staff.password.heading"])).to_be_visible()
        assert_every_string_in(page, "fr")
        page.get_by_label(table["staff.password.label"]).fill("court")
        page.get_by_role("button", name=table["staff.password.submit"]).click()
        expect(page.get_by_role("alert")).to_have_text(table["staff.password.weak"])

        page.get_by_label(table["staff.password.label"]).fill("un tout nouveau mot de passe")
        page.get_by_role("button", name=table["staff.password.submit"]).click()
        expect(page.get_by_role("heading", name=table["staff.list.heading"])).to_be_visible()
        assert "reset=" not in page.url

        # Used: said at once, with whom to ask (the command line made it: the manager).
        page.goto(f"/staff/#reset={token}")
        expect(page.get_by_text(table["staff.password.used"])).to_be_visible()
        expect(page.get_by_text(table["staff.password.askManager"])).to_be_visible()
        expect(page.get_by_label(table["staff.password.label"])).to_be_hidden()
    finally:
        context.close()
