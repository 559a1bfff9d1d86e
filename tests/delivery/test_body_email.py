"""The email to a body, through a real SMTP server (aiosmtpd): sent only to a body that takes
its reports by email, with what an administration needs to act, and bounces recorded."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db import Database
from app.delivery.body_email import InboundAddresses
from app.notify.digest import send_digests
from app.notify.worker import SmtpSender, drain
from app.web import create_app
from tests.helpers.databases import migrated_database
from tests.helpers.follow import BODY_EMAIL, ONE_COMMUNE_SQL, RESIDENT_EMAIL, report_body
from tests.helpers.smtp import Inbox, SmtpServer

BASE = "https://pave.example.be"
DOMAIN = "replies.pave.example.be"
SECRET = "a secret key of the tests, long enough"
PHOTO_SQL = text(
    "INSERT INTO photos (report_id, client_photo_id, upload_sha256, position, content_type,"
    " display_sha256, display_width, display_height, display_bytes, thumbnail_sha256,"
    " thumbnail_width, thumbnail_height, thumbnail_bytes, hidden)"
    " VALUES (:id, :client, repeat('a', 64), :position, 'image/jpeg', repeat(:sha, 64), 10, 10,"
    " 100, repeat(:sha, 63) || 'c', 5, 5, 50, :hidden)"
)


@pytest.fixture(scope="module")
def engine():
    with migrated_database("pave_body_email", seed_sql=ONE_COMMUNE_SQL) as engine:
        yield engine


@pytest.fixture
def client(engine):
    app = create_app({"TESTING": True, "DATABASE": Database(engine), "PUBLIC_BASE_URL": BASE})
    with app.app_context():
        yield app.test_client()
    with engine.begin() as db:
        db.execute(text("DELETE FROM outbox_messages"))
        db.execute(text("DELETE FROM body_digests"))
        db.execute(text("DELETE FROM reports"))
        db.execute(
            text(
                "UPDATE bodies SET delivery_method = 'email', notify_mode = 'immediate' "
                "WHERE code = 'commune-21004'"
            )
        )


def _set_body(engine, **values):
    assignments = ", ".join(f"{key} = :{key}" for key in values)
    with engine.begin() as db:
        db.execute(text(f"UPDATE bodies SET {assignments} WHERE code = 'commune-21004'"), values)


def _report(client, **extra) -> uuid.UUID:
    response = client.post("/api/v1/reports", json=report_body(**extra))
    assert response.status_code == 201, response.get_json()
    return uuid.UUID(response.get_json()["id"])


def _kinds(engine) -> list[tuple[str, str]]:
    with engine.connect() as db:
        rows = db.execute(text("SELECT kind, recipient FROM outbox_messages ORDER BY id"))
        return [tuple(row) for row in rows]


@pytest.mark.parametrize(
    ("method", "emailed"),
    [("pave", False), ("open311", False), ("email", True), ("open311_email", True)],
)
def test_only_a_body_that_takes_email_is_emailed_a_new_ticket(client, engine, method, emailed):
    _set_body(engine, delivery_method=method)
    _report(client, email=None)
    assert _kinds(engine) == ([("body_new_report", BODY_EMAIL)] if emailed else [])


@pytest.mark.parametrize(
    ("method", "emailed"),
    [("pave", False), ("open311", False), ("email", True), ("open311_email", True)],
)
def test_only_a_body_that_takes_email_gets_the_daily_digest(client, engine, method, emailed):
    _set_body(engine, delivery_method=method, notify_mode="daily")
    _report(client, email=None)
    with Session(engine) as session, session.begin():
        now = session.execute(text("SELECT now()")).scalar_one()
        send_digests(session, until=now + dt.timedelta(seconds=1))
    assert _kinds(engine) == ([("body_digest", BODY_EMAIL)] if emailed else [])


def _add_photos(engine, report_id):
    with engine.begin() as db:
        for position, (sha, hidden) in enumerate([("b", False), ("d", True), ("e", False)]):
            params = {"id": report_id, "client": f"p{position}", "position": position}
            db.execute(PHOTO_SQL, {**params, "sha": sha, "hidden": hidden})


def _sent_to(smtp, address):
    return [m for m in smtp.messages if m["To"] == address]


def test_the_body_reads_what_and_where_who_reported_it_the_photos_and_the_reference(
    client, engine, smtp, sender
):
    report_id = _report(client)
    # The app uploads photos after the report: the worker adds what is there when it sends.
    _add_photos(engine, report_id)
    assert drain(engine, sender).sent == 2
    (email,) = _sent_to(smtp, BODY_EMAIL)
    body = email.get_content().replace("\r\n", "\n")
    assert (
        email["Subject"] == f"Nouveau signalement {str(report_id)[:8]} : Nid-de-poule à Bruxelles"
    )
    for line in (
        "Catégorie : Nid-de-poule",
        "Commune : Bruxelles",
        "Coordonnées (WGS 84) : 50.846700, 4.352500",
        "Carte : https://www.openstreetmap.org/?mlat=50.846700&mlon=4.352500"
        "#map=19/50.846700/4.352500",
        "Description :\nA deep hole in front of number 12",
        "Signalé par : Marie Peeters · marie@example.org · +32 470 12 34 56",
        f"Référence : {str(report_id)[:8]} ({report_id})",
        f"Écran des équipes : {BASE}/staff/#/t/{report_id}",
        f"Photos : 2\n{BASE}/api/v1/photos/{'b' * 64}.jpg\n{BASE}/api/v1/photos/{'e' * 64}.jpg",
        "Les réponses à cet e-mail ne sont pas lues.",
    ):
        assert line in body, line
    # The hidden photo is not linked; replies go nowhere a person reads.
    assert "d" * 64 not in body
    assert email["Reply-To"] is None
    # The reporter's phone is for the body only: never in the resident's own email.
    (resident,) = _sent_to(smtp, RESIDENT_EMAIL)
    assert "+32 470" not in resident.get_content()
    # The row keeps the message as it was sent.
    with engine.connect() as db:
        stored = db.execute(
            text("SELECT body FROM outbox_messages WHERE kind = 'body_new_report'")
        ).scalar_one()
    assert f"{'e' * 64}.jpg" in stored


def test_with_an_inbound_domain_replies_and_bounces_come_back_to_pave(client, engine, smtp):
    inbound = InboundAddresses.from_settings(DOMAIN, SECRET)
    sender = SmtpSender("127.0.0.1", smtp.port, "Pavé <pave@example.org>", inbound=inbound)
    report_id = _report(client, email=None)
    assert drain(engine, sender).sent == 1
    (email,) = smtp.messages
    reply_to = email["Reply-To"]
    assert re.fullmatch(rf"ticket\+{report_id.hex}\.[0-9a-f]{{16}}@{re.escape(DOMAIN)}", reply_to)
    assert inbound.parse(reply_to) == ("ticket", report_id)
    (return_path,) = smtp.handler.senders
    with engine.connect() as db:
        message_id = db.execute(text("SELECT id FROM outbox_messages")).scalar_one()
    assert inbound.parse(return_path) == ("bounces", message_id)
    assert f"ajouter une note interne au ticket {str(report_id)[:8]}" in email.get_content()
    assert "ne sont pas lues" not in email.get_content()
    # Another key does not read these addresses.
    assert InboundAddresses.from_settings(DOMAIN, "another key").parse(reply_to) is None


@pytest.fixture
def refusing():
    server = SmtpServer(
        Inbox(
            refuse={
                BODY_EMAIL: "550 5.1.1 <travaux@bruxelles.example>: no such mailbox",
                RESIDENT_EMAIL: "450 4.2.1 mailbox busy, try later",
            }
        )
    )
    server.start()
    yield server
    server.stop()


def test_a_mailbox_refused_for_good_is_a_bounce_not_twelve_retries(client, engine, refusing):
    report_id = _report(client)
    sender = SmtpSender("127.0.0.1", refusing.port, "Pavé <pave@example.org>")
    result = drain(engine, sender, max_attempts=12)
    assert (result.sent, result.failed, result.given_up, result.bounced) == (0, 2, 1, 1)
    with engine.connect() as db:
        rows = {
            row.kind: row
            for row in db.execute(
                text(
                    "SELECT kind, attempts, failed_at, bounced_at, bounce_reason, sent_at "
                    "FROM outbox_messages WHERE report_id = :id"
                ),
                {"id": report_id},
            )
        }
    bounced, busy = rows["body_new_report"], rows["resident_received"]
    assert (bounced.attempts, bounced.sent_at) == (1, None)
    assert bounced.failed_at is not None and bounced.bounced_at is not None
    assert bounced.bounce_reason.startswith("550 5.1.1")
    # A 4xx is worth a retry: not given up, not a bounce.
    assert (busy.attempts, busy.failed_at, busy.bounced_at) == (1, None, None)
    # And the bounced one is never claimed again.
    with engine.begin() as db:
        db.execute(text("UPDATE outbox_messages SET next_attempt_at = now()"))
    assert drain(engine, sender).failed == 1
    assert refusing.messages == []
    # Staff see it from the command line, the address masked.
    listed = client.application.test_cli_runner().invoke(args=["notify", "bounces"])
    assert listed.exit_code == 0, listed.output
    assert f"body_new_report  ticket {str(report_id)[:8]}  550 5.1.1 <***>" in listed.output
    assert BODY_EMAIL not in listed.output
    assert "1 bounced message(s) in the last 30 day(s)." in listed.output


def test_the_digest_lists_each_ticket_briefly(client, engine, smtp, sender):
    _set_body(engine, notify_mode="daily")
    report_id = _report(client)
    _add_photos(engine, report_id)
    with Session(engine) as session, session.begin():
        now = session.execute(text("SELECT now()")).scalar_one()
        send_digests(session, until=now + dt.timedelta(seconds=1))
    drain(engine, sender)
    (digest,) = _sent_to(smtp, BODY_EMAIL)
    body = digest.get_content().replace("\r\n", "\n")
    ref = str(report_id)[:8]
    assert f"- {ref} · Nid-de-poule · Bruxelles: A deep hole in front of number 12" in body
    assert "  Carte : https://www.openstreetmap.org/?mlat=50.846700&mlon=4.352500" in body
    assert "  Signalé par : Marie Peeters · marie@example.org · +32 470 12 34 56" in body
    assert f"  {BASE}/api/v1/photos/{'e' * 64}.jpg" in body
    assert f"  Écran des équipes : {BASE}/staff/#/t/{report_id}" in body
    assert "Les réponses à cet e-mail ne sont pas lues" in body


@pytest.mark.parametrize("inbound", [None, InboundAddresses.from_settings(DOMAIN, SECRET)])
def test_a_flemish_body_reads_it_all_in_dutch(client, engine, smtp, inbound):
    from tests.notify.test_no_english_in_emails import english_in

    with engine.begin() as db:
        db.execute(text("UPDATE communes SET region_code = '02000' WHERE nis_code = '21004'"))
    try:
        report_id = _report(client, email=None)
        _add_photos(engine, report_id)
        sender = SmtpSender(
            "127.0.0.1",
            smtp.port,
            "Pavé <pave@example.org>",
            inbound=inbound,
            public_base_url="https://pave.vlaanderen.example",
        )
        assert drain(engine, sender).sent == 1
    finally:
        with engine.begin() as db:
            db.execute(text("UPDATE communes SET region_code = '04000' WHERE nis_code = '21004'"))
    (email,) = smtp.messages
    body = email.get_content().replace("\r\n", "\n")
    assert email["Content-Language"] == "nl"
    assert "Scherm van de ploegen" in body
    # The worker's PUBLIC_BASE_URL, whatever app (if any) is running around it.
    assert f"Foto's: 2\nhttps://pave.vlaanderen.example/api/v1/photos/{'b' * 64}.jpg" in body
    assert english_in(email["Subject"], body) == []
