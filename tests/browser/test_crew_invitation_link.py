"""An invited crew member follows the emailed link on a phone, in fr and nl.

The link comes from the invitation email itself (the outbox row), starts with the public
base URL, opens a screen that shows the invited person's name to confirm or correct and
the body, then logs them in. The same link, clicked again, says the account is ready and
leads to the log-in; an expired one names the inviter to ask for a new one. Screenshots in var/screenshots/crew-invitation.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.accounts import services
from app.accounts.models import Role, User
from app.accounts.services import Grant, create_user
from app.bodies.models import Body
from tests.browser.contexts import new_context
from tests.browser.crew_helpers import PASSWORD
from tests.browser.page_checks import (
    assert_every_string_in,
    axe_violations,
    box_of,
    expected,
    strings,
)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots" / "crew-invitation"
SHOTS = Path("/tmp/shots-cb")
BRUSSELS = {"fr": "Bruxelles", "nl": "Brussel"}
NEW_PASSWORD = "mon tout nouveau mot de passe"


def make_inviter(engine) -> tuple[str, int]:
    """Marie Dupont, commune manager of Bruxelles: her email and her body's id."""
    email = f"marie-{uuid.uuid4().hex[:8]}@bruxelles.example"
    with Session(engine) as session, session.begin():
        body_id = session.scalar(select(Body.id).where(Body.code == "commune-21004"))
        grant = Grant(Role.COMMUNE_MANAGER, body_id)
        create_user(session, email, PASSWORD, name="Marie Dupont", grants=(grant,))
    return email, body_id


def invite(browser, live_server, inviter: str, body_id: int, email: str) -> None:
    """The manager invites `email` as crew, through the API, from her own browser."""
    context = new_context(browser, live_server)
    try:
        login = context.request.post(
            "/api/v1/auth/login", data={"email": inviter, "password": PASSWORD}
        )
        assert login.status == 200, login.text()
        answer = context.request.post(
            "/api/v1/auth/invitations",
            data={
                "email": email,
                "name": "Jean Peeters",
                "role": "crew_member",
                "body_id": body_id,
            },
            headers={"X-CSRF-Token": login.json()["csrf_token"]},
        )
        assert answer.status == 201, answer.text()
    finally:
        context.close()


def emailed_link(engine, email: str) -> str:
    query = text(
        "SELECT body FROM outbox_messages WHERE kind = 'staff_invitation' AND recipient = :to"
    )
    with engine.connect() as conn:
        (body,) = conn.execute(query, {"to": email}).scalars().all()
    (link,) = re.findall(r"\S+#invitation=[\w-]+", body)
    return link


@pytest.mark.parametrize(("locale", "lang"), [("fr-BE", "fr"), ("nl-BE", "nl")])
def test_an_invited_crew_member_confirms_their_name_and_is_logged_in(
    browser, live_server, live_db, locale, lang
):
    table = strings(lang)
    inviter, body_id = make_inviter(live_db)
    email = f"jean-{uuid.uuid4().hex[:8]}@bruxelles.example"
    invite(browser, live_server, inviter, body_id, email)
    link = emailed_link(live_db, email)
    # The link points at the public base URL (here, the test server), never a request's host.
    assert link.startswith(f"{live_server.url}/staff/#invitation=")

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = new_context(browser, live_server, locale=locale)
    try:
        page = context.new_page()
        page.goto(link)
        heading = page.get_by_role("heading", name=table["staff.password.invitation"])
        expect(heading).to_be_visible()
        name = page.get_by_label(table["staff.password.name"])
        expect(name).to_have_value("Jean Peeters")
        about = page.locator("#password-about")
        expect(about).to_contain_text(expected(table["staff.password.account"], {"email": email}))
        expect(about).to_contain_text(
            expected(table["staff.password.body"], {"body": BRUSSELS[lang]})
        )
        assert_every_string_in(page, lang)
        assert axe_violations(page) == []
        name.fill("Jean Peeters-Dubois")
        page.get_by_label(table["staff.password.label"]).fill(NEW_PASSWORD)
        page.screenshot(path=str(SCREENSHOTS / f"choose-{lang}.png"), full_page=True)
        page.get_by_role("button", name=table["staff.password.submit"]).click()

        expect(page.get_by_role("heading", name=table["staff.list.heading"])).to_be_visible()
        whoami = expected(table["staff.whoami"], {"name": "Jean Peeters-Dubois"})
        expect(page.locator("#whoami")).to_have_text(whoami)
        assert "invitation=" not in page.url

        assert_ready_account(browser, live_server, link, locale, lang)
    finally:
        context.close()
    with live_db.connect() as conn:
        row = conn.execute(
            text("SELECT name, active FROM users WHERE email = :email"), {"email": email}
        ).one()
    assert tuple(row) == ("Jean Peeters-Dubois", True)


def assert_ready_account(browser, live_server, link: str, locale: str, lang: str) -> None:
    """The used link, opened again on another phone: the account is ready, log in (no new
    link to ask for); the log-in button is the screen's main action and leads there."""
    table = strings(lang)
    context = new_context(browser, live_server, locale=locale)
    try:
        page = context.new_page()
        page.goto(link)
        heading = page.get_by_role("heading", name=table["staff.password.readyHeading"])
        expect(heading).to_be_visible()
        expect(page.get_by_text(table["staff.password.ready"])).to_be_visible()
        expect(page.get_by_text(table["staff.password.used"])).to_have_count(0)
        asked = table["staff.password.askInviter"].split("{")[0]  # "Demandez un nouveau lien à "
        expect(page.locator("#password-about")).not_to_contain_text(asked)
        expect(page.get_by_label(table["staff.password.label"])).to_be_hidden()
        log_in = page.get_by_role("link", name=table["staff.login.submit"])
        box = box_of(log_in)
        assert box and box["height"] >= 48 and box["width"] >= 300  # the main button
        assert_every_string_in(page, lang)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"invitation-used-{lang}.png"), full_page=True)
        log_in.click()
        expect(page.get_by_role("heading", name=table["staff.login.heading"])).to_be_visible()
    finally:
        context.close()


def expired_invitation(engine, inviter: str, body_id: int) -> str:
    """An invitation from `inviter` sent a month ago: its token."""
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    email = f"late-{uuid.uuid4().hex[:8]}@bruxelles.example"
    with Session(engine) as session, session.begin():
        sender = session.scalar(select(User).where(User.email == inviter))
        grant = Grant(Role.CREW_MEMBER, body_id)
        _, token = services.invite(session, email, grant, invited_by=sender, now=long_ago)
    return token


@pytest.mark.parametrize(("locale", "lang"), [("fr-BE", "fr"), ("nl-BE", "nl")])
def test_an_expired_invitation_asks_the_inviter_for_a_new_one(
    browser, live_server, live_db, locale, lang
):
    table = strings(lang)
    inviter, body_id = make_inviter(live_db)
    token = expired_invitation(live_db, inviter, body_id)
    context = new_context(browser, live_server, locale=locale)
    try:
        page = context.new_page()
        page.goto(f"/staff/#invitation={token}")
        expect(page.get_by_text(table["staff.password.expired"])).to_be_visible()
        ask = expected(
            table["staff.password.askInviter"], {"name": "Marie Dupont", "email": inviter}
        )
        expect(page.get_by_text(ask)).to_be_visible()
        expect(page.get_by_text(table["staff.password.ready"])).to_have_count(0)
        assert_every_string_in(page, lang)
        page.screenshot(path=str(SHOTS / f"invitation-expired-{lang}.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize(("locale", "lang"), [("fr-BE", "fr"), ("nl-BE", "nl")])
def test_an_unknown_link_asks_the_administrations_manager(browser, live_server, locale, lang):
    table = strings(lang)
    context = new_context(browser, live_server, locale=locale)
    try:
        page = context.new_page()
        page.goto("/staff/#invitation=not-a-real-token")
        expect(page.get_by_text(table["staff.password.unknown"])).to_be_visible()
        expect(page.get_by_text(table["staff.password.askManager"])).to_be_visible()
        expect(page.get_by_label(table["staff.password.label"])).to_be_hidden()
        assert_every_string_in(page, lang)
    finally:
        context.close()


@pytest.mark.parametrize(("locale", "lang"), [("fr-BE", "fr"), ("nl-BE", "nl")])
def test_a_used_reset_link_names_the_manager_who_sent_it(
    browser, live_server, live_db, locale, lang
):
    table = strings(lang)
    manager, body_id = make_inviter(live_db)
    crew = f"crew-{uuid.uuid4().hex[:8]}@bruxelles.example"
    with Session(live_db) as session, session.begin():
        create_user(session, crew, PASSWORD, grants=(Grant(Role.CREW_MEMBER, body_id),))
    admin = new_context(browser, live_server)
    try:
        login = admin.request.post(
            "/api/v1/auth/login", data={"email": manager, "password": PASSWORD}
        )
        csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
        accounts = admin.request.get("/api/v1/auth/accounts").json()["accounts"]
        (account,) = [a for a in accounts if a["email"] == crew]
        sent = admin.request.post(
            f"/api/v1/auth/accounts/{account['id']}/password-reset", headers=csrf
        )
        assert sent.status == 202, sent.text()
    finally:
        admin.close()
    query = text(
        "SELECT body FROM outbox_messages WHERE kind = 'staff_password_reset' AND recipient = :to"
    )
    with live_db.connect() as conn:
        (body,) = conn.execute(query, {"to": crew}).scalars().all()
    (link,) = re.findall(r"\S+#reset=[\w-]+", body)
    assert link.startswith(f"{live_server.url}/staff/#reset=")

    context = new_context(browser, live_server, locale=locale)
    try:
        page = context.new_page()
        page.goto(link)
        expect(page.get_by_role("heading", name=table["staff.password.heading"])).to_be_visible()
        # A reset changes no name: only the password is asked.
        expect(page.get_by_label(table["staff.password.name"])).to_be_hidden()
        page.get_by_label(table["staff.password.label"]).fill(NEW_PASSWORD)
        page.get_by_role("button", name=table["staff.password.submit"]).click()
        expect(page.get_by_role("heading", name=table["staff.list.heading"])).to_be_visible()
        page.goto(link)
        ask = expected(
            table["staff.password.askSender"], {"name": "Marie Dupont", "email": manager}
        )
        expect(page.get_by_text(ask)).to_be_visible()
        expect(page.get_by_text(table["staff.password.used"])).to_be_visible()
        assert_every_string_in(page, lang)
        page.screenshot(path=str(SCREENSHOTS / f"reset-used-{lang}.png"), full_page=True)
    finally:
        context.close()
