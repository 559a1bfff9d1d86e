"""The daily digest: `flask --app app digest` tells each body on a digest of its new tickets.

A body with notify_mode 'daily' and a contact email receives one message listing the tickets
it received since its last digest: new reports and tickets transferred to it. Each body's
bookmark (the end of the span its last digest covered) is moved in the transaction that
writes the message, so running the command twice in a row sends nothing the second time,
and two runs at once wait for each other on the bookmark's row lock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import DateTime, ForeignKey, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.bodies import models as _bodies  # noqa: F401  (the foreign key's table)
from app.db import Base
from app.tickets import outbox
from app.tickets.notifications import body_language, values

# The first digest of a body covers the day before it.
FIRST_SPAN = dt.timedelta(days=1)
# A report's created_at is the start of its transaction, which commits a moment later. A
# digest covers tickets up to this long ago, so that none is still being written when the
# digest reads them; the most recent ones wait for the next digest.
SETTLE = dt.timedelta(minutes=1)
DESCRIPTION_CHARS = 120


class BodyDigest(Base):
    """Where the daily digest of a body stopped: tickets after it go into the next one."""

    __tablename__ = "body_digests"

    body_id: Mapped[int] = mapped_column(
        ForeignKey("bodies.id", ondelete="CASCADE"), primary_key=True
    )
    last_sent_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


BODIES_SQL = text(
    "SELECT id, code, contact_email, region_code FROM bodies "
    "WHERE notify_mode = 'daily' AND contact_email IS NOT NULL ORDER BY id"
)
BOOKMARK_SQL = text(
    "INSERT INTO body_digests (body_id, last_sent_at) VALUES (:body_id, :first_since) "
    "ON CONFLICT (body_id) DO NOTHING"
)
LOCK_BOOKMARK_SQL = text(
    "SELECT last_sent_at FROM body_digests WHERE body_id = :body_id FOR UPDATE"
)
MOVE_BOOKMARK_SQL = text("UPDATE body_digests SET last_sent_at = :until WHERE body_id = :body_id")
# The body's tickets that arrived in (since, until]: made there, or transferred to it.
TICKETS_SQL = text(
    """
    SELECT r.id, r.description, r.planned_for, m.region_code,
           c.name_fr AS category_fr, c.name_nl AS category_nl, c.name_de AS category_de,
           c.name_en AS category_en,
           m.name_fr AS commune_fr, m.name_nl AS commune_nl, m.name_de AS commune_de,
           b.name_fr AS body_fr, b.name_nl AS body_nl, b.name_de AS body_de,
           b.name_en AS body_en
    FROM reports r
    JOIN categories c ON c.id = r.category_id
    JOIN communes m ON m.id = r.commune_id
    JOIN bodies b ON b.id = r.body_id
    WHERE r.body_id = :body_id
      AND ((r.created_at > :since AND r.created_at <= :until)
           OR EXISTS (SELECT 1 FROM report_status_changes h
                      WHERE h.report_id = r.id AND h.to_status = 'transferred'
                        AND h.at > :since AND h.at <= :until))
    ORDER BY r.created_at, r.id
    """
)
NOW_SQL = text("SELECT now()")


@dataclass(frozen=True)
class Digest:
    body_code: str
    tickets: int
    message_id: int | None


def _item(ticket, language: str) -> str:
    named = values(ticket, language)
    description = " ".join((ticket.description or "").split())
    if len(description) > DESCRIPTION_CHARS:
        description = description[: DESCRIPTION_CHARS - 1] + "…"
    line = f"- {named['ref']} · {named['category']} · {named['commune']}"
    if description:
        line += f": {description}"
    return f"{line}\n  {ticket.id}"


def _digest_one(db: Connection, body, until: dt.datetime) -> Digest:
    params = {"body_id": body.id, "first_since": until - FIRST_SPAN}
    db.execute(BOOKMARK_SQL, params)
    since = db.execute(LOCK_BOOKMARK_SQL, params).scalar_one()
    if since >= until:
        # Another run covered this span already.
        return Digest(body.code, 0, None)
    tickets = db.execute(TICKETS_SQL, {"body_id": body.id, "since": since, "until": until}).all()
    message_id = None
    if tickets:
        language = body_language(body.region_code)
        message_id = outbox.enqueue(
            db,
            "body_digest",
            recipient=body.contact_email,
            language=language,
            count=len(tickets),
            since=f"{since:%Y-%m-%d %H:%M %Z}".strip(),
            items="\n".join(_item(t, language) for t in tickets),
        )
    db.execute(MOVE_BOOKMARK_SQL, {"body_id": body.id, "until": until})
    return Digest(body.code, len(tickets), message_id)


def send_digests(session: Session, *, until: dt.datetime | None = None) -> list[Digest]:
    """Queue each digest body's message of the tickets up to `until`; the caller commits.

    `until` defaults to SETTLE before the database's clock. A body with no new ticket gets
    no message, and its bookmark still moves.
    """
    db = session.connection()
    if until is None:
        until = db.execute(NOW_SQL).scalar_one() - SETTLE
    return [_digest_one(db, body, until) for body in db.execute(BODIES_SQL).all()]


@click.command("digest")
@with_appcontext
def digest_command() -> None:
    """Queue the daily digest of new tickets of each body set to notify_mode 'daily'."""
    from app import get_database

    with get_database(current_app).session() as session:
        digests = send_digests(session)
    sent = [d for d in digests if d.message_id is not None]
    for digest in sent:
        click.echo(f"{digest.body_code}: {digest.tickets} ticket(s)")
    click.echo(f"{len(sent)} digest(s) queued for {len(digests)} body(ies) on a daily digest.")
