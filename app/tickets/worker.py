"""The outbox worker: `flask --app app worker` sends due messages over SMTP, with retries."""

from __future__ import annotations

import smtplib
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import Engine

from app.tickets import outbox


@dataclass(frozen=True)
class SmtpSender:
    """Sends one message per SMTP connection: simple, and the volume is a few per ticket."""

    host: str
    port: int
    from_address: str
    timeout_s: float = 10.0

    def send(self, message: outbox.Message) -> None:
        email = EmailMessage()
        email["From"] = self.from_address
        email["To"] = message.recipient
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False)
        # The same id on every attempt lets a mail system drop a copy sent after a crash.
        email["Message-ID"] = f"<outbox-{message.id}@pave.invalid>"
        email.set_content(message.body)
        # After set_content, which replaces every Content-* header.
        email["Content-Language"] = message.language
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as smtp:
            smtp.send_message(email)


@dataclass
class DrainResult:
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def drain(engine: Engine, sender: SmtpSender, *, limit: int | None = None) -> DrainResult:
    """Send every message due now, each in its own transaction; return what happened.

    A failed message is pushed back by its backoff, so one drain tries it at most once.
    """
    result = DrainResult()
    while limit is None or result.sent + result.failed < limit:
        with engine.begin() as db:
            message = outbox.claim(db)
            if message is None:
                break
            try:
                sender.send(message)
            except (OSError, smtplib.SMTPException) as exc:
                outbox.mark_failed(db, message, f"{type(exc).__name__}: {exc}")
                result.failed += 1
                result.errors.append(str(exc))
            else:
                outbox.mark_sent(db, message)
                result.sent += 1
    return result


def sender_from_config(config) -> SmtpSender:
    return SmtpSender(
        host=config["SMTP_HOST"],
        port=config["SMTP_PORT"],
        from_address=config["SMTP_FROM"],
        timeout_s=config["SMTP_TIMEOUT_S"],
    )


@click.command("worker")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@click.option(
    "--interval",
    type=float,
    default=5.0,
    show_default=True,
    help="Seconds between two looks at the outbox.",
)
@with_appcontext
def worker_command(once: bool, interval: float) -> None:
    """Send the outbox's emails over SMTP (SMTP_HOST, SMTP_PORT, SMTP_FROM)."""
    from app import get_database

    engine = get_database(current_app).engine
    sender = sender_from_config(current_app.config)
    while True:
        result = drain(engine, sender)
        if result.sent or result.failed:
            click.echo(f"{result.sent} sent, {result.failed} failed (will retry)")
        if once:
            return
        time.sleep(interval)
