"""The worker delivers the outbox to a real SMTP server: once, in order, and again after failures.

The worker commits, so these tests run on a database of their own, migrated and seeded with
one commune, its body and a report, and emptied of messages after each test.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import threading
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db import Database
from app.notify import outbox
from app.notify.worker import SmtpSender, drain
from app.tickets.services import notify_new_report, transition
from app.web import create_app
from tests.helpers.databases import migrated_database
from tests.helpers.smtp import Inbox, SmtpServer
from tests.helpers.sql import REPORT_SQL, SEED_SQL
from tests.helpers.tickets import CREW


@pytest.fixture(scope="module")
def engine():
    with migrated_database("pave_outbox", seed_sql=SEED_SQL) as engine:
        yield engine


@pytest.fixture(autouse=True)
def empty_outbox(engine):
    yield
    with engine.begin() as db:
        db.execute(text("DELETE FROM outbox_messages"))


def _enqueue(engine, count=1, language="fr"):
    with engine.begin() as db:
        return [
            outbox.enqueue(
                db,
                "resident_resolved",
                recipient=f"resident{n}@example.org",
                language=language,
                ref=f"R{n}",
                category="Nid-de-poule",
                commune="Bruxelles",
                body="Ville de Bruxelles",
            )
            for n in range(count)
        ]


def _row(engine, message_id):
    with engine.connect() as db:
        return db.execute(
            text(
                "SELECT attempts, sent_at, next_attempt_at, last_error, now() AS db_now "
                "FROM outbox_messages WHERE id = :id"
            ),
            {"id": message_id},
        ).one()


def test_a_change_reaches_the_resident_once_in_their_language(engine, smtp, sender):
    report_id = uuid.uuid4()
    with Session(engine) as session, session.begin():
        session.execute(REPORT_SQL, {"id": report_id, "email": "jan@example.org", "language": "nl"})
        notify_new_report(session, report_id)
        transition(session, report_id, "acknowledged", actor=CREW)
    assert drain(engine, sender).sent == 3
    assert drain(engine, sender).sent == 0
    assert len(smtp.messages) == 3
    by_subject = {m["Subject"]: m for m in smtp.messages}
    ref = str(report_id)[:8]
    assert by_subject[f"Wij hebben uw melding {ref} goed ontvangen"]["To"] == "jan@example.org"
    resident = by_subject[f"Uw melding {ref} is in behandeling genomen"]
    assert resident["To"] == "jan@example.org"
    assert resident["Content-Language"] == "nl"
    assert "Stad Brussel" in resident.get_content()
    (body,) = [m for m in smtp.messages if m["To"] == "travaux@bruxelles.example"]
    assert body["Subject"].startswith("Nouveau signalement")
    assert str(report_id) in body.get_content()


@pytest.mark.parametrize(
    ("language", "planned"),
    [
        ("fr", "prévue le 8 décembre 2026."),
        ("nl", "gepland op 8 december 2026."),
        ("de", "für den 8. Dezember 2026 geplant."),
        ("en", "planned for 8 December 2026."),
    ],
)
def test_the_planned_day_arrives_written_in_the_residents_language(
    engine, smtp, sender, language, planned
):
    report_id = uuid.uuid4()
    with Session(engine) as session, session.begin():
        session.execute(
            REPORT_SQL, {"id": report_id, "email": "ines@example.org", "language": language}
        )
        transition(session, report_id, "acknowledged", actor=CREW)
        transition(session, report_id, "planned", actor=CREW, planned_for=dt.date(2026, 12, 8))
    drain(engine, sender)
    (received,) = [m for m in smtp.messages if planned in m.get_content()]
    assert received["Content-Language"] == language
    for part in (received["Subject"], received.get_content()):
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", part)
        assert "UTC" not in part


def test_with_the_smtp_server_down_the_message_waits_and_is_delivered_later(engine, smtp, sender):
    (message_id,) = _enqueue(engine, language="de")
    smtp.stop()
    result = drain(engine, sender)
    assert (result.sent, result.failed) == (0, 1)
    kept = _row(engine, message_id)
    assert kept.attempts == 1
    assert kept.sent_at is None
    assert kept.next_attempt_at > kept.db_now
    assert kept.last_error
    # Not due yet: a second pass does not hammer the server.
    assert drain(engine, sender).failed == 0

    smtp.start()
    with engine.begin() as db:
        # Time passes: the backoff is over.
        db.execute(text("UPDATE outbox_messages SET next_attempt_at = now()"))
    assert drain(engine, sender).sent == 1
    (delivered,) = smtp.messages
    assert delivered["Subject"] == "Ihre Meldung R0 ist erledigt"
    done = _row(engine, message_id)
    assert (done.attempts, done.last_error) == (2, None)
    assert done.sent_at is not None


def test_backoff_doubles_up_to_a_ceiling():
    delays = [outbox.backoff(n) for n in (1, 2, 3, 4)]
    assert [d.total_seconds() for d in delays] == [60, 120, 240, 480]
    assert outbox.backoff(50) == outbox.BACKOFF_MAX


class SlowInbox(Inbox):
    """Takes its time per message, so that two workers overlap."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)


def test_two_workers_draining_together_never_send_a_message_twice(engine):
    server = SmtpServer(SlowInbox())
    server.start()
    try:
        ids = _enqueue(engine, count=30)
        sender = SmtpSender("127.0.0.1", server.port, "pave@example.org")
        start = threading.Barrier(2)
        results = []

        def work():
            start.wait()
            results.append(drain(engine, sender))

        workers = [threading.Thread(target=work) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    finally:
        server.stop()
    assert sum(r.sent for r in results) == 30
    message_ids = [m["Message-ID"] for m in server.messages]
    assert sorted(message_ids) == sorted(f"<outbox-{i}@pave.invalid>" for i in ids)
    with engine.connect() as db:
        unsent = db.execute(text("SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL"))
        assert unsent.scalar_one() == 0


def test_the_worker_command_drains_and_exits(engine, smtp):
    _enqueue(engine, count=2, language="en")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": Database(engine),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": smtp.port,
        }
    )
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "2 sent, 0 failed" in result.output
    assert sorted(m["Subject"] for m in smtp.messages) == [
        "Your report R0 is resolved",
        "Your report R1 is resolved",
    ]
