"""A crew member held back by the login backoff is told how long to wait, in their language."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.contexts import new_context
from tests.browser.crew_helpers import make_crew, open_staff
from tests.browser.page_checks import assert_every_string_in, strings

pytestmark = pytest.mark.slow


def test_too_many_failures_say_how_many_minutes_to_wait(browser, live_server, live_db):
    crew = make_crew(live_db, "commune-21004")
    context = new_context(browser, live_server, locale="fr-BE")
    try:
        page = context.new_page()
        open_staff(page)
        error = page.locator("#login-error")
        failed = strings("fr")["staff.login.failed"]
        for _ in range(5):
            page.locator("#login-email").fill(crew)
            page.locator("#login-password").fill("not the password at all")
            with page.expect_response("**/api/v1/auth/login") as answer:
                page.locator("#login-form button[type=submit]").click()
            assert answer.value.status == 401
            expect(error).to_have_text(failed)

        with page.expect_response("**/api/v1/auth/login") as answer:
            page.locator("#login-form button[type=submit]").click()

        assert answer.value.status == 429
        wait = int(answer.value.headers["retry-after"])
        minutes = -(-wait // 60)
        told = strings("fr")["staff.login.tooMany"].replace("{minutes}", str(minutes))
        expect(error).to_have_text(told)
        assert_every_string_in(page, "fr")
    finally:
        context.close()
