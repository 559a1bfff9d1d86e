"""mySociety's extended statuses and Pavé's lifecycle: the mapping both ways, and a change
applied through app/tickets.

Shared by what a remote system pushes (POST servicerequestupdates, app/open311/updates.py)
and what Pavé pulls from a body's own Open311 server (app/delivery/pull.py): the same names
mean the same moves, with the same history, audit and emails.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.open311.requests import Open311QueryError
from app.reports.states import CLOSED_STATUSES, Status
from app.tickets import edits, services
from app.tickets.states import REASON_REQUIRED

# An expected date is a date to come (or a little past: clocks and time zones differ), within
# a few years: not before the report's creation less a day, not after this from now.
EXPECTED_AHEAD = dt.timedelta(days=5 * 366)
CREATED_SQL = text("SELECT created_at FROM reports WHERE id = :id")


def plausible_expected(
    session: Session, report_id: uuid.UUID, expected: dt.datetime, now: dt.datetime
) -> bool:
    """Whether `expected` can be the date a ticket's work is planned for (see above)."""
    created = session.execute(CREATED_SQL, {"id": report_id}).scalar_one()
    try:
        return created - dt.timedelta(days=1) <= expected <= now + EXPECTED_AHEAD
    except OverflowError:
        return False


# Pavé's status as the extended status a mySociety client knows.
EXTENDED_STATUS = {
    Status.NEW: "open",
    Status.ACKNOWLEDGED: "investigating",
    Status.PLANNED: "action_scheduled",
    Status.IN_PROGRESS: "in_progress",
    Status.RESOLVED: "fixed",
    Status.REJECTED: "no_further_action",
    Status.DUPLICATE: "duplicate",
    Status.TRANSFERRED: "internal_referral",
    Status.REOPENED: "reopen",
}

# An incoming extended status (or Pavé's own name for it) → the status it moves the ticket to.
# "open" and "reopen" depend on where the ticket is, and are resolved by `target_status`.
# A plain GeoReport "closed", with no extended status to say how, counts as resolved.
INCOMING_STATUS = {
    "investigating": Status.ACKNOWLEDGED,
    "acknowledged": Status.ACKNOWLEDGED,
    "action_scheduled": Status.PLANNED,
    "planned": Status.PLANNED,
    "in_progress": Status.IN_PROGRESS,
    "fixed": Status.RESOLVED,
    "closed": Status.RESOLVED,
    "resolved": Status.RESOLVED,
    "no_further_action": Status.REJECTED,
    "not_councils_responsibility": Status.REJECTED,
    "rejected": Status.REJECTED,
    "duplicate": Status.DUPLICATE,
}
REOPENING = frozenset({"open", "reopen", "reopened"})


def extended_status(status: str) -> str:
    return EXTENDED_STATUS[Status(status)]


def target_status(incoming: str, current: str, *, acknowledge_new: bool = True) -> Status | None:
    """The status an incoming update asks for; None means "no change, just a comment".

    "open" reopens a closed ticket; on an open one it changes nothing, except that a new
    ticket becomes acknowledged when `acknowledge_new` (a push: someone has now looked at it;
    a pulled "open" only says the remote has it).
    """
    name = incoming.strip().lower()
    if name in REOPENING:
        if Status(current) in CLOSED_STATUSES:
            return Status.REOPENED
        return Status.ACKNOWLEDGED if acknowledge_new and current == Status.NEW else None
    if name not in INCOMING_STATUS:
        known = ", ".join(sorted({*INCOMING_STATUS, *REOPENING}))
        raise Open311QueryError(f"status {incoming[:40]!r} is not supported; use one of {known}.")
    wanted = INCOMING_STATUS[name]
    return None if wanted == current else wanted


LAST_STATUS_SQL = text("SELECT max(id) FROM report_status_changes WHERE report_id = :id")
CURRENT_SQL = text("SELECT status FROM reports WHERE id = :id")

Change = tuple[Literal["status", "update"], int]


def current_status(session: Session, report_id: uuid.UUID) -> str:
    return session.connection().execute(CURRENT_SQL, {"id": report_id}).scalar_one()


def record_change(
    session: Session,
    report_id: uuid.UUID,
    to: Status | None,
    description: str | None,
    actor: services.Actor,
    *,
    expected: dt.datetime | None = None,
    duplicate_of: uuid.UUID | None = None,
    notify_text: bool = False,
) -> Change:
    """Apply a remote system's change through the lifecycle; the caller commits.

    Returns what it made: ("status", history row id) or ("update", public update id).
    With no new status (`to` None), the description becomes a public update. A change of
    status carries the description as its reason where one is required, and otherwise as its
    note and a public update: what a body's system says is meant for everyone, as on
    FixMyStreet. With `notify_text`, that public update is emailed to the residents too.
    """
    if to is None:
        if not (description and description.strip()):
            raise Open311QueryError(
                f"The request is already {extended_status(current_status(session, report_id))}"
                ": send a description to add an update, or another status."
            )
        added = edits.add_update(
            session, report_id, description, actor=actor, public=True, notify=notify_text
        )
        return ("update", added)
    reason = description if to in REASON_REQUIRED else None
    services.transition(
        session,
        report_id,
        to,
        actor=actor,
        note=None if reason else description,
        reason=reason,
        reason_public=True,
        planned_for=expected.date() if expected else None,
        duplicate_of=duplicate_of,
    )
    history_id = session.connection().execute(LAST_STATUS_SQL, {"id": report_id}).scalar_one()
    if description and not reason:
        # A note of a status change stays inside: the text is published as an update too.
        edits.add_update(
            session, report_id, description, actor=actor, public=True, notify=notify_text
        )
    return ("status", history_id)
