"""A ticket loaded under lock and saved with its audit row: who acts (`Actor`), the fields the
lifecycle changes (`Ticket`), `lock_ticket` and `save_ticket`.

Every change of a ticket (a transition in `services`, an edit in `edits`) locks the report row,
checks the version the caller last saw, and saves through here: the version moves by one and
the audit log keeps what changed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection
from sqlalchemy.sql import bindparam

from app.errors import NotFoundError
from app.tickets.errors import StaleVersionError


@dataclass(frozen=True)
class Actor:
    """Who acts: a member of staff (by user id once accounts exist), the reporter, or Pavé."""

    name: str
    user_id: int | None = None
    is_reporter: bool = False

    @classmethod
    def reporter(cls) -> Actor:
        return cls(name="reporter", is_reporter=True)


# The ticket's fields the public reads (status, the body in charge, the planned date, the
# original of a duplicate, whether the description is published). Priority and assignee are
# the crews' own: changing them must not show the public that someone worked the ticket.
PUBLIC_FIELDS = frozenset(
    {"status", "body_code", "planned_for", "duplicate_of", "description_public"}
)


@dataclass(frozen=True)
class Ticket:
    """The fields of a report that the lifecycle changes; `version` is the ETag."""

    id: uuid.UUID
    status: str
    version: int
    body_code: str
    priority: str
    assignee_user_id: int | None
    planned_for: dt.date | None
    duplicate_of: uuid.UUID | None
    description_public: bool

    def snapshot(self) -> dict[str, Any]:
        """JSON-ready values for the audit log."""
        values = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "id"}
        for key in ("planned_for", "duplicate_of"):
            if values[key] is not None:
                values[key] = str(values[key])
        return values


LOCK_SQL = text(
    """
    SELECT r.id, r.status, r.version, b.code AS body_code, r.priority, r.assignee_user_id,
           r.planned_for, r.duplicate_of, r.description_public
    FROM reports r JOIN bodies b ON b.id = r.body_id
    WHERE r.id = :id
    FOR UPDATE OF r
    """
)

UPDATE_SQL = text(
    """
    UPDATE reports SET status = :status, body_id = (SELECT id FROM bodies WHERE code = :body_code),
           priority = :priority, assignee_user_id = :assignee_user_id,
           planned_for = :planned_for, duplicate_of = :duplicate_of,
           description_public = :description_public,
           version = version + 1,
           updated_at = CASE WHEN :touch THEN now() ELSE updated_at END
    WHERE id = :id
    """
)

AUDIT_SQL = text(
    "INSERT INTO audit_log (actor, actor_user_id, report_id, action, before, after) "
    "VALUES (:actor, :actor_user_id, :report_id, :action, :before, :after)"
).bindparams(bindparam("before", type_=JSONB), bindparam("after", type_=JSONB))


def lock_ticket(db: Connection, report_id: uuid.UUID, expected_version: int | None) -> Ticket:
    row = db.execute(LOCK_SQL, {"id": report_id}).one_or_none()
    if row is None:
        raise NotFoundError(f"No report {report_id}.")
    ticket = Ticket(**row._mapping)
    if expected_version is not None and expected_version != ticket.version:
        raise StaleVersionError(
            f"The ticket is at version {ticket.version}, not {expected_version}: "
            "reload it and apply your change again.",
            current_version=ticket.version,
        )
    return ticket


def save_ticket(
    db: Connection,
    before: Ticket,
    after: Ticket,
    actor: Actor,
    action: str,
    *,
    was: dict[str, Any] | None = None,
    touch: bool | None = None,
    **extra: Any,
) -> Ticket:
    """Store `after`, bump the version and write the audit row of what changed.

    `was` and `extra` are what the action changed beyond the ticket's own fields, before and
    after (a photo's visibility, the text of an update). The public `updated_at` moves when
    the public sees something change: by default, when one of `PUBLIC_FIELDS` changed; an
    action whose change lies beyond the ticket's fields says so with `touch` (a public update
    does, an internal note or a resident's comment not yet published does not: it would show
    when a crew worked the ticket, or when that person wrote).
    """
    saved = Ticket(**{**after.__dict__, "version": before.version + 1})
    old, new = before.snapshot(), saved.snapshot()
    changed = [key for key in new if old[key] != new[key]]
    if touch is None:
        touch = not PUBLIC_FIELDS.isdisjoint(changed)
    db.execute(UPDATE_SQL, {**after.__dict__, "touch": touch})
    audit = {
        "actor": actor.name,
        "actor_user_id": actor.user_id,
        "report_id": before.id,
        "action": action,
        "before": {key: old[key] for key in changed} | (was or {}),
        "after": {key: new[key] for key in changed} | extra,
    }
    db.execute(AUDIT_SQL, audit)
    return saved
