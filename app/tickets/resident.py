"""The resident's side of a ticket, through their private follow link: read, comment, reopen.

The resident has no account: the token in their link is their only credential, and it opens
one report. Everything shown here is public (the report, its public updates, its status
history and the reasons given to the resident); internal notes, staff names and anyone's
contact details never are.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint, func, text
from sqlalchemy.engine import Row
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db import Base
from app.errors import NotFoundError, PaveError
from app.reports import models as _reports  # noqa: F401  (the foreign key's table)
from app.reports.states import CLOSED_STATUSES, Status
from app.tickets import edits, notifications, services
from app.tickets.notifications import token_hash
from app.tickets.states import REASON_REQUIRED, REPORTER_REOPEN_DAYS

# A closed ticket's link stops working this long after it was closed (FOLLOW_LINK_EXPIRY_DAYS).
DEFAULT_EXPIRY_DAYS = 180
# Tokens are 43 characters; anything much longer is not one of ours.
MAX_TOKEN_LENGTH = 100

# What the reporter's "it is fixed" says on the ticket, in their language.
FIXED_TEXT = {
    "fr": "La personne qui a signalé le problème confirme qu'il est réparé.",
    "nl": "De melder bevestigt dat het probleem verholpen is.",
    "de": "Die meldende Person bestätigt, dass das Problem behoben ist.",
    "en": "The person who reported the problem confirms it is fixed.",
}


class FollowToken(Base):
    """A private link of a reporter to one report; only the token's SHA-256 is kept."""

    __tablename__ = "resident_follow_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    # Set on every token of the report and reporter at once: no more emails about it.
    unsubscribed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ReportFollower(Base):
    """Someone who follows a report without having made it: the reporter of a duplicate.

    When a report becomes a duplicate, its followers move to the original and hear of it in
    their own language; their first email about it carries a follow link to the original.
    """

    __tablename__ = "report_followers"
    __table_args__ = (UniqueConstraint("report_id", "email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    # Kept in lower case: one follower per address, however the reports spelled it.
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2))
    # The duplicate they followed before; an unsubscribe through its links reaches here.
    merged_from: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("reports.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    unsubscribed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class FollowLinkExpiredError(PaveError):
    title = "This link has expired"


class ReportClosedError(PaveError):
    title = "This report is closed"


FIND_SQL = text(
    """
    SELECT t.report_id, t.email, r.status, r.reporter_language, r.planned_for,
           lower(t.email) = lower(r.reporter_email) IS TRUE AS is_reporter,
           CASE WHEN r.status = 'duplicate' THEN r.duplicate_of END AS merged_into,
           (SELECT max(h.at) FROM report_status_changes h
            WHERE h.report_id = r.id AND h.to_status = r.status) AS status_since,
           EXISTS (SELECT 1 FROM resident_follow_tokens u
                   WHERE u.report_id = t.report_id AND lower(u.email) = lower(t.email)
                     AND u.unsubscribed_at IS NOT NULL) AS unsubscribed,
           now() AS db_now
    FROM resident_follow_tokens t JOIN reports r ON r.id = t.report_id
    WHERE t.token_hash = :token_hash
    """
)

UPDATES_SQL = text(
    "SELECT author = 'reporter' AS by_reporter, body, created_at FROM report_updates "
    "WHERE report_id = :id AND public ORDER BY id"
)

# Only the reasons the resident is meant to read: those a rejection or transfer requires.
# Notes of other changes may be written for colleagues, so they stay inside.
HISTORY_SQL = text(
    "SELECT from_status, to_status, at, actor = 'reporter' AS by_reporter, "
    "CASE WHEN to_status = ANY(:public_reasons) THEN note END AS reason "
    "FROM report_status_changes WHERE report_id = :id ORDER BY id"
)

# The report and those its follower moved to when it became a duplicate (and so on).
FOLLOWED_SQL = text(
    """
    WITH RECURSIVE followed(id) AS (
        SELECT CAST(:id AS uuid)
        UNION
        SELECT f.report_id FROM report_followers f JOIN followed ON f.merged_from = followed.id
        WHERE f.email = lower(:email)
    )
    SELECT r.id FROM reports r JOIN followed USING (id) ORDER BY r.id FOR UPDATE OF r
    """
)
UNSUBSCRIBE_SQL = text(
    "UPDATE resident_follow_tokens SET unsubscribed_at = now() "
    "WHERE report_id = ANY(:ids) AND lower(email) = lower(:email) AND unsubscribed_at IS NULL"
)
UNFOLLOW_SQL = text(
    "UPDATE report_followers SET unsubscribed_at = now() "
    "WHERE report_id = ANY(:ids) AND email = lower(:email) AND unsubscribed_at IS NULL"
)
# Messages not yet sent are withdrawn. One the worker is sending holds its row lock, so this
# waits for it, and then skips it as sent.
WITHDRAW_SQL = text(
    "DELETE FROM outbox_messages WHERE report_id = ANY(:ids) "
    "AND lower(recipient) = lower(:email) AND kind LIKE 'resident\\_%' AND sent_at IS NULL"
)


@dataclass(frozen=True)
class Follower:
    """The reporter behind a valid token, and the state of their report."""

    report_id: uuid.UUID
    email: str
    status: str
    language: str
    planned_for: dt.date | None
    # The original this report was merged into, when it is a duplicate; its followers
    # follow the original since, and this link keeps showing the report as it was merged.
    merged_into: uuid.UUID | None
    status_since: dt.datetime | None
    unsubscribed: bool
    db_now: dt.datetime
    # The link was made for the report's author, not for a neighbour who follows it.
    is_reporter: bool = False

    @property
    def reopen_until(self) -> dt.datetime | None:
        """Until when the reporter may say "it is not fixed"; None unless resolved."""
        if self.status != Status.RESOLVED or self.status_since is None:
            return None
        return self.status_since + dt.timedelta(days=REPORTER_REOPEN_DAYS)

    @property
    def can_reopen(self) -> bool:
        return self.reopen_until is not None and self.db_now <= self.reopen_until


def find(session: Session, token: str, expiry_days: int = DEFAULT_EXPIRY_DAYS) -> Follower:
    """The follower of `token`; NotFoundError if unknown, FollowLinkExpiredError if too old."""
    row: Row | None = None
    if 0 < len(token) <= MAX_TOKEN_LENGTH:
        db = session.connection()
        row = db.execute(FIND_SQL, {"token_hash": token_hash(token)}).one_or_none()
    if row is None:
        raise NotFoundError("This follow link is not valid: check that it was copied whole.")
    follower = Follower(
        report_id=row.report_id,
        email=row.email,
        status=row.status,
        language=row.reporter_language,
        planned_for=row.planned_for,
        merged_into=row.merged_into,
        status_since=row.status_since,
        unsubscribed=row.unsubscribed,
        db_now=row.db_now,
        is_reporter=row.is_reporter,
    )
    closed = Status(follower.status) in CLOSED_STATUSES
    if closed and follower.status_since is not None:
        expires = follower.status_since + dt.timedelta(days=expiry_days)
        if follower.db_now > expires:
            raise FollowLinkExpiredError(
                f"This report was closed on {follower.status_since:%Y-%m-%d} and its link "
                f"expired {expiry_days} days later; make a new report if the problem is back."
            )
    return follower


@dataclass(frozen=True)
class Timeline:
    """What the follow page shows besides the report's public view."""

    updates: list[Row]
    history: list[Row]


OWN_DESCRIPTION_SQL = text(
    "SELECT description FROM reports WHERE id = :id AND lower(reporter_email) = lower(:email)"
)


def own_description(session: Session, follower: Follower) -> str | None:
    """The report's text when the follower wrote it, published or not; None otherwise.

    The public view holds the text back until staff publish it, but a reporter may always
    read what they wrote; a neighbour who follows the same report may not.
    """
    params = {"id": follower.report_id, "email": follower.email}
    return session.execute(OWN_DESCRIPTION_SQL, params).scalar_one_or_none()


def timeline(session: Session, report_id: uuid.UUID) -> Timeline:
    db = session.connection()
    reasons = [status.value for status in REASON_REQUIRED]
    return Timeline(
        updates=db.execute(UPDATES_SQL, {"id": report_id}).all(),
        history=db.execute(HISTORY_SQL, {"id": report_id, "public_reasons": reasons}).all(),
    )


def comment(session: Session, follower: Follower, body: str) -> None:
    """The reporter's comment, a public update of the ticket (audited)."""
    edits.add_update(
        session, follower.report_id, body, actor=services.Actor.reporter(), public=True
    )


def say_fixed(session: Session, follower: Follower, comment_text: str | None = None) -> None:
    """The reporter confirms the problem is fixed: a public update the crews can act on."""
    text_ = FIXED_TEXT.get(follower.language, FIXED_TEXT["fr"])
    if comment_text:
        text_ = f"{text_}\n\n{comment_text}"
    edits.add_update(
        session,
        follower.report_id,
        text_,
        actor=services.Actor.reporter(),
        public=True,
        action="reporter_says_fixed",
    )


def say_not_fixed(session: Session, follower: Follower, comment_text: str | None = None) -> None:
    """Reopen a resolved ticket, within REPORTER_REOPEN_DAYS of its resolution."""
    actor = services.Actor.reporter()
    services.transition(session, follower.report_id, Status.REOPENED, actor=actor)
    if comment_text:
        edits.add_update(session, follower.report_id, comment_text, actor=actor, public=True)


def unsubscribe(session: Session, follower: Follower) -> None:
    """No more emails to this reporter about this report, including those not yet sent.

    That holds for the originals the report was merged into as well: the follower moved there
    with the report, and asked to hear no more of the problem they reported.
    """
    db = session.connection()
    # The reports' row locks order this after any change being made to the tickets, whose
    # email is then withdrawn here, and before any later one, which then sees the wish.
    ids = db.execute(FOLLOWED_SQL, {"id": follower.report_id, "email": follower.email})
    params = {"ids": list(ids.scalars()), "email": follower.email}
    changed = db.execute(UNSUBSCRIBE_SQL, params).rowcount
    changed += db.execute(UNFOLLOW_SQL, params).rowcount
    withdrawn = db.execute(WITHDRAW_SQL, params).rowcount
    if changed:
        audit = {
            "actor": "reporter",
            "actor_user_id": None,
            "report_id": follower.report_id,
            "action": "reporter_unsubscribed",
            "before": {},
            "after": {"withdrawn_messages": withdrawn},
        }
        db.execute(services.AUDIT_SQL, audit)


REPORT_STATUS_SQL = text(
    "SELECT status, lower(reporter_email) AS reporter_email FROM reports WHERE id = :id FOR SHARE"
)
# One row per address and report: a second request for the same address adds nothing.
FOLLOW_SQL = text(
    "INSERT INTO report_followers (report_id, email, language) "
    "VALUES (:report_id, lower(:email), :language) "
    "ON CONFLICT (report_id, email) DO NOTHING RETURNING id"
)


def follow(session: Session, report_id: uuid.UUID, email: str, language: str) -> bool:
    """Someone follows an open report they did not make; True if they are new to it.

    A new follower gets one email with a follow link of their own, and then the reporter's
    emails of each step. Following again, or following one's own report, changes nothing and
    sends nothing, so the answer cannot tell who else follows the report.
    """
    db = session.connection()
    # The share lock orders this with a change of the report: its status email is written
    # either before the follower arrives or after, to them too.
    report = db.execute(REPORT_STATUS_SQL, {"id": report_id}).one_or_none()
    if report is None:
        raise NotFoundError(f"There is no report {report_id}.")
    if Status(report.status) in CLOSED_STATUSES:
        raise ReportClosedError(
            "This report is closed and can no longer be followed; make a new report if the "
            "problem is still there."
        )
    if report.reporter_email == email.lower():
        return False
    params = {"report_id": report_id, "email": email, "language": language}
    if db.execute(FOLLOW_SQL, params).scalar_one_or_none() is None:
        return False
    facts = notifications.facts(db, report_id)
    # The follower reads what the reporter would, with a follow link of their own.
    as_follower = {
        "reporter_email": email.lower(),
        "reporter_language": language,
        "reporter_unsubscribed": False,
    }
    row = SimpleNamespace(**(facts._asdict() | as_follower))
    notifications.notify_resident(db, row, "resident_following")
    return True
