"""What staff see of the deliveries: a ticket's, the failed ones, and a person's retry.

A delivery is "sent" (the remote's reference is known), "sending" (queued, being tried, or
retried after an error, which it shows), or "failed" (given up after its maximum attempts:
only a person's retry, audited, queues it again).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection, Row

from app.delivery import outbox
from app.delivery.errors import DeliveryNotFailedError
from app.errors import NotFoundError
from app.tickets.store import AUDIT_SQL, Actor

COLUMNS = """
    d.id, d.report_id, d.attempts, d.created_at, d.sent_at, d.failed_at, d.last_error,
    d.last_error_kind, d.last_error_status, d.last_error_detail,
    d.next_attempt_at, coalesce(d.remote_id, d.remote_token) AS reference,
    b.id AS body_id, b.code AS body_code, b.region_code AS body_region,
    b.name_fr, b.name_nl, b.name_de, b.name_en
"""

# The delivery to the body the ticket is with now (an earlier body's, after a transfer away,
# says nothing of where it is handled).
TICKET_SQL = text(
    f"""
    SELECT {COLUMNS} FROM report_deliveries d
    JOIN reports r ON r.id = d.report_id AND r.body_id = d.body_id
    JOIN bodies b ON b.id = d.body_id
    WHERE d.report_id = :id
    """
)

FAILED_SQL = text(
    f"""
    SELECT {COLUMNS} FROM report_deliveries d JOIN bodies b ON b.id = d.body_id
    WHERE d.failed_at IS NOT NULL AND (:everywhere OR d.body_id = ANY(:body_ids))
    ORDER BY d.failed_at DESC, d.id DESC
    LIMIT :limit
    """
).bindparams(bindparam("body_ids", expanding=False))

ONE_SQL = text(
    f"SELECT {COLUMNS} FROM report_deliveries d JOIN bodies b ON b.id = d.body_id "
    "WHERE d.id = :id FOR UPDATE OF d"
)


def state(row: Row) -> str:
    if row.sent_at is not None:
        return "sent"
    return "failed" if row.failed_at is not None else "sending"


def body_names(row: Row) -> dict[str, str]:
    names = {"fr": row.name_fr, "nl": row.name_nl, "de": row.name_de, "en": row.name_en}
    return {lang: name for lang, name in names.items() if name}


def delivery_fields(row: Row) -> dict[str, Any]:
    """A delivery as the staff API shows it (the caller names the body in its language)."""
    return {
        "id": row.id,
        "report_id": row.report_id,
        "state": state(row),
        "reference": row.reference if row.sent_at is not None else None,
        # The last attempt's error, while it is tried again or once given up.
        "error": None if row.sent_at is not None else row.last_error,
        # The same error's parts, for a screen to say it in its reader's language.
        "failure": None
        if row.sent_at is not None or row.last_error_kind is None
        else {
            "kind": row.last_error_kind,
            "status": row.last_error_status,
            "detail": row.last_error_detail,
        },
        "attempts": row.attempts,
        "created_at": row.created_at,
        "sent_at": row.sent_at,
        "failed_at": row.failed_at,
        "next_attempt_at": None if row.sent_at or row.failed_at else row.next_attempt_at,
    }


def ticket_delivery(db: Connection, report_id: uuid.UUID) -> Row | None:
    return db.execute(TICKET_SQL, {"id": report_id}).first()


def failed_deliveries(
    db: Connection, body_ids: frozenset[int] | None, limit: int = 200
) -> list[Row]:
    """The given-up deliveries of these bodies (None: of every body), latest first."""
    params = {"everywhere": body_ids is None, "body_ids": sorted(body_ids or ()), "limit": limit}
    return list(db.execute(FAILED_SQL, params).all())


def delivery_row(db: Connection, delivery_id: int, body_ids: frozenset[int] | None = None) -> Row:
    """The delivery, locked for this transaction, if it is to one of these bodies (None: to
    any body); NotFoundError otherwise, the same for another body's delivery as for none, so
    that trying ids tells nobody how many deliveries there are."""
    row = db.execute(ONE_SQL, {"id": delivery_id}).first()
    if row is None or (body_ids is not None and row.body_id not in body_ids):
        raise NotFoundError(f"There is no delivery {delivery_id}.")
    return row


def retry_delivery(db: Connection, delivery_id: int, actor: Actor) -> Row:
    """Queue a given-up delivery again, audited on its ticket; the caller commits."""
    row = delivery_row(db, delivery_id)
    if not outbox.retry(db, delivery_id):
        raise DeliveryNotFailedError(
            f"Delivery {delivery_id} is {state(row)}: only a failed delivery is retried."
        )
    audit = {
        "actor": actor.name,
        "actor_user_id": actor.user_id,
        "report_id": row.report_id,
        "action": "delivery_retry",
        "before": {"failed_at": row.failed_at.isoformat(), "error": row.last_error},
        "after": {"body": row.body_code, "queued": True},
    }
    db.execute(AUDIT_SQL, audit)
    return db.execute(ONE_SQL, {"id": delivery_id}).one()
