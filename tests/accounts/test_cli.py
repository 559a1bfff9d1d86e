"""`flask staff create-admin` and `flask staff invite` from the command line: the invitation's
language, and one line of what to set when DATABASE_URL is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.accounts.models import User
from app.accounts.services import accept_invitation, authenticate
from tests.helpers.accounts import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


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


def _invitation_language(session, email: str) -> str:
    query = text(
        "SELECT language FROM outbox_messages WHERE kind = 'staff_invitation' AND recipient = :to"
    )
    (language,) = session.execute(query, {"to": email}).scalars().all()
    return language


@pytest.mark.parametrize(
    ("body", "lang", "expected"),
    [
        ("commune-21004", None, "fr"),  # Brussels: fr first
        ("region-flanders", None, "nl"),  # the body's first language
        ("commune-21004", "nl", "nl"),
        ("commune-92094", "de", "de"),
    ],
)
def test_invite_writes_in_the_language_asked_else_the_bodys_first(
    app, session, body, lang, expected
):
    email = f"lang-{body}-{lang}@crew.example"
    args = ["staff", "invite", email, "--role", "crew_member", "--body", body]
    result = app.test_cli_runner().invoke(args=args + (["--lang", lang] if lang else []))

    assert result.exit_code == 0, result.output
    assert _invitation_language(session, email) == expected


def test_resend_invitation_takes_a_language_and_refuses_an_unknown_one(app, session):
    runner = app.test_cli_runner()
    email = "again@crew.example"
    invited = runner.invoke(
        args=["staff", "invite", email, "--role", "crew_member", "--body", "commune-21004"]
    )
    assert invited.exit_code == 0, invited.output
    session.execute(text("DELETE FROM outbox_messages WHERE recipient = :to"), {"to": email})
    session.commit()

    resent = runner.invoke(args=["staff", "resend-invitation", email, "--lang", "nl"])
    wrong = runner.invoke(args=["staff", "resend-invitation", email, "--lang", "es"])

    assert resent.exit_code == 0, resent.output
    assert _invitation_language(session, email) == "nl"
    assert wrong.exit_code == 2 and "'es' is not one of" in wrong.output


def test_without_a_database_url_a_command_says_what_to_set_in_one_line():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    run = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "staff", "create-admin", "a@b.example",
         "--password-stdin"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False, input="",
    )  # fmt: skip

    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        "Error: DATABASE_URL is not set: export DATABASE_URL="
        '"$(.venv/bin/python scripts/localdb.py ensure)" for the local cluster (make targets '
        "set it), or postgresql+psycopg://user@host/dbname"
    ]
