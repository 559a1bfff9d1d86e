"""The notification outbox: messages written with the change, claimed and marked by the worker.

Why a table of our own rather than procrastinate: procrastinate (3.10) can now defer a job on
the caller's connection, so the write would be atomic, but it would not send more safely: its
worker marks a job "doing" in one transaction and "succeeded" in another, so a crash between
the SMTP server's acceptance and the second commit sends the mail again, exactly as here. What
it would add is a schema of its own beside Alembic's (its tables are not in our metadata, so
the migration tests would have to learn about them), an asyncio worker, and messages hidden in
JSON job arguments. The outbox rows are domain data: what was told to whom and when, shown on
a ticket and grouped for the daily digest. Claiming them needs one `FOR UPDATE SKIP LOCKED`
query, so the worker stays small.

A message is sent once: it is claimed, sent and marked sent in one transaction, and its row
lock keeps every other worker away until that commit. The one window left is a crash after
the SMTP server accepted the message and before the commit (no mail queue can close it, as
SMTP cannot join a database transaction); the message is then sent again with the same
Message-ID, so that mail systems can drop the copy.

A failure (any error, building the message as much as sending it) pushes the message back
by an exponential backoff; after OUTBOX_MAX_ATTEMPTS failures the message is given up
(`failed_at`), kept with its last error, and never claimed again. A permanent refusal by the
recipient's server (a 5xx to RCPT or DATA) gives it up at once, as bounced (`bounced_at`,
`bounce_reason`); a delivery status notification received later marks a sent message bounced
too (app/delivery/inbound.py). Once a message is sent or given up, the private links it carried (follow, unsubscribe, invitation, password reset) are
replaced in the stored body by a marker: a row at rest holds no working token.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import Connection

from app.notify.messages import render
from app.notify.wakeup import notify

# Retries wait 1, 2, 4 ... minutes, at most 6 hours, up to the worker's maximum attempts.
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_MAX = dt.timedelta(hours=6)
# What replaces a private link in a message once it is sent or given up.
REDACTED = "[link removed once sent]"

INSERT_SQL = text(
    """
    INSERT INTO outbox_messages (kind, report_id, recipient, language, subject, body, redactions)
    VALUES (:kind, :report_id, :recipient, :language, :subject, :body, :redactions)
    RETURNING id
    """
)

# SKIP LOCKED lets several workers drain the table side by side: each takes a message no
# other worker holds. If another worker marked this row sent after our snapshot, PostgreSQL
# re-checks `sent_at IS NULL` on the row's newest version before locking it, so it is skipped.
CLAIM_SQL = text(
    """
    SELECT id, kind, report_id, recipient, language, subject, body, attempts, redactions
    FROM outbox_messages
    WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
    ORDER BY next_attempt_at, id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
    """
)

SENT_SQL = text(
    "UPDATE outbox_messages SET sent_at = clock_timestamp(), attempts = attempts + 1, "
    "last_error = NULL, subject = :subject, body = :body, redactions = NULL WHERE id = :id"
)

FAILED_SQL = text(
    "UPDATE outbox_messages SET attempts = attempts + 1, last_error = :error, "
    "next_attempt_at = clock_timestamp() + :delay WHERE id = :id"
)

# A permanent refusal (a 5xx at SMTP time) gives the message up at once: no retry would pass.
BOUNCED_SQL = text(
    "UPDATE outbox_messages SET attempts = attempts + 1, last_error = :error, "
    "failed_at = clock_timestamp(), bounced_at = clock_timestamp(), bounce_reason = :error, "
    "subject = :subject, body = :body, redactions = NULL WHERE id = :id"
)

GIVEN_UP_SQL = text(
    "UPDATE outbox_messages SET attempts = attempts + 1, last_error = :error, "
    "failed_at = clock_timestamp(), subject = :subject, body = :body, redactions = NULL "
    "WHERE id = :id"
)


@dataclass(frozen=True)
class Message:
    id: int
    kind: str
    report_id: uuid.UUID | None
    recipient: str
    language: str
    subject: str
    body: str
    attempts: int
    redactions: list[str] | None = None
    # Set as the worker sends it (app/delivery/body_email.compose), never stored.
    reply_to: str | None = None
    return_path: str | None = None

    def redacted(self) -> tuple[str, str]:
        """The subject and body with every private link replaced by a marker."""
        subject, body = self.subject, self.body
        # The longest first: an unsubscribe link starts with its follow link.
        for secret in sorted(self.redactions or (), key=len, reverse=True):
            subject, body = subject.replace(secret, REDACTED), body.replace(secret, REDACTED)
        return subject, body


@dataclass
class SendCounts:
    """What one drain of an outbox did: the messages sent, those that failed (the given up
    among them, tried for the last time) and each failure's error. Both outboxes count so,
    the email one here (app.notify.worker) and the bodies' Open311 one (app.delivery.sender),
    each adding what only it sees."""

    sent: int = 0
    failed: int = 0
    given_up: int = 0
    errors: list[str] = field(default_factory=list)


def is_private_link(name: str) -> bool:
    """Whether a placeholder holds a link that carries a token (follow_url, unsubscribe_url,
    an invitation's or a password reset's link): such values are redacted once sent."""
    return name == "link" or name.endswith(("_url", "_link"))


def enqueue(
    db: Connection,
    kind: str,
    *,
    recipient: str,
    language: str | None,
    report_id: uuid.UUID | None = None,
    **values: object,
) -> int:
    """Write a message in the caller's transaction: it exists if and only if the change does."""
    email = render(kind, language, **values)
    links = sorted(
        {v for k, v in values.items() if is_private_link(k) and isinstance(v, str) and v}
    )
    params = {
        "kind": kind,
        "report_id": report_id,
        "recipient": recipient,
        "language": email.language,
        "subject": email.subject,
        "body": email.body,
        "redactions": links or None,
    }
    message_id = db.execute(INSERT_SQL, params).scalar_one()
    notify(db)
    return message_id


def claim(db: Connection) -> Message | None:
    """Lock the next due message for this transaction, or None when nothing is due."""
    row = db.execute(CLAIM_SQL).one_or_none()
    return None if row is None else Message(**row._mapping)


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th failed attempt (1 for the first)."""
    # The exponent stops growing long after the ceiling is reached, before timedelta overflows.
    return min(BACKOFF_BASE * 2 ** min(max(attempts - 1, 0), 20), BACKOFF_MAX)


def mark_sent(db: Connection, message: Message) -> None:
    subject, body = message.redacted()
    db.execute(SENT_SQL, {"id": message.id, "subject": subject, "body": body})


def mark_bounced(db: Connection, message: Message, reason: str) -> None:
    """Record a permanent refusal by the recipient's mail system: given up, not retried."""
    subject, body = message.redacted()
    reason = reason.replace("\x00", "\\x00")[:2000]
    db.execute(BOUNCED_SQL, {"id": message.id, "error": reason, "subject": subject, "body": body})


def mark_failed(
    db: Connection, message: Message, error: str, *, max_attempts: int | None = None
) -> bool:
    """Record a failed attempt: retried after its backoff, or given up (True) when it was the
    last of `max_attempts` (None: never given up)."""
    attempts = message.attempts + 1
    # PostgreSQL text cannot hold NUL: an error quoting one must not fail the marking too.
    error = error.replace("\x00", "\\x00")
    if max_attempts is not None and attempts >= max_attempts:
        subject, body = message.redacted()
        params = {"id": message.id, "error": error[:2000], "subject": subject, "body": body}
        db.execute(GIVEN_UP_SQL, params)
        return True
    db.execute(FAILED_SQL, {"id": message.id, "error": error[:2000], "delay": backoff(attempts)})
    return False
