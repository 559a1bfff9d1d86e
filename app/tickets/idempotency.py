"""Idempotency-Key of staff changes: a retry is answered as the first time, never redone.

The mechanism of report intake (app/reports/services.py, create_report), with its errors:
a transaction-scoped advisory lock on the key makes a duplicate sent while the first is still
being processed fail fast (RequestInFlightError, 409) instead of waiting; the key's row,
written in the transaction of the change, remembers the request's fingerprint and the answer's
status; and the row's primary key stays the real guarantee. Unlike a report's, a staff key
belongs to its user: the same key from someone else is another request.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from app.errors import IdempotencyKeyReuseError, RequestInFlightError

# Its own namespace of lock names, so that a staff key never holds up a report's equal key.
LOCK_SQL = text("SELECT pg_try_advisory_xact_lock(hashtextextended(:name, 0))")
FIND_SQL = text(
    "SELECT fingerprint, response_status FROM staff_request_keys "
    "WHERE user_id = :user_id AND key = :key"
)
RECORD_SQL = text(
    "INSERT INTO staff_request_keys (user_id, key, fingerprint, response_status, report_id) "
    "VALUES (:user_id, :key, :fingerprint, :response_status, :report_id)"
)


@dataclass(frozen=True)
class StaffKey:
    """An Idempotency-Key sent by a member of staff for one request."""

    user_id: int
    key: str
    fingerprint: str

    @classmethod
    def of(cls, user_id: int, key: str, operation: str, report_id: uuid.UUID, data: Any):
        """The key of `operation` on the ticket with this validated body."""
        canonical = json.dumps(
            {"operation": operation, "report_id": str(report_id), "data": data},
            sort_keys=True,
            separators=(",", ":"),
            # Dates, UUIDs: their text is what the client sent.
            default=str,
        )
        return cls(user_id, key, hashlib.sha256(canonical.encode()).hexdigest())


def claim(db: Connection, key: StaffKey) -> int | None:
    """Hold the key until the transaction ends; the status of an earlier answer under it.

    None means the key is new: the caller makes the change, then `record`s the key.
    """
    name = f"staff:{key.user_id}:{key.key}"
    if not db.execute(LOCK_SQL, {"name": name}).scalar_one():
        raise RequestInFlightError(
            "A request with this Idempotency-Key is still being processed; retry shortly."
        )
    # A statement of its own, after the lock: it sees a first request that committed meanwhile.
    earlier = db.execute(FIND_SQL, {"user_id": key.user_id, "key": key.key}).one_or_none()
    if earlier is None:
        return None
    if earlier.fingerprint != key.fingerprint:
        raise IdempotencyKeyReuseError(
            "This Idempotency-Key was already used for a different change; "
            "use a new key for a new change."
        )
    return earlier.response_status


def record(db: Connection, key: StaffKey, report_id: uuid.UUID, response_status: int) -> None:
    """Remember the key with the change, in its transaction."""
    params = {
        "user_id": key.user_id,
        "key": key.key,
        "fingerprint": key.fingerprint,
        "response_status": response_status,
        "report_id": report_id,
    }
    db.execute(RECORD_SQL, params)
