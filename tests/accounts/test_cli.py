"""`flask staff create-admin` and `flask staff invite` from the command line."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services import accept_invitation, authenticate
from tests.helpers.accounts import PASSWORD


def test_create_admin_reads_the_password_from_stdin(app, session):
    result = app.test_cli_runner().invoke(
        args=["staff", "create-admin", "root@pave.example", "--password-stdin"],
        input=PASSWORD + "\n",
    )

    assert result.exit_code == 0, result.output
    assert "root@pave.example" in result.output and PASSWORD not in result.output
    user = authenticate(session, "root@pave.example", PASSWORD)
    assert [g.role for g in user.grants] == ["administrator"]


def test_create_admin_prompts_twice_for_the_password(app, session):
    result = app.test_cli_runner().invoke(
        args=["staff", "create-admin", "admin2@pave.example"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )

    assert result.exit_code == 0, result.output
    assert authenticate(session, "admin2@pave.example", PASSWORD)


def test_create_admin_refuses_a_weak_password_and_an_existing_email(app, session):
    runner = app.test_cli_runner()
    weak = runner.invoke(
        args=["staff", "create-admin", "a@pave.example", "--password-stdin"], input="short\n"
    )
    runner.invoke(
        args=["staff", "create-admin", "b@pave.example", "--password-stdin"], input=PASSWORD
    )
    again = runner.invoke(
        args=["staff", "create-admin", "B@pave.example", "--password-stdin"], input=PASSWORD
    )

    assert weak.exit_code == 1 and "at least 12 characters" in weak.output
    assert again.exit_code == 1 and "already exists" in again.output
    assert session.scalar(select(User).where(User.email == "a@pave.example")) is None


def test_invite_prints_a_link_that_works_once(app, session, places):
    result = app.test_cli_runner().invoke(
        args=[
            "staff",
            "invite",
            "crew@bruxelles.example",
            "--role",
            "crew_member",
            "--body",
            "commune-21004",
        ]
    )

    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("http") and "#invitation=" in link
    user = accept_invitation(session, link.rsplit("=", 1)[1], PASSWORD)
    assert [(g.role, g.body_id) for g in user.grants] == [("crew_member", places.brussels)]


def test_invite_a_region_reviewer(app, session):
    result = app.test_cli_runner().invoke(
        args=[
            "staff",
            "invite",
            "rv@brussels.example",
            "--role",
            "region_reviewer",
            "--region",
            "04000",
        ]
    )

    assert result.exit_code == 0, result.output


def test_invite_needs_an_existing_body_for_crew(app):
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["staff", "invite", "x@example.org", "--role", "crew_member"])
    unknown = runner.invoke(
        args=["staff", "invite", "x@example.org", "--role", "crew_member", "--body", "atlantis"]
    )

    assert missing.exit_code == 2 and "--body" in missing.output
    assert unknown.exit_code == 2 and "atlantis" in unknown.output
