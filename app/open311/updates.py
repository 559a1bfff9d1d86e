"""mySociety's servicerequestupdates extension: the public changes of requests, read and pushed.

A commune that works in its own system pushes its status changes back with the extended
statuses of mySociety's Open311 (investigating, action_scheduled, fixed, …); each is mapped to
a move of Pavé's lifecycle and applied by app/tickets, with its history, audit and emails.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import TextClause, text
from sqlalchemy.orm import Session

from app.open311 import update_ids
from app.open311.requests import MAX_REQUESTS, Open311QueryError, window
from app.reports.states import CLOSED_STATUSES, Status
from app.tickets import edits, services
from app.tickets.states import REASON_REQUIRED

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


def target_status(incoming: str, current: str) -> Status | None:
    """The status an incoming update asks for; None means "no change, just a comment"."""
    name = incoming.strip().lower()
    if name in REOPENING:
        if Status(current) in CLOSED_STATUSES:
            return Status.REOPENED
        # An open ticket stays as it is, except a new one, which someone has now looked at.
        return Status.ACKNOWLEDGED if current == Status.NEW else None
    if name not in INCOMING_STATUS:
        known = ", ".join(sorted({*INCOMING_STATUS, *REOPENING}))
        raise Open311QueryError(f"status {incoming!r} is not supported; use one of {known}.")
    wanted = INCOMING_STATUS[name]
    return None if wanted == current else wanted


# Status changes after the first ("received", which the request itself tells), with the
# reason only where staff made it public, and the published updates (a resident's comment
# only once staff published it). Their times are published as the report's are
# (pave_public_time: to the hour for a sensitive category), and the window compares those,
# so that it cannot be narrowed down to the exact moment (the exact times are only
# pre-filtered, on a window an hour longer: a published time is at most an hour earlier than
# the exact one). The exact time is selected only to hold back a rounded one until its hour
# is over.
UPDATES_SQL = """
    SELECT * FROM (
        SELECT {status_id} AS update_id, h.report_id, h.to_status AS status,
               pave_public_time(h.at, h.report_id) AS at, h.at AS exact_at,
               CASE WHEN h.to_status = ANY(:reasons) AND h.reason_public THEN h.note END
                   AS description
        FROM report_status_changes h
        WHERE h.from_status IS NOT NULL {only_status}
          AND h.at >= :start AND h.at < CAST(:end AS timestamptz) + interval '1 hour'
        UNION ALL
        SELECT {update_id}, u.report_id, r.status,
               pave_public_time(u.created_at, u.report_id), u.created_at, u.body
        FROM report_updates u JOIN reports r ON r.id = u.report_id
        WHERE u.public {only_update}
          AND u.created_at >= :start AND u.created_at < CAST(:end AS timestamptz) + interval '1 hour'
    ) AS updates
    WHERE at >= :start AND at <= :end
      -- A time published to the hour is listed once that hour is over (as a generalised
      -- report is, migration 0018): listed at once, it would tell its minute to a poller.
      AND (at = exact_at OR at + interval '1 hour' <= now())
    ORDER BY at, update_id LIMIT :limit OFFSET :offset
    """


def _updates_sql(only_status: str = "", only_update: str = "") -> TextClause:
    # The ids are opaque (see update_ids), and so is the order within one published time.
    return text(
        UPDATES_SQL.format(
            status_id=update_ids.sql_update_id("status", "h.id"),
            update_id=update_ids.sql_update_id("update", "u.id"),
            only_status=only_status,
            only_update=only_update,
        )
    )


ALL_UPDATES_SQL = _updates_sql()
REQUESTS_UPDATES_SQL = _updates_sql("AND h.report_id = ANY(:ids)", "AND u.report_id = ANY(:ids)")


def list_updates(
    session: Session,
    start: dt.datetime | None,
    end: dt.datetime | None,
    now: dt.datetime,
    secret_key: str,
    page: int = 1,
    page_size: int = MAX_REQUESTS,
    ids: tuple[uuid.UUID, ...] = (),
) -> list[dict[str, Any]]:
    """The public updates in the window (the same 90-day rules as requests), oldest first;
    only those of the requests `ids` when some are given (the window still applies: a client
    polls one request's updates since its last call)."""
    start, end = window(start, end, now)
    params = {
        "start": start,
        "end": end,
        "reasons": [s.value for s in REASON_REQUIRED],
        "limit": page_size,
        "offset": (page - 1) * page_size,
        **update_ids.sql_params(secret_key),
    }
    sql = ALL_UPDATES_SQL
    if ids:
        sql, params["ids"] = REQUESTS_UPDATES_SQL, list(ids)
    return [
        {
            "update_id": row.update_id,
            "service_request_id": str(row.report_id),
            "status": extended_status(row.status),
            "updated_datetime": row.at,
            "description": row.description,
            "media_url": None,
            "external_status_code": row.status,
        }
        for row in session.connection().execute(sql, params)
    ]


@dataclass(frozen=True)
class IncomingUpdate:
    """A POSTed update, its parameters validated."""

    report_id: uuid.UUID
    status: str
    description: str | None = None
    expected: dt.datetime | None = None
    duplicate_of: uuid.UUID | None = None


LAST_STATUS_SQL = text("SELECT max(id) FROM report_status_changes WHERE report_id = :id")
CURRENT_SQL = text("SELECT status FROM reports WHERE id = :id")


def apply_update(
    session: Session, update: IncomingUpdate, actor: services.Actor, secret_key: str
) -> str:
    """Apply a pushed update through the lifecycle; returns its update_id, the one the feed
    shows. The caller commits.

    A status the ticket already has, with a description, becomes a public update; a change
    of status carries the description as its reason where one is required, and otherwise as
    its note and a public update.
    """
    db = session.connection()
    current = db.execute(CURRENT_SQL, {"id": update.report_id}).scalar_one()
    to = target_status(update.status, current)
    if to is None:
        if not (update.description and update.description.strip()):
            raise Open311QueryError(
                f"The request is already {extended_status(current)}: send a description "
                "to add an update, or another status."
            )
        added = edits.add_update(
            session, update.report_id, update.description, actor=actor, public=True
        )
        return update_ids.update_id(secret_key, "update", added)
    reason = update.description if to in REASON_REQUIRED else None
    # What a commune's system pushes is meant for everyone, its reasons too (see below).
    services.transition(
        session,
        update.report_id,
        to,
        actor=actor,
        note=None if reason else update.description,
        reason=reason,
        reason_public=True,
        planned_for=update.expected.date() if update.expected else None,
        duplicate_of=update.duplicate_of,
    )
    update_id = db.execute(LAST_STATUS_SQL, {"id": update.report_id}).scalar_one()
    if update.description and not reason:
        # A note of a status change stays inside, but what a commune pushes is meant for
        # everyone, as on FixMyStreet: it is published as an update too.
        edits.add_update(session, update.report_id, update.description, actor=actor, public=True)
    return update_ids.update_id(secret_key, "status", update_id)
