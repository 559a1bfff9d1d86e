"""The outbox of sends to the bodies' Open311 servers: queueing, claiming, recording outcomes.

A delivery is queued in the transaction that gives a report to a body receiving by Open311
(its creation, or its transfer there), so the row exists if and only if that change does.

Sending is two transactions around the request (app/delivery/sender.py): the claim commits
`attempt_started_at` and the attempt count before anything leaves, and pushes
`next_attempt_at` a lease ahead so no other worker takes the row while the request is in
flight; the outcome is recorded afterwards. A row claimed again with `attempt_started_at`
still set had an unknown outcome (a lost answer, a killed worker), and is reconciled with the
remote before anything is sent again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

from app.delivery.failures import Failure
from app.delivery.models import OPEN311_METHODS
from app.notify.outbox import backoff
from app.notify.wakeup import notify

# The body the report is now with, if it receives by Open311; a delivery to that body that
# exists already (the ticket was transferred away and back) is not queued twice.
QUEUE_SQL = text(
    """
    INSERT INTO report_deliveries (report_id, body_id)
    SELECT r.id, r.body_id FROM reports r JOIN bodies b ON b.id = r.body_id
    WHERE r.id = :id AND b.delivery_method = ANY(:methods)
    ON CONFLICT (report_id, body_id) DO NOTHING
    """
)


def queue_delivery(db: Connection, report_id: uuid.UUID) -> None:
    """Queue the report's delivery to its body's Open311 server, if its body has one."""
    queued = db.execute(QUEUE_SQL, {"id": report_id, "methods": sorted(OPEN311_METHODS)})
    if queued.rowcount:
        notify(db)


# SKIP LOCKED lets several workers drain side by side; the claim then moves next_attempt_at
# a lease ahead, so the row stays out of the others' way once this transaction commits.
CLAIM_SQL = text(
    """
    SELECT id FROM report_deliveries
    WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
    ORDER BY next_attempt_at, id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
    """
)

START_SQL = text(
    """
    UPDATE report_deliveries d
    SET attempts = attempts + 1,
        attempt_started_at = coalesce(attempt_started_at, now()),
        next_attempt_at = now() + make_interval(secs => :lease)
    FROM reports r
    WHERE d.id = :id AND r.id = d.report_id
    RETURNING d.id, d.report_id, d.body_id, d.attempts, d.created_at,
              d.attempt_started_at AS started_at, (d.attempt_started_at < now()) AS unknown,
              d.remote_token
    """
)


@dataclass(frozen=True)
class Claimed:
    id: int
    report_id: uuid.UUID
    body_id: int
    # This attempt's number (1 for the first).
    attempts: int
    created_at: dt.datetime
    # When the first attempt whose outcome is not known started.
    started_at: dt.datetime
    # An earlier attempt's outcome is unknown: reconcile before sending.
    unknown: bool
    remote_token: str | None


def claim(db: Connection, lease_s: float) -> Claimed | None:
    """Take the next due delivery and mark its attempt started; the caller commits at once."""
    delivery_id = db.execute(CLAIM_SQL).scalar_one_or_none()
    if delivery_id is None:
        return None
    row = db.execute(START_SQL, {"id": delivery_id, "lease": lease_s}).one()
    return Claimed(**row._mapping)


# Each outcome is recorded only by the attempt that claimed the row: should a lease have run
# out and another worker taken the row meanwhile, the later attempt's record stands.
SENT_SQL = text(
    """
    UPDATE report_deliveries
    SET sent_at = now(), attempt_started_at = NULL, last_error = NULL, last_error_kind = NULL,
        last_error_status = NULL, last_error_detail = NULL, remote_id = :remote_id, remote_token = :token
    WHERE id = :id AND attempts = :attempts AND sent_at IS NULL
    """
)

# A failure whose outcome is known (nothing was created): the next attempt simply sends.
# With an unknown outcome, attempt_started_at stays set, and the next attempt reconciles.
FAILED_SQL = text(
    """
    UPDATE report_deliveries
    SET attempt_started_at = CASE WHEN :unknown THEN attempt_started_at END,
        last_error = :error, last_error_kind = :kind, last_error_status = :status,
        last_error_detail = :detail,
        next_attempt_at = now() + :delay,
        failed_at = CASE WHEN :give_up THEN now() END
    WHERE id = :id AND attempts = :attempts AND sent_at IS NULL
    """
)


def mark_sent(db: Connection, claimed: Claimed, remote_id: str | None, token: str | None) -> None:
    params = {"remote_id": remote_id, "token": token}
    db.execute(SENT_SQL, {"id": claimed.id, "attempts": claimed.attempts, **params})


def mark_failed(
    db: Connection,
    claimed: Claimed,
    error: str,
    *,
    unknown: bool,
    max_attempts: int | None,
    failure: Failure,
) -> bool:
    """Record a failed attempt (`error`, the worker's line; `failure`, its parts for the
    screens); True when it was the last one (the delivery is given up)."""
    give_up = max_attempts is not None and claimed.attempts >= max_attempts
    params = {
        "id": claimed.id,
        "attempts": claimed.attempts,
        "unknown": unknown,
        "error": _stored(error),
        "kind": failure.kind,
        "status": failure.status,
        "detail": None if failure.detail is None else _stored(failure.detail),
        "delay": backoff(claimed.attempts),
        "give_up": give_up,
    }
    db.execute(FAILED_SQL, params)
    return give_up


def _stored(text: str) -> str:
    return text.replace("\x00", "\\x00")[:2000]


# A person asks for another try: due now, with its attempts counted afresh. An unknown
# outcome stays unknown, so the retry reconciles before it sends.
RETRY_SQL = text(
    """
    UPDATE report_deliveries
    SET failed_at = NULL, attempts = 0, next_attempt_at = now()
    WHERE id = :id AND failed_at IS NOT NULL
    RETURNING id
    """
)


def retry(db: Connection, delivery_id: int) -> bool:
    """Queue a given-up delivery again; False if it is not given up (sent, or still trying)."""
    if db.execute(RETRY_SQL, {"id": delivery_id}).first() is None:
        return False
    notify(db)
    return True
