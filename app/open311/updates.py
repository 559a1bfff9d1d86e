"""mySociety's servicerequestupdates extension: the public changes of requests, read and pushed.

A commune that works in its own system pushes its status changes back with the extended
statuses of mySociety's Open311 (investigating, action_scheduled, fixed, …); each is mapped to
a move of Pavé's lifecycle (app/open311/statuses.py, shared with the pull of
app/delivery/pull.py) and applied by app/tickets, with its history, audit and emails.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import TextClause, text
from sqlalchemy.orm import Session

from app.open311 import update_ids
from app.open311.requests import MAX_REQUESTS, Open311QueryError, window
from app.open311.statuses import (
    current_status,
    extended_status,
    plausible_expected,
    record_change,
    target_status,
)
from app.tickets import services
from app.tickets.states import REASON_REQUIRED

# Kept importable from here: the mapping moved to app/open311/statuses.py.
__all__ = [
    "IncomingUpdate",
    "apply_pushed_update",
    "apply_update",
    "extended_status",
    "list_updates",
]

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


def apply_update(
    session: Session, update: IncomingUpdate, actor: services.Actor, secret_key: str
) -> str:
    """Apply a pushed update through the lifecycle (statuses.record_change); returns its
    update_id, the one the feed shows. The caller commits.
    """
    if update.expected is not None and not plausible_expected(
        session, update.report_id, update.expected, dt.datetime.now(dt.UTC)
    ):
        raise Open311QueryError(
            "expected_datetime: a date from the request's creation to 5 years from now."
        )
    current = current_status(session, update.report_id)
    kind, internal_id = record_change(
        session,
        update.report_id,
        target_status(update.status, current),
        update.description,
        actor,
        expected=update.expected,
        duplicate_of=update.duplicate_of,
    )
    return update_ids.update_id(secret_key, kind, internal_id)


LOCK_REPORT_SQL = text("SELECT id FROM reports WHERE id = :id FOR UPDATE")
PUSHED_SQL = text(
    "SELECT report_id, update_id, fingerprint FROM open311_pushed_updates "
    "WHERE user_id = :user_id AND remote_update_id = :remote_update_id"
)
REMEMBER_SQL = text(
    "INSERT INTO open311_pushed_updates "
    "(user_id, remote_update_id, report_id, update_id, fingerprint) "
    "VALUES (:user_id, :remote_update_id, :report_id, :update_id, :fingerprint) "
    "ON CONFLICT DO NOTHING"
)


def fingerprint(update: IncomingUpdate) -> str:
    """A hash of what the update says: a replay says the same."""
    fields = [update.report_id, update.status, update.description, update.expected]
    said = json.dumps([None if f is None else str(f) for f in [*fields, update.duplicate_of]])
    return hashlib.sha256(said.encode()).hexdigest()


def apply_pushed_update(
    session: Session,
    update: IncomingUpdate,
    actor: services.Actor,
    secret_key: str,
    remote_update_id: str | None,
) -> str:
    """`apply_update`, once per `remote_update_id` of the key's account: a replay (a remote
    that lost Pavé's answer and sends again) gets the first answer and changes nothing; the
    same update_id with another content is refused. The caller commits."""
    if remote_update_id is None or actor.user_id is None:
        return apply_update(session, update, actor, secret_key)
    db = session.connection()
    # Replays of one update queue on the ticket's row, and the second finds the first's.
    db.execute(LOCK_REPORT_SQL, {"id": update.report_id})
    key = {"user_id": actor.user_id, "remote_update_id": remote_update_id}
    earlier = db.execute(PUSHED_SQL, key).one_or_none()
    if earlier is None:
        answer = apply_update(session, update, actor, secret_key)
        remembered = {
            **key,
            "report_id": update.report_id,
            "update_id": answer,
            "fingerprint": fingerprint(update),
        }
        if db.execute(REMEMBER_SQL, remembered).rowcount == 1:
            return answer
        earlier = db.execute(PUSHED_SQL, key).one()
    if earlier.report_id != update.report_id:
        raise Open311QueryError(
            f"update_id {remote_update_id!r} was already sent for another service request."
        )
    if earlier.fingerprint is not None and earlier.fingerprint != fingerprint(update):
        raise Open311QueryError(
            f"update_id {remote_update_id!r} was already used for a different update."
        )
    return earlier.update_id
