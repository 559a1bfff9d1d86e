"""The outbox worker: `flask --app app worker` sends due messages over SMTP, with retries,
queues the bodies' daily digests once a day (DIGEST_HOUR, DIGEST_TIMEZONE), and erases the
personal data past its retention period once a day (`flask privacy purge`).

No one message can stop it: whatever error building or sending a message raises, that
message is marked failed with the error and retried later, up to OUTBOX_MAX_ATTEMPTS, and
the worker goes on with the next one. Under `make run`, the Procfile restarts the worker
should it stop anyway, so the web server never depends on it.

Here, the sending (`drain`, `SmtpSender`); the command and its loop are in app/notify/cli.py."""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

import idna
from sqlalchemy.engine import Engine

from app.delivery.body_email import InboundAddresses, compose
from app.notify import outbox


@dataclass(frozen=True)
class SmtpSender:
    """Sends one message per SMTP connection: simple, and the volume is a few per ticket."""

    host: str
    port: int
    from_address: str
    timeout_s: float = 10.0
    # With INBOUND_EMAIL_DOMAIN: the Reply-To and Return-Path addresses Pavé reads.
    inbound: InboundAddresses | None = None
    # PUBLIC_BASE_URL, for the photo links added as a body's email is sent (None: the running
    # app's, else the environment's).
    public_base_url: str | None = None

    def send(self, message: outbox.Message) -> None:
        email = EmailMessage()
        email["From"] = self.from_address
        email["To"] = ascii_domain(message.recipient)
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False)
        # The same id on every attempt lets a mail system drop a copy sent after a crash.
        email["Message-ID"] = f"<outbox-{message.id}@pave.invalid>"
        if message.reply_to:
            email["Reply-To"] = message.reply_to
        email.set_content(message.body)
        # After set_content, which replaces every Content-* header.
        email["Content-Language"] = message.language
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as smtp:
            # The envelope sender (Return-Path) is where delivery status notifications go.
            smtp.send_message(email, from_addr=message.return_path)


def ascii_domain(address: str) -> str:
    """The address with an internationalised domain in its IDNA (xn--) form, which every
    SMTP server takes; the API stores the domain normalised, in Unicode."""
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    return f"{local}@{idna.encode(domain, uts46=True).decode('ascii')}"


@dataclass
class DrainResult(outbox.SendCounts):
    # Given up at once, as a permanent refusal (counted in failed and given_up too).
    bounced: int = 0


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
    `max_attempts`-th failure gives it up (None: retried for ever), and a permanent refusal
    (a 5xx to RCPT or DATA) at once, as bounced. Any exception counts as a
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
                message = compose(db, message, sender.inbound, sender.public_base_url)
                sender.send(message)
            except smtplib.SMTPException as exc:
                refusal = permanent_refusal(exc)
                if refusal is None:
                    _failed(db, message, exc, max_attempts, result)
                else:
                    _bounced(db, message, refusal, result)
            except Exception as exc:
                _failed(db, message, exc, max_attempts, result)
            else:
                outbox.mark_sent(db, message)
                result.sent += 1
    return result


def _failed(db, message, exc: Exception, max_attempts: int | None, result: DrainResult) -> None:
    error = f"{type(exc).__name__}: {exc}"
    if outbox.mark_failed(db, message, error, max_attempts=max_attempts):
        result.given_up += 1
    result.failed += 1
    result.errors.append(error)


def _bounced(db, message, refusal: str, result: DrainResult) -> None:
    outbox.mark_bounced(db, message, refusal)
    result.failed += 1
    result.given_up += 1
    result.bounced += 1
    result.errors.append(f"message {message.id} bounced: {refusal}")


def permanent_refusal(exc: smtplib.SMTPException) -> str | None:
    """The server's words when it refused the message for good (a 5xx to RCPT or DATA: no
    such mailbox, message refused), else None (a 4xx, a lost connection: worth a retry)."""
    answers: list[tuple[int, bytes | str]]
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = list(exc.recipients.values())
    elif isinstance(exc, smtplib.SMTPDataError):
        answers = [(exc.smtp_code, exc.smtp_error)]
    else:
        return None
    if not answers or not all(500 <= code <= 599 for code, _ in answers):
        return None
    return "; ".join(f"{code} {_text(words)}" for code, words in answers)


def _text(words: bytes | str) -> str:
    return words.decode("utf-8", "replace") if isinstance(words, bytes) else str(words)


def sender_from_config(config) -> SmtpSender:
    return SmtpSender(
        host=config["SMTP_HOST"],
        port=config["SMTP_PORT"],
        from_address=config["SMTP_FROM"],
        timeout_s=config["SMTP_TIMEOUT_S"],
        inbound=InboundAddresses.from_settings(
            config.get("INBOUND_EMAIL_DOMAIN", ""), config["SECRET_KEY"]
        ),
        public_base_url=config.get("PUBLIC_BASE_URL") or None,
    )
