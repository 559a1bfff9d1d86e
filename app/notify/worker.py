"""The outbox worker: `flask --app app worker` sends due messages over SMTP, with retries,
queues the bodies' daily digests once a day (DIGEST_HOUR, DIGEST_TIMEZONE), and erases the
personal data past its retention period once a day (`flask privacy purge`).

No one message can stop it: whatever error building or sending a message raises, that
message is marked failed with the error and retried later, up to OUTBOX_MAX_ATTEMPTS, and
the worker goes on with the next one. Under `make run`, the Procfile restarts the worker
should it stop anyway, so the web server never depends on it."""

from __future__ import annotations

import signal
import smtplib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate

import click
import idna
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from app.notify import outbox
from app.notify.digest import DailyDigests
from app.privacy.retention import DailyPurge


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
        email["To"] = ascii_domain(message.recipient)
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False)
        # The same id on every attempt lets a mail system drop a copy sent after a crash.
        email["Message-ID"] = f"<outbox-{message.id}@pave.invalid>"
        email.set_content(message.body)
        # After set_content, which replaces every Content-* header.
        email["Content-Language"] = message.language
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as smtp:
            smtp.send_message(email)


def ascii_domain(address: str) -> str:
    """The address with an internationalised domain in its IDNA (xn--) form, which every
    SMTP server takes; the API stores the domain normalised, in Unicode."""
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    return f"{local}@{idna.encode(domain, uts46=True).decode('ascii')}"


@dataclass
class DrainResult:
    sent: int = 0
    failed: int = 0
    given_up: int = 0
    errors: list[str] = field(default_factory=list)


def drain(
    engine: Engine,
    sender: SmtpSender,
    *,
    limit: int | None = None,
    max_attempts: int | None = None,
    stopping: Callable[[], bool] = lambda: False,
) -> DrainResult:
    """Send every message due now, each in its own transaction; return what happened.

    A failed message is pushed back by its backoff, so one drain tries it at most once; its
    `max_attempts`-th failure gives it up (None: retried for ever). Any exception counts as a
    failure of that message, not of the drain: an address that cannot go in a header fails
    its own message, and the next one is sent. `stopping` is asked before each message: a
    worker told to stop finishes the message it is sending, and leaves the others to the next
    run.
    """
    result = DrainResult()
    while (limit is None or result.sent + result.failed < limit) and not stopping():
        with engine.begin() as db:
            message = outbox.claim(db)
            if message is None:
                break
            try:
                sender.send(message)
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
                if outbox.mark_failed(db, message, error, max_attempts=max_attempts):
                    result.given_up += 1
                result.failed += 1
                result.errors.append(error)
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


@contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGTERM or SIGINT (Ctrl-C, or `make run` stopping its processes);
    the previous handlers come back when the block ends."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    signals = (signal.SIGTERM, signal.SIGINT)
    previous = {signum: signal.signal(signum, lambda *_: stop.set()) for signum in signals}
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@click.command("worker")
@click.option("--once", is_flag=True, help="Do what is due now (emails, digests), then exit.")
@click.option(
    "--interval",
    type=float,
    default=5.0,
    show_default=True,
    help="Seconds between two looks at the outbox.",
)
@with_appcontext
def worker_command(once: bool, interval: float) -> None:
    """Send the outbox's emails over SMTP (SMTP_HOST, SMTP_PORT, SMTP_FROM), queue the
    daily digests from DIGEST_HOUR (DIGEST_TIMEZONE), once a day, and erase the personal data
    of tickets closed over PRIVACY_RETENTION_DAYS ago, once a day."""
    from app.web import get_database

    config = current_app.config
    if not 0 <= config["DIGEST_HOUR"] <= 23:
        raise click.BadParameter(
            f"DIGEST_HOUR is an hour from 0 to 23, not {config['DIGEST_HOUR']}."
        )
    engine = get_database(current_app).engine
    sender = sender_from_config(config)
    max_attempts = config["OUTBOX_MAX_ATTEMPTS"]
    digests = DailyDigests(hour=config["DIGEST_HOUR"], timezone=config["DIGEST_TIMEZONE"])
    purges = DailyPurge(days=config["PRIVACY_RETENTION_DAYS"])
    with _stop_on_signals() as stop:
        while not stop.is_set():
            try:
                for digest in digests.run(engine):
                    click.echo(f"daily digest of {digest.body_code}: {digest.tickets} ticket(s)")
                purged = purges.run(engine)
                if purged is not None and purged.reports:
                    click.echo(f"privacy purge: {purged.reports} closed ticket(s) anonymised")
                result = drain(engine, sender, max_attempts=max_attempts, stopping=stop.is_set)
            except OperationalError as exc:
                if once:
                    raise
                # The database is down or restarting: nothing was lost, try again later
                # rather than exit (under `make run`, that would stop the web server too).
                click.echo(f"database unavailable, retrying in {interval:g} s: {exc}", err=True)
            except Exception as exc:
                if once:
                    raise
                # Not one message's fault (those are marked failed in drain): say it, and
                # look again later rather than exit.
                click.echo(f"worker error, retrying in {interval:g} s: {exc!r}", err=True)
            else:
                if result.sent or result.failed:
                    retried = result.failed - result.given_up
                    click.echo(
                        f"{result.sent} sent, {result.failed} failed "
                        f"({retried} will be retried, {result.given_up} given up)"
                    )
                for error in result.errors:
                    click.echo(f"  {error}", err=True)
            if once:
                return
            stop.wait(interval)
