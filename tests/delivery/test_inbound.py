"""`flask --app app notify inbound`, run as an MTA runs it (a process, one RFC 822 message on
stdin): a body's reply reaches the ticket's timeline, a DSN records a bounce, and anything
else is refused with an exit status and nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import text

from app.db import Database
from app.delivery.body_email import InboundAddresses
from app.notify.worker import SmtpSender, drain
from app.web import create_app
from tests.helpers.databases import migrated_database
from tests.helpers.follow import BODY_EMAIL, ONE_COMMUNE_SQL, report_body

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = "replies.pave.example.be"
SECRET = "the inbound tests' secret key, long enough"
INBOUND = InboundAddresses.from_settings(DOMAIN, SECRET)


@pytest.fixture(scope="module")
def engine():
    with migrated_database("pave_inbound", seed_sql=ONE_COMMUNE_SQL) as engine:
        yield engine


@pytest.fixture(scope="module")
def tickets(engine, smtp_module):
    """Two tickets whose new-ticket emails went to the body, with Pavé's addresses."""
    app = create_app({"TESTING": True, "DATABASE": Database(engine)})
    client = app.test_client()
    ids = []
    for _ in range(2):
        response = client.post("/api/v1/reports", json=report_body(email=None))
        assert response.status_code == 201, response.get_json()
        ids.append(uuid.UUID(response.get_json()["id"]))
    sender = SmtpSender("127.0.0.1", smtp_module.port, "Pavé <pave@example.org>", inbound=INBOUND)
    with app.app_context():
        assert drain(engine, sender).sent == 2
    return ids


@pytest.fixture(scope="module")
def smtp_module():
    from tests.helpers.smtp import Inbox, SmtpServer

    server = SmtpServer(Inbox())
    server.start()
    yield server
    server.stop()


def run(engine, data: bytes, *args: str, domain: str = DOMAIN):
    env = {
        **os.environ,
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "INBOUND_EMAIL_DOMAIN": domain,
        "SECRET_KEY": SECRET,
    }
    command = [sys.executable, "-m", "flask", "--app", "app", "notify", "inbound", *args]
    return subprocess.run(command, input=data, capture_output=True, cwd=ROOT, env=env, timeout=60)


def notes(engine, report_id) -> list[tuple[str, str, bool]]:
    with engine.connect() as db:
        rows = db.execute(
            text(
                "SELECT author, body, public FROM report_updates WHERE report_id = :id ORDER BY id"
            ),
            {"id": report_id},
        )
        return [tuple(row) for row in rows]


def reply(to: str, content: str = "", **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Service Travaux <travaux@bruxelles.example>"
    message["To"] = to
    message["Subject"] = "Re: Nouveau signalement"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(
        content
        or "Nous passerons jeudi matin.\n\n-- \nService Travaux\n\n"
        "Le lun. 7 déc. 2026 à 10:00, Pavé <pave@example.org> a écrit :\n"
        "> Un nouveau signalement vous a été attribué.\n"
    )
    return message


def test_a_reply_becomes_an_internal_note_of_the_ticket_once(engine, tickets):
    first, second = tickets
    message = reply(INBOUND.reply_address(first))
    message.add_attachment(b"\x89PNG\r\n", maintype="image", subtype="png", filename="plan.png")
    done = run(engine, bytes(message))
    assert done.returncode == 0, done.stderr
    assert f"reply added to ticket {str(first)[:8]}" in done.stdout.decode()
    # Only the reply's own words, by the address the ticket's email went to, for staff only.
    assert notes(engine, first) == [(f"email:{BODY_EMAIL}", "Nous passerons jeudi matin.", False)]
    assert notes(engine, second) == []
    assert BODY_EMAIL not in (done.stdout + done.stderr).decode()
    # The MTA delivering the same message again adds nothing.
    assert run(engine, bytes(message)).returncode == 0
    assert len(notes(engine, first)) == 1


def _dsn(to: str, action: str = "failed") -> bytes:
    return (
        f"From: Mail Delivery System <MAILER-DAEMON@mx.bruxelles.example>\r\n"
        f"To: {to}\r\nSubject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.bruxelles.example\r\n\r\n"
        f"Final-Recipient: rfc822; {BODY_EMAIL}\r\nAction: {action}\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\nSubject: Nouveau signalement\r\n"
        "--B--\r\n"
    ).encode()


def _bounce_of(engine, message_id):
    with engine.connect() as db:
        return db.execute(
            text("SELECT bounced_at, bounce_reason FROM outbox_messages WHERE id = :id"),
            {"id": message_id},
        ).one()


def _message_ids(engine) -> list[int]:
    with engine.connect() as db:
        return list(db.execute(text("SELECT id FROM outbox_messages ORDER BY id")).scalars())


def test_a_delivery_status_notification_marks_its_message_bounced(engine, tickets):
    first_id, second_id = _message_ids(engine)
    delayed = run(engine, _dsn(INBOUND.bounce_address(second_id), action="delayed"))
    assert delayed.returncode == 0, delayed.stderr
    assert _bounce_of(engine, second_id).bounced_at is None
    done = run(engine, _dsn(INBOUND.bounce_address(first_id)))
    assert done.returncode == 0, done.stderr
    bounced = _bounce_of(engine, first_id)
    assert bounced.bounced_at is not None
    assert bounced.bounce_reason == "5.1.1 smtp; 550 5.1.1 user unknown"
    assert f"outbox message {first_id} bounced: 5.1.1" in done.stdout.decode()
    # A DSN names its message by the address it came back to, and nothing else.
    assert _bounce_of(engine, second_id).bounced_at is None


def _forged(address: str) -> str:
    local, _, domain = address.partition("@")
    last = "0" if local[-1] != "0" else "1"
    return f"{local[:-1]}{last}@{domain}"


def _in_charset(to: str, charset: str, body: bytes) -> bytes:
    return (
        f"From: travaux@bruxelles.example\r\nTo: {to}\r\nSubject: Re: Nouveau signalement\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset={charset}\r\n\r\n"
    ).encode() + body


def test_hostile_messages_are_refused_and_write_nothing(engine, tickets):
    first, second = tickets
    first_address = INBOUND.reply_address(first)
    other_mac = first_address.replace(first.hex, second.hex)
    huge = bytes(reply(first_address)) + b"x" * 50_000_000
    html_only = reply(first_address)
    html_only.set_content("<p>Nous passerons jeudi.</p>", subtype="html")
    image_only = EmailMessage()
    image_only["To"] = first_address
    image_only.set_content(b"\x89PNG\r\n", maintype="image", subtype="png")
    not_a_dsn = reply(INBOUND.bounce_address(_message_ids(engine)[1]))
    cases = {
        "forged mac": (bytes(reply(_forged(first_address))), 77),
        "another ticket's id with this mac": (bytes(reply(other_mac)), 77),
        "another domain": (bytes(reply(first_address.replace(DOMAIN, "example.org"))), 77),
        "NUL bytes": (bytes(reply(first_address)).replace(b"jeudi", b"je\x00udi"), 65),
        "50 MB": (huge, 65),
        "HTML only": (bytes(html_only), 65),
        "an image only": (bytes(image_only), 65),
        "an out-of-office": (bytes(reply(first_address, Auto_Submitted="auto-replied")), 65),
        "only the quoted message": (bytes(reply(first_address, "> Un nouveau signalement")), 65),
        "a reply sent to a bounce address": (bytes(not_a_dsn), 65),
        "a DSN sent to a reply address": (_dsn(first_address), 65),
        "a lone surrogate in UTF-7": (_in_charset(first_address, "utf-7", b"Oui +2D0-"), 65),
        "a codec, not a charset": (_in_charset(first_address, "unicode_escape", b"\\ud800"), 65),
    }
    ids = _message_ids(engine)
    before = (notes(engine, first), notes(engine, second), [_bounce_of(engine, i) for i in ids])
    for name, (data, status) in cases.items():
        started = time.monotonic()
        done = run(engine, data)
        assert done.returncode == status, (name, done.stdout, done.stderr)
        assert done.stderr.decode().strip().startswith("refused"), (name, done.stderr)
        assert time.monotonic() - started < 30, name
    after = (notes(engine, first), notes(engine, second), [_bounce_of(engine, i) for i in ids])
    assert after == before


def test_the_mta_s_recipient_is_believed_over_the_headers(engine, tickets):
    first, _ = tickets
    message = bytes(reply(INBOUND.reply_address(first), "Une réponse par --recipient."))
    done = run(engine, message, "--recipient", _forged(INBOUND.reply_address(first)))
    assert done.returncode == 77
    assert "Une réponse par --recipient." not in [n[1] for n in notes(engine, first)]


def test_without_an_inbound_domain_nothing_is_read(engine, tickets):
    first, _ = tickets
    done = run(engine, bytes(reply(INBOUND.reply_address(first), "Sans domaine.")), domain="")
    assert done.returncode == 2
    assert "INBOUND_EMAIL_DOMAIN is not set" in done.stderr.decode()
    assert "Sans domaine." not in [n[1] for n in notes(engine, first)]


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        (
            "Nous passerons jeudi.\n\nLe lun. 7 déc. 2026 à 10:00, Pavé <pave@example.org> a\n"
            "écrit :\n> Un nouveau signalement\n",
            "Nous passerons jeudi.",
        ),
        ("Komt in orde.\r\n\r\nOp ma 7 dec. 2026 om 10:00 schreef Pavé <p@x.be>:\r\n> x", None),
        ("Wird erledigt.\nAm Mo., 7. Dez. 2026 um 10:00 schrieb Pavé <p@x.be>:\n> x", None),
        ("Bien reçu.\n-----Message d'origine-----\nDe : Pavé\nObjet : Nouveau", None),
        ("Réponse\n> citation\nsuite de la réponse", "Réponse\nsuite de la réponse"),
        ("Texte\x1b[31m rouge\u202e inversé", "Texte[31m rouge inversé"),
    ],
)
def test_a_reply_keeps_its_own_words(written, kept):
    from app.delivery.inbound import reply_text

    assert reply_text(written) == (kept or written.split("\n")[0].strip())


def test_a_long_reply_is_cut_at_the_length_of_a_note():
    from app.delivery.inbound import NOTE_MAX_CHARS, reply_text

    note = reply_text("a" * 10_000)
    assert len(note) == NOTE_MAX_CHARS and note.endswith("…")
