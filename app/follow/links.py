"""The resident's side of a ticket, through their private follow link: read, comment, reopen.

The resident has no account: the token in their link is their only credential, and it opens
one report. Everything shown here is public (the report, its public updates, its status
history and the reasons given to the resident); internal notes, staff names and anyone's
contact details never are.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.engine import Row
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.dates import BELGIAN_TIME, long_date
from app.db import Base
from app.errors import NotFoundError
from app.follow.errors import FollowLinkExpiredError, NotTheReporterError
from app.i18n import LANGUAGES
from app.notify.notifications import token_hash
from app.problems import Localized, msg
from app.reports import models as _reports  # noqa: F401  (the foreign key's table)
from app.reports.queries import get_report
from app.reports.states import CLOSED_STATUSES, Status
from app.tickets import edits, services
from app.tickets.plans import planned_dates
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
    """A private link to one report; only the token's SHA-256 is kept.

    Its role says what it may do: a reporter's link speaks as the reporter (says fixed or not
    fixed, reopens); a follower's link reads the public view and comments as a follower.
    """

    __tablename__ = "resident_follow_tokens"
    __table_args__ = (CheckConstraint("role IN ('reporter', 'follower')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    # Set on every token of the report and reporter at once: no more emails about it.
    unsubscribed_at: Mapped[dt.datetime | None]
    role: Mapped[str] = mapped_column(String(10))


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
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())
    unsubscribed_at: Mapped[dt.datetime | None]
    # A request to follow waits for its address to confirm it (by the link of the one email
    # it sends) until confirm_expires_at; nothing else is sent there before.
    confirmed_at: Mapped[dt.datetime | None]
    confirm_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    confirm_expires_at: Mapped[dt.datetime | None]


# A Follower's fields, by name.
FIND_SQL = text(
    """
    SELECT t.id AS token_id, t.role = 'reporter' AS is_reporter, t.report_id, t.email, r.status,
           r.reporter_language AS language,
           CASE WHEN r.status = 'planned' THEN r.planned_for END AS planned_for,
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

# The published updates, and the comments the link's own person wrote (through any of their
# links of the same role) that staff have not published yet: a resident's comment is read by
# staff and its author only until then. Times as published (pave_public_time) unless the
# reader is the report's author.
UPDATES_SQL = text(
    "SELECT u.id, u.author, u.body, u.public, "
    "CASE WHEN :exact THEN u.created_at ELSE pave_public_time(u.created_at, u.report_id) END "
    "AS created_at FROM report_updates u "
    "LEFT JOIN resident_follow_tokens t ON t.id = u.follow_token_id "
    "WHERE u.report_id = :id AND (u.public OR (t.report_id = u.report_id "
    "AND lower(t.email) = lower(:email) AND t.role = :role)) ORDER BY u.id"
)

# Only the reasons the resident is meant to read: those a rejection or transfer requires,
# to the reporter always, to a follower when staff made the reason public. Notes of other
# changes may be written for colleagues, so they stay inside.
HISTORY_SQL = text(
    "SELECT from_status, to_status, "
    "CASE WHEN :exact THEN at ELSE pave_public_time(at, report_id) END AS at, "
    "actor = 'reporter' AS by_reporter, "
    "CASE WHEN to_status = ANY(:public_reasons) AND (reason_public OR :is_reporter) "
    "THEN note END AS reason "
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
    """The person behind a valid token (the reporter or a follower), and their report."""

    token_id: int
    # What the link may do: only the reporter's says fixed or not fixed and speaks as them.
    is_reporter: bool
    report_id: uuid.UUID
    email: str
    status: str
    language: str
    # Only while it is planned: once it moves on, the history alone says for when it was.
    planned_for: dt.date | None
    # The original this report was merged into, when it is a duplicate; its followers
    # follow the original since, and this link keeps showing the report as it was merged.
    merged_into: uuid.UUID | None
    status_since: dt.datetime | None
    unsubscribed: bool
    db_now: dt.datetime

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
        raise NotFoundError(msg("follow.invalid-link"))
    follower = Follower(**row._asdict())
    closed = Status(follower.status) in CLOSED_STATUSES
    if closed and follower.status_since is not None:
        expires = follower.status_since + dt.timedelta(days=expiry_days)
        if follower.db_now > expires:
            closed_on = follower.status_since.astimezone(BELGIAN_TIME).date()
            raise FollowLinkExpiredError(
                msg(
                    "follow.expired",
                    date=Localized({lang: long_date(closed_on, lang) for lang in LANGUAGES}),
                    days=expiry_days,
                ),
                closed_on=closed_on.isoformat(),
                expiry_days=expiry_days,
            )
    return follower


@dataclass(frozen=True)
class Timeline:
    """What the follow page shows besides the report's public view."""

    updates: Sequence[Row]
    history: Sequence[Row]
    # The date of each move to "planned" in `history`, in order.
    plans: list[dt.date | None]


def public_original(session: Session, follower: Follower) -> uuid.UUID | None:
    """The original a duplicate was merged into, when anyone may read it anyway: published,
    and not generalised (a sensitive category's). None otherwise, and for a report that is no
    duplicate: the follow page then says only that it is a duplicate.
    """
    if follower.merged_into is None:
        return None
    try:
        original = get_report(session, follower.merged_into)
    except NotFoundError:
        return None  # not published (yet): nothing of it is said
    return None if original.generalised else original.id


def timeline(session: Session, follower: Follower) -> Timeline:
    """What the follow page shows of the timeline to this link's person.

    The reporter reads exact times; anyone else reads them as published (pave_public_time).
    """
    db = session.connection()
    reasons = [status.value for status in REASON_REQUIRED]
    own = {
        "id": follower.report_id,
        "email": follower.email,
        "role": "reporter" if follower.is_reporter else "follower",
        "exact": follower.is_reporter,
    }
    history = {
        "id": follower.report_id,
        "public_reasons": reasons,
        "is_reporter": follower.is_reporter,
        "exact": follower.is_reporter,
    }
    return Timeline(
        updates=db.execute(UPDATES_SQL, own).all(),
        history=db.execute(HISTORY_SQL, history).all(),
        plans=planned_dates(db, follower.report_id),
    )


def _actor(follower: Follower) -> services.Actor:
    return services.Actor.reporter() if follower.is_reporter else services.Actor(name="follower")


def _require_reporter(follower: Follower) -> None:
    if not follower.is_reporter:
        raise NotTheReporterError(msg("follow.not-reporter"))


def comment(session: Session, follower: Follower, body: str) -> int:
    """A resident's comment (as the reporter or as a follower), audited; its id.

    It is not public: staff read it, and publish it, possibly edited, if it may be. Until
    then its author alone reads it on their follow page.
    """
    return edits.add_update(
        session,
        follower.report_id,
        body,
        actor=_actor(follower),
        public=False,
        action="resident_comment",
        follow_token_id=follower.token_id,
    )


# Whether the reporter said "fixed" since the ticket last changed status.
SAID_FIXED_SQL = text(
    """
    SELECT EXISTS (
        SELECT 1 FROM audit_log a
         WHERE a.report_id = :id AND a.action = 'reporter_says_fixed'
           AND a.at >= coalesce((SELECT max(h.at) FROM report_status_changes h
                                  WHERE h.report_id = :id), '-infinity'))
    """
)


def say_fixed(session: Session, follower: Follower, comment_text: str | None = None) -> None:
    """The reporter confirms the problem is fixed: a public update the crews can act on.

    The sentence is ours and public; a comment with it waits for staff like any other. Said
    once per status: saying it again (a double tap, a retry) adds no second public sentence.
    """
    _require_reporter(follower)
    said = session.execute(SAID_FIXED_SQL, {"id": follower.report_id}).scalar_one()
    if not said:
        edits.add_update(
            session,
            follower.report_id,
            FIXED_TEXT.get(follower.language, FIXED_TEXT["fr"]),
            actor=services.Actor.reporter(),
            public=True,
            action="reporter_says_fixed",
        )
    if comment_text:
        comment(session, follower, comment_text)


def say_not_fixed(session: Session, follower: Follower, comment_text: str | None = None) -> None:
    """Reopen a resolved ticket, within REPORTER_REOPEN_DAYS of its resolution."""
    _require_reporter(follower)
    actor = services.Actor.reporter()
    services.transition(session, follower.report_id, Status.REOPENED, actor=actor)
    if comment_text:
        comment(session, follower, comment_text)


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
