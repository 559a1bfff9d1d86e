"""A staff invitation is emailed through the outbox, with its link, in the body's language."""

from __future__ import annotations

from sqlalchemy import text

from app.accounts.models import Role
from app.accounts.services import Grant, create_user

PASSWORD = "correct horse battery staple"
INVITATION_SQL = text(
    "SELECT recipient, language, subject, body FROM outbox_messages "
    "WHERE kind = 'staff_invitation' ORDER BY id"
)


def test_the_cli_invitation_is_emailed_with_the_printed_link(app, session):
    result = app.test_cli_runner().invoke(
        args=[
            "staff",
            "invite",
            "wegen@gent.example",
            "--role",
            "crew_member",
            "--body",
            "commune-44021",
            "--name",
            "Jan",
        ]
    )
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    (message,) = session.execute(INVITATION_SQL).all()
    assert (message.recipient, message.language) == ("wegen@gent.example", "nl")
    assert message.subject == "Uitnodiging voor Pavé"
    assert link in message.body
    assert "Hallo Jan" in message.body
    # The role and the body in the email's language, no English machine word.
    assert "(ploeglid, Gent)" in message.body
    assert "crew" not in message.body.lower()


def test_the_api_invitation_is_emailed_with_its_link(client, session):
    admin = create_user(
        session, "admin@pave.example", PASSWORD, grants=(Grant(Role.ADMINISTRATOR),)
    )
    session.commit()
    login = client.post("/api/v1/auth/login", json={"email": admin.email, "password": PASSWORD})
    csrf = login.get_json()["csrf_token"]
    response = client.post(
        "/api/v1/auth/invitations",
        json={
            "email": "reviewer@region.example",
            "role": "region_reviewer",
            "region_code": "03000",
        },
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 201, response.get_json()
    (message,) = session.execute(INVITATION_SQL).all()
    assert message.recipient == "reviewer@region.example"
    assert message.language == "fr"
    assert response.get_json()["invitation_url"] in message.body
    assert "(contrôleur régional, Région wallonne)" in message.body
    assert "reviewer" not in message.body.replace("reviewer@", "")
