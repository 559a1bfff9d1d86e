"""The changes crews make to a ticket, as use cases the staff API calls: a change made once
only under an Idempotency-Key, the ticket's own fields (priority, publishable description,
assignee), a transition with the original of a duplicate, and the crews' "after" photos.

What may change lives here; who is calling, whether they may change the ticket at all, and
the version they last read are the HTTP layer's (app/api/tickets). Each use case commits the
caller's session through `app.db.committed`, so the one clash it can meet, on the
Idempotency-Key, is the in-flight error.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from app.accounts import access
from app.accounts.models import User
from app.db import committed
from app.errors import NotFoundError
from app.media.services import AddedPhoto, PhotoLimits, add_photo
from app.media.storage import PhotoStorage
from app.problems import msg
from app.tickets import edits, idempotency, picking, queries, services
from app.tickets.errors import InvalidAssigneeError, InvalidDuplicateError
from app.tickets.idempotency import StaffKey
from app.tickets.store import Actor, lock_ticket, save_ticket

# Crews add "after" photos to reports that may already hold the resident's five.
STAFF_EXTRA_PHOTOS = 3


def actor_of(user: User) -> Actor:
    """A member of staff as the audit log names them."""
    return Actor(name=user.name or user.email, user_id=user.id)


def apply_once(
    session: Session,
    key: StaffKey | None,
    report_id: uuid.UUID,
    change: Callable[[Session], Any],
    status: int = 200,
) -> int | None:
    """Make `change(session)` and commit it, once only under `key`; None once it is made.

    With a key already applied to the same request, nothing is made again: the answer is the
    first one's status, and the caller answers with the ticket as it is now. The key is
    claimed first: a crew member who transferred a ticket away may no longer change it, and
    their retry must still be told that it was applied. The same key with another request is
    an `IdempotencyKeyReuseError`; while the first is still being processed, or when it won
    the race to commit, a `RequestInFlightError`.
    """
    with committed(session):
        earlier = idempotency.claim(session.connection(), key) if key is not None else None
        if earlier is None:
            change(session)
            if key is not None:
                idempotency.record(session.connection(), key, report_id, status)
    return earlier


def check_assignee(session: Session, report_id: uuid.UUID, assignee_id: int) -> None:
    """Only an active member who may work on the tickets of the ticket's body is assigned it."""
    found = queries.ticket_scope_of(session, report_id)
    if found is None:
        raise NotFoundError(msg("ticket.missing", report_id=report_id))
    assignee = queries.active_user(session, assignee_id)
    if not access.can(assignee, "tickets.update", body_id=found[0]):
        raise InvalidAssigneeError(
            f"User {assignee_id} is not an active member of this ticket's body.",
            assignee_user_id=assignee_id,
        )


def patch_ticket(
    session: Session, report_id: uuid.UUID, data: dict, *, actor: Actor, expected_version: int
) -> None:
    """Set the priority, whether the description is publishable, and the assignee (None takes
    the ticket back), each present in `data`, in that order: each change is audited alone."""
    version = expected_version
    if "priority" in data:
        version = edits.set_priority(
            session, report_id, data["priority"], actor=actor, expected_version=version
        ).version
    if "description_public" in data:
        version = edits.set_description_public(
            session, report_id, data["description_public"], actor=actor, expected_version=version
        ).version
    if "assignee_user_id" in data:
        assignee_id = data["assignee_user_id"]
        if assignee_id is not None:
            check_assignee(session, report_id, assignee_id)
        edits.assign(session, report_id, assignee_id, actor=actor, expected_version=version)


def check_original(
    session: Session, user: User, report_id: uuid.UUID, original: uuid.UUID | None
) -> None:
    """A duplicate's original must be a ticket `user` may read; one they may not read does
    not exist for them (its followers would otherwise move there, and its existence show).
    Used by the staff API's transitions and by Open311's servicerequestupdates."""
    if original is None or original == report_id:
        return
    found = queries.ticket_scope_of(session, original)
    if found is None or not access.can(
        user, "tickets.read", body_id=found[0], region_code=found[1]
    ):
        raise InvalidDuplicateError(f"No report {original} to be the original.")


def staff_transition(
    session: Session,
    user: User,
    report_id: uuid.UUID,
    to: str,
    *,
    duplicate_of: uuid.UUID | str | None = None,
    expected_version: int,
    **fields: Any,
) -> None:
    """A crew member's transition; the original of a duplicate is a ticket they may read,
    named by its id or by a short reference typed by hand (`picking.resolve_reference`)."""
    if isinstance(duplicate_of, str):
        duplicate_of = picking.resolve_reference(session, user, duplicate_of)
    check_original(session, user, report_id, duplicate_of)
    services.transition(
        session,
        report_id,
        to,
        actor=actor_of(user),
        duplicate_of=duplicate_of,
        expected_version=expected_version,
        **fields,
    )


def add_after_photo(
    session: Session,
    storage: PhotoStorage,
    report_id: uuid.UUID,
    upload: bytes,
    content_type: str | None,
    client_photo_id: str | None,
    *,
    actor: Actor,
    limits: PhotoLimits,
) -> AddedPhoto:
    """Add a crew's "after" photo, beyond the residents' limit by STAFF_EXTRA_PHOTOS, and
    commit it. A change of the ticket like hiding a photo: its version moves and the audit
    keeps it; a retry under the same client photo id changes nothing."""
    limits = dataclasses.replace(limits, per_report=limits.per_report + STAFF_EXTRA_PHOTOS)
    with committed(session):
        added = add_photo(
            session, storage, report_id, upload, None, content_type, client_photo_id, limits=limits
        )
        if not added.replayed:
            session.flush()
            db = session.connection()
            ticket = lock_ticket(db, report_id, None)
            photo = added.photo.display_key
            save_ticket(db, ticket, ticket, actor, "add_photo", touch=True, photo=photo)
    return added
