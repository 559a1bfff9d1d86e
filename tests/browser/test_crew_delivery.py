"""A commune manager connects their commune to its own Open311 server, on a phone, in fr and nl.

The "Delivery" screen shows how the body receives its reports; a refused address is explained
in the manager's language next to its field, the API key is a password field that is never
shown again ("a key is set"), and each category gets the remote's service code.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.browser.contexts import new_context
from tests.browser.crew_helpers import PASSWORD, make_manager, sign_in
from tests.browser.page_checks import assert_every_string_in, axe_violations, strings

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BRUSSELS = {"fr": "Bruxelles", "nl": "Brussel"}
POTHOLE = {"fr": "Nid-de-poule", "nl": "Put in de weg"}
API_KEY = "cle-secrete-de-test-0042"


def problems(lang: str) -> dict[str, str]:
    return json.loads((ROOT / "app" / "problems" / f"{lang}.json").read_text(encoding="utf-8"))


def reset_bruxelles(engine) -> None:
    """The live database is shared by the browser tests: Bruxelles goes back to its default."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "DELETE FROM body_open311 WHERE body_id = "
                "(SELECT id FROM bodies WHERE code = 'commune-21004')"
            )
        )
        conn.execute(
            text("UPDATE bodies SET delivery_method = 'pave' WHERE code = 'commune-21004'")
        )


def stored(engine, manager: str) -> tuple:
    """Bruxelles' method, endpoint, codes and encrypted key; the key settings `manager` audited."""
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT b.delivery_method, o.endpoint, o.service_codes, o.api_key_encrypted, "
                "(SELECT count(*) FROM audit_log a WHERE a.action = 'delivery_settings' "
                " AND a.after ->> 'body' = 'commune-21004' AND a.after ->> 'api_key' = 'set' "
                " AND a.actor_user_id = (SELECT id FROM users WHERE email = :manager)) "
                "FROM bodies b LEFT JOIN body_open311 o ON o.body_id = b.id "
                "WHERE b.code = 'commune-21004'"
            ),
            {"manager": manager},
        ).one()


@pytest.mark.parametrize(("locale", "lang"), [("fr-BE", "fr"), ("nl-BE", "nl")])
def test_a_manager_connects_their_commune_to_its_open311_server(
    browser, live_server, live_db, tmp_path, locale, lang
):
    table, server = strings(lang), problems(lang)
    manager = make_manager(live_db, "commune-21004")
    reset_bruxelles(live_db)
    context = new_context(browser, live_server, locale=locale)
    try:
        page = context.new_page()
        sign_in(page, manager)
        page.get_by_role("link", name=table["staff.nav.delivery"]).click()
        expect(page.get_by_role("heading", name=table["staff.delivery.heading"])).to_be_visible()
        expect(page.get_by_role("heading", name=BRUSSELS[lang])).to_be_visible()
        expect(page.get_by_text(table["staff.delivery.keyNone"])).to_be_hidden()

        page.get_by_label(table["staff.delivery.method"]).select_option("open311")
        expect(page.get_by_text(table["staff.delivery.keyNone"])).to_be_visible()
        page.get_by_label(table["staff.delivery.endpoint"]).fill("http://open311.example/v2/")
        page.get_by_label(table["staff.delivery.key"]).fill(API_KEY)
        page.get_by_label(POTHOLE[lang], exact=True).fill("ROAD-01")
        page.get_by_role("button", name=table["staff.delivery.save"]).click()

        # Refused: said in the manager's language, at the field.
        expect(page.get_by_role("alert")).to_have_text(table["staff.delivery.invalid"])
        expect(page.locator("#delivery-endpoint-error")).to_have_text(
            server["delivery.endpoint-https"]
        )
        expect(page.get_by_label(table["staff.delivery.endpoint"])).to_be_focused()
        page.screenshot(path=str(tmp_path / f"delivery-refused-{lang}.png"), full_page=True)
        assert stored(live_db, manager)[0] == "pave"

        endpoint = "https://open311.bruxelles.example/open311/v2/"
        page.get_by_label(table["staff.delivery.endpoint"]).fill(endpoint)
        page.get_by_role("button", name=table["staff.delivery.save"]).click()
        expect(page.locator("#delivery-done")).to_have_text(table["staff.delivery.saved"])
        expect(page.get_by_text(table["staff.delivery.keySet"])).to_be_visible()
        expect(page.get_by_label(table["staff.delivery.key"])).to_have_value("")
        expect(page.get_by_label(POTHOLE[lang], exact=True)).to_have_value("ROAD-01")
        assert API_KEY not in page.content()
        assert_every_string_in(page, lang)
        assert axe_violations(page) == []
        page.screenshot(path=str(tmp_path / f"delivery-saved-{lang}.png"), full_page=True)

        method, saved_endpoint, codes, key, audited = stored(live_db, manager)
        assert (method, saved_endpoint, codes) == ("open311", endpoint, {"pothole": "ROAD-01"})
        assert key and API_KEY.encode() not in bytes(key) and audited == 1

        # A new key typed and "remove" ticked: which was meant? Said at the field, nothing sent.
        save = page.get_by_role("button", name=table["staff.delivery.save"])
        page.get_by_label(table["staff.delivery.key"]).fill("another-key-0043")
        page.get_by_label(table["staff.delivery.removeKey"]).check()
        save.click()
        expect(page.locator("#delivery-api_key-error")).to_have_text(
            table["staff.delivery.keyAndRemove"]
        )
        expect(page.get_by_label(table["staff.delivery.key"])).to_be_focused()
        page.screenshot(path=str(tmp_path / f"delivery-key-both-{lang}.png"), full_page=True)
        assert bytes(stored(live_db, manager)[3]) == bytes(key)

        # Removing the key: the checkbox appears once a key is set.
        page.get_by_label(table["staff.delivery.key"]).fill("")
        save.click()
        expect(page.get_by_text(table["staff.delivery.keyNone"])).to_be_visible()
        assert stored(live_db, manager)[3] is None

        # By email: the Open311 connection is hidden and not changed; Bruxelles has no contact
        # email, and the refusal says where it is set.
        page.get_by_label(table["staff.delivery.endpoint"]).fill("https://ignored.example/v2/")
        page.get_by_label(table["staff.delivery.method"]).select_option("email")
        expect(page.locator("#delivery-open311")).to_be_hidden()
        save.click()
        expect(page.locator("#delivery-method-error")).to_have_text(
            server["delivery.email-required"]
        )
        page.screenshot(path=str(tmp_path / f"delivery-email-{lang}.png"), full_page=True)
        page.get_by_label(table["staff.delivery.method"]).select_option("pave")
        save.click()
        expect(page.locator("#delivery-done")).to_have_text(table["staff.delivery.saved"])
        assert stored(live_db, manager)[:3] == ("pave", endpoint, {"pothole": "ROAD-01"})
    finally:
        context.close()
        reset_bruxelles(live_db)


SHOTS = Path("/tmp/shots-fixes")


@pytest.mark.parametrize(("locale", "lang"), [("fr-BE", "fr"), ("nl-BE", "nl")])
def test_an_internal_address_is_refused_in_plain_words_on_a_phone(
    browser, live_server, live_db, locale, lang
):
    table, server = strings(lang), problems(lang)
    manager = make_manager(live_db, "commune-21004")
    reset_bruxelles(live_db)
    context = new_context(browser, live_server, locale=locale)
    try:
        page = context.new_page()
        assert page.viewport_size == {"width": 390, "height": 844}
        sign_in(page, manager)
        page.get_by_role("link", name=table["staff.nav.delivery"]).click()
        page.get_by_label(table["staff.delivery.method"]).select_option("open311")
        # Cloud metadata: refused, whatever the manager meant.
        endpoint = "https://169.254.169.254/latest/meta-data/"
        page.get_by_label(table["staff.delivery.endpoint"]).fill(endpoint)
        page.get_by_role("button", name=table["staff.delivery.save"]).click()

        said = page.locator("#delivery-endpoint-error")
        expect(said).to_have_text(server["delivery.endpoint-private"])
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"delivery-private-{lang}.png"), full_page=True)
        # The page fits the phone: nothing scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # Plain words for a manager: no server setting named.
        assert "DELIVERY_" not in said.inner_text()
        assert_every_string_in(page, lang)
        assert stored(live_db, manager)[0] == "pave"
    finally:
        context.close()
        reset_bruxelles(live_db)


def make_administrator(engine) -> str:
    from app.accounts.models import Role
    from app.accounts.services import Grant, create_user

    email = f"admin-{uuid.uuid4().hex[:8]}@pave.example"
    with Session(engine) as session, session.begin():
        grant = Grant(Role.ADMINISTRATOR)
        create_user(session, email, PASSWORD, name="Admin", grants=(grant,))
    return email


def test_an_administrator_opens_any_body_by_its_nis_code(browser, live_server, live_db, tmp_path):
    table = strings("nl")
    admin = make_administrator(live_db)
    context = new_context(browser, live_server, locale="nl-BE")
    try:
        page = context.new_page()
        sign_in(page, admin)
        page.get_by_role("link", name=table["staff.nav.delivery"]).click()
        field = page.get_by_label(table["staff.delivery.anyBody"])
        field.fill("99999")
        page.get_by_role("button", name=table["staff.delivery.open"]).click()
        expect(page.locator("#delivery-status")).to_have_text(
            table["staff.delivery.noBody"].replace("{code}", "commune-99999")
        )
        field.fill("21009")
        page.get_by_role("button", name=table["staff.delivery.open"]).click()
        expect(page.get_by_role("heading", name="Elsene")).to_be_visible()
        expect(page.get_by_label(table["staff.delivery.method"])).to_have_value("pave")
        assert_every_string_in(page, "nl")
        page.screenshot(path=str(tmp_path / "delivery-admin-nl.png"))
    finally:
        context.close()


def test_a_crew_member_has_no_delivery_screen(browser, live_server, live_db):
    from tests.browser.crew_helpers import make_crew

    crew = make_crew(live_db, "commune-21004")
    table = strings("fr")
    context = new_context(browser, live_server, locale="fr-BE")
    try:
        page = context.new_page()
        sign_in(page, crew)
        expect(page.get_by_role("heading", name=table["staff.list.heading"])).to_be_visible()
        expect(page.get_by_role("link", name=table["staff.nav.delivery"])).to_be_hidden()
        page.goto("/staff/#/delivery")
        expect(page.get_by_role("heading", name=table["staff.list.heading"])).to_be_visible()
    finally:
        context.close()
