"""The worker's output lines: a failure says what failed without the
recipient's address, and with LOG_FORMAT=json each line is one JSON object."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from app.db import Database
from app.web import create_app
from tests.helpers.databases import migrated_database
from tests.helpers.smtp import Inbox, SmtpServer

RECIPIENT = "marie.dupont@example.org"


class Refusing(Inbox):
    """An SMTP server that refuses the recipient, quoting the address as servers do."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return f"550 5.1.1 <{address}>: Recipient address rejected"


@pytest.fixture(scope="module")
def own_engine():
    with migrated_database("pave_worker_output") as engine:
        yield engine


@pytest.fixture
def refusing():
    server = SmtpServer(Refusing())
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_refused_recipient_is_reported_without_the_address(own_engine, refusing, log_format):
    with own_engine.begin() as db:
        db.execute(text("DELETE FROM outbox_messages"))
        db.execute(text("ALTER SEQUENCE outbox_messages_id_seq RESTART"))
        db.execute(
            text(
                "INSERT INTO outbox_messages (kind, recipient, language, subject, body) "
                "VALUES ('resident_received', :to, 'fr', 'Votre signalement', 'Merci.')"
            ),
            {"to": RECIPIENT},
        )
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": Database(own_engine),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": refusing.port,
            "LOG_FORMAT": log_format,
        }
    )
    result = app.test_cli_runner().invoke(args=["worker", "--once", "--name", "mail-1"])
    assert result.exit_code == 0, result.output
    assert RECIPIENT not in result.output
    # A 550 is final: the message is given up as bounced at once, not retried.
    assert "message 1 bounced: 550 5.1.1 <***>: Recipient address rejected" in result.output
    if log_format == "json":
        lines = [json.loads(line) for line in result.output.splitlines()]
        assert {line["logger"] for line in lines} == {"app.worker"}
        assert [line["level"] for line in lines] == ["INFO", "ERROR"]
        assert lines[0]["message"] == (
            "0 sent, 1 failed (0 will be retried, 1 given up, 1 bounced)"
        )
