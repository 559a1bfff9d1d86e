"""The daily digest: each body on a digest hears of its new tickets once a day.

A body with notify_mode 'daily', a contact email and a delivery_method by email receives one
message listing the tickets it received since its last digest: new reports and tickets
transferred to it, each in a few lines (what, where, who reported it, photos, its link). The
worker (`flask --app app worker`) queues the digests of the day from DIGEST_HOUR, local time
(DIGEST_TIMEZONE); `flask --app app digest` does the same at once (both: app/notify/cli.py).

Each body's bookmark (the end of the span its last digest covered, and the day it was for) is
moved in the transaction that writes the message, under the bookmark's row lock: two workers
at the same hour wait for each other there, and the second finds the day's digest written, so
a body gets at most one digest a day however many workers run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Date, ForeignKey, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.bodies import models as _bodies  # noqa: F401  (the foreign key's table)
from app.dates import long_datetime
from app.db import Base
from app.delivery.body_email import photo_links
from app.delivery.models import EMAIL_METHODS
from app.notify import outbox
from app.notify.body_messages import DIGEST_LABELS
from app.notify.notifications import body_language, body_values, values
from app.reports.sql import REPORT_JOINS, REPORT_NAMES

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
    last_sent_at: Mapped[dt.datetime]
    # The local day of the last scheduled digest: the worker sends at most one a day.
    last_digest_day: Mapped[dt.date | None] = mapped_column(Date)


# Only the bodies that receive their reports by email (delivery_method).
BODIES_SQL = text(
    "SELECT id, code, contact_email, region_code FROM bodies "
    "WHERE notify_mode = 'daily' AND contact_email IS NOT NULL "
    f"AND delivery_method IN ({', '.join(repr(m) for m in sorted(EMAIL_METHODS))}) ORDER BY id"
)
BOOKMARK_SQL = text(
    "INSERT INTO body_digests (body_id, last_sent_at) VALUES (:body_id, :first_since) "
    "ON CONFLICT (body_id) DO NOTHING"
)
LOCK_BOOKMARK_SQL = text(
    "SELECT last_sent_at, last_digest_day FROM body_digests WHERE body_id = :body_id FOR UPDATE"
)
MOVE_BOOKMARK_SQL = text(
    "UPDATE body_digests SET last_sent_at = :until, "
    "last_digest_day = coalesce(CAST(:day AS date), last_digest_day) WHERE body_id = :body_id"
)
# The body's tickets that arrived in (since, until]: made there, or transferred to it.
TICKETS_SQL = text(
    f"""
    SELECT r.id, r.description, r.planned_for, m.region_code, r.reporter_name,
           r.reporter_email, r.reporter_phone, r.accuracy_m,
           ST_Y(r.location) AS lat, ST_X(r.location) AS lon, {REPORT_NAMES}
    {REPORT_JOINS}
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


def _item(db: Connection, ticket, language: str) -> str:
    """A ticket in a few lines: what and where, who reported it, its photos and its link."""
    named = values(ticket, language) | body_values(ticket, language)
    labels = DIGEST_LABELS[language]
    description = " ".join((ticket.description or "").split())
    if len(description) > DESCRIPTION_CHARS:
        description = description[: DESCRIPTION_CHARS - 1] + "…"
    line = f"- {named['ref']} · {named['category']} · {named['commune']}"
    if description:
        line += f": {description}"
    lines = [
        line,
        f"  {labels['map']} {named['map_url']}",
        f"  {labels['reporter']} {named['reporter']}",
        *(f"  {link}" for link in photo_links(db, ticket.id)),
        f"  {labels['ticket']} {named['ticket_url']}",
    ]
    return "\n".join(lines)


def _digest_one(db: Connection, body, until: dt.datetime, day: dt.date | None) -> Digest:
    params = {"body_id": body.id, "first_since": until - FIRST_SPAN}
    db.execute(BOOKMARK_SQL, params)
    bookmark = db.execute(LOCK_BOOKMARK_SQL, params).one()
    since = bookmark.last_sent_at
    if since >= until or (day and bookmark.last_digest_day and bookmark.last_digest_day >= day):
        # Another run covered this span, or wrote this day's digest, already.
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
            since=long_datetime(since, language),
            items="\n\n".join(_item(db, t, language) for t in tickets),
        )
    db.execute(MOVE_BOOKMARK_SQL, {"body_id": body.id, "until": until, "day": day})
    return Digest(body.code, len(tickets), message_id)


def send_digests(
    session: Session, *, until: dt.datetime | None = None, day: dt.date | None = None
) -> list[Digest]:
    """Queue each digest body's message of the tickets up to `until`; the caller commits.

    `until` defaults to SETTLE before the database's clock. A body with no new ticket gets
    no message, and its bookmark still moves. With `day` (the local date the digest is
    for), a body whose digest of that day was written already is left alone.
    """
    db = session.connection()
    if until is None:
        until = db.execute(NOW_SQL).scalar_one() - SETTLE
    return [_digest_one(db, body, until, day) for body in db.execute(BODIES_SQL).all()]


@dataclass
class DailyDigests:
    """When a worker queues the digests: once a day, from `hour` o'clock in `timezone`.

    `done_for` spares the worker a look at the database on every turn once the day's
    digests are written; the bookmarks, not this, keep two workers from sending twice.
    """

    hour: int
    timezone: str = "Europe/Brussels"
    done_for: dt.date | None = None

    def today(self, now: dt.datetime | None = None) -> dt.date | None:
        """The local day whose digests are due at `now` (default: now), or None."""
        local = (now or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(self.timezone))
        if local.hour < self.hour or local.date() == self.done_for:
            return None
        return local.date()

    def run(self, engine: Engine, now: dt.datetime | None = None) -> list[Digest]:
        """Queue the day's digests if they are due; the ones queued by this call.

        Without `now`, the digests cover tickets up to the database's clock (less SETTLE).
        """
        day = self.today(now)
        if day is None:
            return []
        until = now - SETTLE if now else None
        with Session(engine) as session, session.begin():
            digests = send_digests(session, until=until, day=day)
        self.done_for = day
        return [d for d in digests if d.message_id is not None]


def local_today(timezone: str) -> dt.date:
    return dt.datetime.now(ZoneInfo(timezone)).date()
