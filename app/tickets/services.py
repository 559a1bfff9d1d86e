"""The ticket lifecycle: status transitions and the emails they queue, each audited.

`transition` locks the ticket (`store.lock_ticket`), checks that the lifecycle allows the new
status and what that status needs, saves it (`store.save_ticket`), writes its history and
outbox rows, and leaves the commit to the caller: the whole change, with the messages that
tell about it, lands at once or not at all. The other edits of a ticket are in `edits`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection, Row
from sqlalchemy.orm import Session

from app.delivery.outbox import queue_delivery
from app.notify import notifications
from app.reports.states import Status
from app.text import says_something
from app.tickets.errors import (
    InvalidDuplicateError,
    InvalidTransferError,
    InvalidTransitionError,
    MissingPlannedDateError,
    MissingReasonError,
    ReopenWindowClosedError,
)
from app.tickets.states import REASON_REQUIRED, REPORTER_REOPEN_DAYS, allowed_transitions
from app.tickets.store import AUDIT_SQL, Actor, Ticket, lock_ticket, save_ticket

# `Actor` and `AUDIT_SQL` are also imported from here by the callers of the lifecycle.
__all__ = [
    "AUDIT_SQL",
    "RESIDENT_NOTIFIED",
    "Actor",
    "Ticket",
    "notify_new_report",
    "notify_update",
    "transition",
]

# The steps the reporter and the followers hear of, each by an email of its own in their
# language (a reopening has its own emails, below): the follow page promises "an email at
# every step", a merge and a transfer included.
RESIDENT_NOTIFIED = frozenset(
    {
        Status.ACKNOWLEDGED,
        Status.PLANNED,
        Status.RESOLVED,
        Status.REJECTED,
        Status.DUPLICATE,
        Status.TRANSFERRED,
    }
)


# Marking a duplicate locks two reports. Taking both in the order of their ids, before
# anything else, means two crews merging A into B and B into A at the same moment queue on
# the first row instead of deadlocking; the second then finds its original is a duplicate.
# (ORDER BY sorts before FOR UPDATE locks, so rows are locked in that order.)
LOCK_PAIR_SQL = text("SELECT id FROM reports WHERE id IN (:a, :b) ORDER BY id FOR UPDATE")

HISTORY_SQL = text(
    "INSERT INTO report_status_changes (report_id, from_status, to_status, actor, note, "
    "reason_public) VALUES (:report_id, :from_status, :to_status, :actor, :note, :reason_public)"
)

RESOLVED_AGE_SQL = text(
    "SELECT now() - max(at) > make_interval(days => :days) FROM report_status_changes "
    "WHERE report_id = :id AND to_status = 'resolved'"
)

# The share lock orders the merge with any change of the original: its status emails are
# written either before the followers arrive or after, to them too.
ORIGINAL_SQL = text("SELECT status FROM reports WHERE id = :id FOR SHARE")

# The duplicate's reporter and its own moved followers follow the original, unless they
# unsubscribed from the duplicate or already follow the original (or left it). They confirmed
# their address already (the reporter by making the report), so they follow it at once; a
# request of theirs still waiting on the original is confirmed by the same token.
MOVE_FOLLOWERS_SQL = text(
    """
    INSERT INTO report_followers (report_id, email, language, merged_from, confirmed_at)
    SELECT DISTINCT ON (f.email) :original, f.email, f.language, :duplicate, now()
    FROM (SELECT lower(reporter_email) AS email, reporter_language AS language, 0 AS rank
          FROM reports WHERE id = :duplicate AND reporter_email IS NOT NULL
          UNION ALL
          SELECT email, language, 1 FROM report_followers
          WHERE report_id = :duplicate AND unsubscribed_at IS NULL
            AND confirmed_at IS NOT NULL) AS f
    WHERE NOT EXISTS (SELECT 1 FROM resident_follow_tokens t
                      WHERE t.report_id = :duplicate AND lower(t.email) = f.email
                        AND t.unsubscribed_at IS NOT NULL)
      AND NOT EXISTS (SELECT 1 FROM reports o
                      WHERE o.id = :original AND lower(o.reporter_email) = f.email)
    ORDER BY f.email, f.rank
    ON CONFLICT (report_id, email) DO UPDATE
       SET confirmed_at = now(), confirm_token_hash = NULL, confirm_expires_at = NULL,
           merged_from = EXCLUDED.merged_from
     WHERE report_followers.confirmed_at IS NULL AND report_followers.unsubscribed_at IS NULL
    """
)

# Who hears of the report besides its reporter: once per address, never its reporter again.
FOLLOWERS_SQL = text(
    """
    SELECT f.email, f.language
    FROM report_followers f JOIN reports r ON r.id = f.report_id
    WHERE f.report_id = :id AND f.unsubscribed_at IS NULL AND f.confirmed_at IS NOT NULL
      AND f.email IS DISTINCT FROM lower(r.reporter_email)
      AND NOT EXISTS (SELECT 1 FROM resident_follow_tokens t
                      WHERE t.report_id = f.report_id AND lower(t.email) = f.email
                        AND t.unsubscribed_at IS NOT NULL)
    ORDER BY f.id
    """
)
BODY_SQL = text("SELECT id FROM bodies WHERE code = :code")


def notify_new_report(
    session: Session, report_id: uuid.UUID, *, tell_reporter: bool = True
) -> None:
    """Queue the emails of a new ticket: to its body if it wants them one by one, and the
    confirmation to the reporter, with their private follow link, if they left an email and
    `tell_reporter` (false past the limit of acknowledgements to their address).
    """
    db = session.connection()
    row = notifications.facts(db, report_id)
    notifications.notify_body(db, row)
    if tell_reporter:
        notifications.notify_resident(db, row, "resident_received", role="reporter")


def _check_fields(
    db: Connection,
    ticket: Ticket,
    to: Status,
    *,
    reason: str | None,
    planned_for: dt.date | None,
    duplicate_of: uuid.UUID | None,
    to_body_code: str | None,
) -> Ticket:
    """Validate what the target status needs and return the ticket as it will be."""
    if to in REASON_REQUIRED and not says_something(reason):
        raise MissingReasonError(
            f"A ticket is only {to.value} with a reason, given to the resident."
        )
    changes: dict[str, Any] = {"status": to.value}
    if to is Status.PLANNED:
        if planned_for is None:
            raise MissingPlannedDateError("Planning a ticket needs the date of the work.")
        changes["planned_for"] = planned_for
    if to is Status.DUPLICATE:
        if duplicate_of is None or duplicate_of == ticket.id:
            raise InvalidDuplicateError("A duplicate needs another report as its original.")
        original = db.execute(ORIGINAL_SQL, {"id": duplicate_of}).scalar_one_or_none()
        if original is None:
            raise InvalidDuplicateError(f"No report {duplicate_of} to be the original.")
        if original == Status.DUPLICATE:
            raise InvalidDuplicateError(
                f"Report {duplicate_of} is itself a duplicate: use its original instead."
            )
        changes["duplicate_of"] = duplicate_of
    if to is Status.TRANSFERRED:
        if not to_body_code or db.execute(BODY_SQL, {"code": to_body_code}).first() is None:
            raise InvalidTransferError(f"No body {to_body_code!r} to transfer the ticket to.")
        if to_body_code == ticket.body_code:
            raise InvalidTransferError(f"The ticket is already with {to_body_code}.")
        # The new body's crews decide who works on it.
        changes |= {"body_code": to_body_code, "assignee_user_id": None}
    if to is Status.REOPENED:
        changes["duplicate_of"] = None
    return Ticket(**{**ticket.__dict__, **changes})


def _check_allowed(db: Connection, ticket: Ticket, to: Status, actor: Actor) -> None:
    """Refuse a status the lifecycle does not allow from the ticket's, or a reporter's
    reopening after the window."""
    allowed = allowed_transitions(ticket.status, by_reporter=actor.is_reporter)
    if to not in allowed:
        raise InvalidTransitionError(
            f"A {ticket.status} ticket cannot become {to.value}.",
            current=ticket.status,
            allowed=[s.value for s in allowed],
        )
    if actor.is_reporter and to is Status.REOPENED:
        too_late = db.execute(
            RESOLVED_AGE_SQL, {"id": ticket.id, "days": REPORTER_REOPEN_DAYS}
        ).scalar_one()
        if too_late:
            raise ReopenWindowClosedError(
                f"A resolved report can be reopened by its reporter within "
                f"{REPORTER_REOPEN_DAYS} days; please make a new report."
            )


def _tell(
    db: Connection,
    report_id: uuid.UUID,
    to: Status,
    actor: Actor,
    reason: str | None,
    *,
    reason_public: bool,
) -> None:
    """Queue the emails of a transition: to the residents, and to the new body of a transfer."""
    if to in RESIDENT_NOTIFIED:
        facts = notifications.facts(db, report_id)
        _notify_followers(
            db, facts, f"resident_{to.value}", reason or "", reason_public=reason_public
        )
        if to is Status.TRANSFERRED:
            notifications.notify_body(db, facts)
            queue_delivery(db, report_id)
    if to is Status.REOPENED:
        # Followers hear of it; the reporter too, unless they reopened it themselves. The
        # reason is told only when public: a reopening's reason is the public's news.
        kind = "resident_not_fixed" if actor.is_reporter else "resident_reopened"
        public_reason = reason if reason and reason_public else ""
        facts = notifications.facts(db, report_id)
        _notify_followers(
            db, facts, kind, public_reason, reason_public=True, reporter=not actor.is_reporter
        )


def transition(
    session: Session,
    report_id: uuid.UUID,
    to_status: Status | str,
    *,
    actor: Actor,
    note: str | None = None,
    reason: str | None = None,
    planned_for: dt.date | None = None,
    duplicate_of: uuid.UUID | None = None,
    to_body_code: str | None = None,
    expected_version: int | None = None,
    reason_public: bool = False,
) -> Ticket:
    """Move a ticket to `to_status` if the lifecycle allows it; the caller commits.

    A reason (rejection, transfer) is told to the reporter; it is published, and told to the
    followers, only with `reason_public`.
    """
    db = session.connection()
    to = Status(to_status)
    if to is Status.DUPLICATE and duplicate_of is not None and duplicate_of != report_id:
        db.execute(LOCK_PAIR_SQL, {"a": report_id, "b": duplicate_of})
    ticket = lock_ticket(db, report_id, expected_version)
    _check_allowed(db, ticket, to, actor)
    after = _check_fields(
        db,
        ticket,
        to,
        reason=reason,
        planned_for=planned_for,
        duplicate_of=duplicate_of,
        to_body_code=to_body_code,
    )
    extra: dict[str, Any] = {k: v for k, v in (("reason", reason), ("note", note)) if v}
    reason_public = bool(reason and reason_public)
    if reason_public:
        extra["reason_public"] = True
    saved = save_ticket(db, ticket, after, actor, "transition", **extra)
    history = {
        "report_id": report_id,
        "from_status": ticket.status,
        "to_status": to.value,
        "actor": actor.name,
        "note": reason or note,
        "reason_public": reason_public,
    }
    db.execute(HISTORY_SQL, history)
    if to is Status.DUPLICATE:
        assert after.duplicate_of is not None  # _check_fields refuses a duplicate without it
        _repoint_duplicates(db, report_id, after.duplicate_of, actor)
        _move_followers(db, report_id, after.duplicate_of, actor)
    _tell(db, report_id, to, actor, reason, reason_public=reason_public)
    return saved


def notify_update(db: Connection, report_id: uuid.UUID, update: str) -> None:
    """Email a crew's public update to the reporter and the followers: one email each."""
    facts = notifications.facts(db, report_id)
    _notify_followers(db, facts, "resident_update", "", reason_public=False, update=update)


DUPLICATES_OF_SQL = text(
    "SELECT id FROM reports WHERE duplicate_of = :id AND status = 'duplicate' ORDER BY id"
)


def _repoint_duplicates(db: Connection, report_id: uuid.UUID, original: uuid.UUID, actor: Actor):
    """The report's own duplicates now name its original: an original is never a duplicate.

    A chain would name a report through another: a duplicate of a report merged into a
    sensitive one would publish, at its exact point, the report that leads to it. Each is
    saved with its audit row (its public `duplicate_of` changed).
    """
    for (duplicate,) in db.execute(DUPLICATES_OF_SQL, {"id": report_id}).all():
        before = lock_ticket(db, duplicate, None)
        after = Ticket(**{**before.__dict__, "duplicate_of": original})
        save_ticket(db, before, after, actor, "repoint_duplicate")


def _move_followers(db: Connection, duplicate: uuid.UUID, original: uuid.UUID, actor: Actor):
    """The duplicate's followers follow the original from now on (audited on the original)."""
    params = {"duplicate": duplicate, "original": original}
    moved = db.execute(MOVE_FOLLOWERS_SQL, params).rowcount
    if moved:
        audit = {"actor": actor.name, "actor_user_id": actor.user_id, "report_id": original}
        after = {"duplicate": str(duplicate), "followers": moved}
        db.execute(AUDIT_SQL, audit | {"action": "merge_followers", "before": {}, "after": after})


def _notify_followers(
    db: Connection,
    facts: Row,
    kind: str,
    reason: str,
    *,
    reason_public: bool,
    reporter: bool = True,
    **values: Any,
) -> None:
    """The resident's email of `kind` to the reporter (unless not `reporter`) and to each
    follower, in their language, with `values` for its placeholders.

    The followers read the reason only when it is public; the reporter always does.
    """
    if reporter:
        notifications.notify_resident(db, facts, kind, role="reporter", reason=reason, **values)
    for follower in db.execute(FOLLOWERS_SQL, {"id": facts.id}).all():
        # Without it, the follower's email says the reporter was told the reason.
        extra = {"reason": reason if reason_public else ""} | values
        # The follower's email of the kind, in their language, with a follow link of their own.
        as_reporter = {"reporter_email": follower.email, "reporter_language": follower.language}
        row = SimpleNamespace(**(facts._asdict() | as_reporter | {"reporter_unsubscribed": False}))
        notifications.notify_resident(db, row, kind, role="follower", **extra)
