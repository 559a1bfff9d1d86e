"""Editing a ticket beside its status: assignment, priority, publishable description, photo
visibility, public updates and internal notes. Each locks the ticket at the version the
caller last saw and is audited like a transition (`store.save_ticket`); the commit is the
caller's.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.errors import NotFoundError
from app.reports.states import Priority
from app.tickets.errors import InvalidPriorityError
from app.tickets.services import notify_update
from app.tickets.store import Actor, Ticket, lock_ticket, save_ticket

UPDATE_INSERT_SQL = text(
    "INSERT INTO report_updates (report_id, author, author_user_id, body, public, "
    "follow_token_id) "
    "VALUES (:report_id, :author, :author_user_id, :body, :public, :follow_token_id) RETURNING id"
)


def _edit(
    session: Session,
    report_id: uuid.UUID,
    expected_version: int | None,
    actor: Actor,
    action: str,
    changes: dict[str, Any],
) -> Ticket:
    """Lock the ticket, give its fields the values `changes`, save it audited as `action`."""
    db = session.connection()
    ticket = lock_ticket(db, report_id, expected_version)
    after = Ticket(**{**ticket.__dict__, **changes})
    return save_ticket(db, ticket, after, actor, action)


def assign(
    session: Session,
    report_id: uuid.UUID,
    assignee_user_id: int | None,
    *,
    actor: Actor,
    expected_version: int | None = None,
) -> Ticket:
    """Give the ticket to a crew member (a user id; None takes it back)."""
    changes = {"assignee_user_id": assignee_user_id}
    return _edit(session, report_id, expected_version, actor, "assign", changes)


def set_priority(
    session: Session,
    report_id: uuid.UUID,
    priority: Priority | str,
    *,
    actor: Actor,
    expected_version: int | None = None,
) -> Ticket:
    try:
        value = Priority(priority).value
    except ValueError:
        choices = ", ".join(p.value for p in Priority)
        raise InvalidPriorityError(f"Priority is one of {choices}, not {priority!r}.") from None
    changes = {"priority": value}
    return _edit(session, report_id, expected_version, actor, "set_priority", changes)


def set_description_public(
    session: Session,
    report_id: uuid.UUID,
    publishable: bool,
    *,
    actor: Actor,
    expected_version: int | None = None,
) -> Ticket:
    """Whether the resident's description may be published as open data (staff decide)."""
    changes = {"description_public": bool(publishable)}
    return _edit(session, report_id, expected_version, actor, "set_description_public", changes)


PHOTO_HIDDEN_SQL = text(
    "SELECT hidden FROM photos WHERE id = :photo_id AND report_id = :report_id FOR UPDATE"
)
SET_PHOTO_HIDDEN_SQL = text("UPDATE photos SET hidden = :hidden WHERE id = :photo_id")


def set_photo_hidden(
    session: Session,
    report_id: uuid.UUID,
    photo_id: int,
    hidden: bool,
    *,
    actor: Actor,
    expected_version: int | None = None,
) -> Ticket:
    """Hide a photo of the ticket (a face, a number plate) from every public view, or show it
    again; a change of the ticket like any other: its version moves and the audit keeps it."""
    db = session.connection()
    ticket = lock_ticket(db, report_id, expected_version)
    params = {"photo_id": photo_id, "report_id": report_id, "hidden": bool(hidden)}
    was_hidden = db.execute(PHOTO_HIDDEN_SQL, params).scalar_one_or_none()
    if was_hidden is None:
        raise NotFoundError(f"Ticket {report_id} has no photo {photo_id}.")
    db.execute(SET_PHOTO_HIDDEN_SQL, params)
    action = "hide_photo" if hidden else "show_photo"
    was = {"photo": photo_id, "hidden": was_hidden}
    return save_ticket(
        db, ticket, ticket, actor, action, was=was, touch=True, photo=photo_id, hidden=bool(hidden)
    )


def add_update(
    session: Session,
    report_id: uuid.UUID,
    body: str,
    *,
    actor: Actor,
    public: bool,
    expected_version: int | None = None,
    action: str | None = None,
    follow_token_id: int | None = None,
    notify: bool = False,
) -> int:
    """A public update (the resident and everyone read it) or an internal note of the crews;
    the new update's id.

    `action` names the audit entry when the update says more than a comment (the reporter's
    "it is fixed", for one). A resident's comment names the follow link it came through: it
    is not public, but its author reads it. With `notify`, a public update (a crew's) is
    emailed to the reporter and the followers; an internal note never is.
    """
    db = session.connection()
    ticket = lock_ticket(db, report_id, expected_version)
    params = {
        "report_id": report_id,
        "author": actor.name,
        "author_user_id": actor.user_id,
        "body": body,
        "public": public,
        "follow_token_id": follow_token_id,
    }
    update_id = db.execute(UPDATE_INSERT_SQL, params).scalar_one()
    action = action or ("public_update" if public else "internal_note")
    # Only a public update moves the public updated_at: an internal note or a resident's
    # comment not yet published must not tell when it was written.
    save_ticket(db, ticket, ticket, actor, action, touch=public, update_id=update_id, body=body)
    if notify and public:
        notify_update(db, report_id, body)
    return update_id


UPDATE_ROW_SQL = text(
    "SELECT author, body, public FROM report_updates "
    "WHERE id = :update_id AND report_id = :report_id FOR UPDATE"
)
SET_UPDATE_SQL = text(
    "UPDATE report_updates SET body = :body, public = :public WHERE id = :update_id"
)


def review_update(
    session: Session,
    report_id: uuid.UUID,
    update_id: int,
    *,
    public: bool | None = None,
    body: str | None = None,
    actor: Actor,
    expected_version: int | None = None,
) -> Ticket:
    """Publish an update (a resident's comment, once read), possibly edited, or withdraw it.

    Only the text as published is kept on the update; the audit keeps what it said before, for
    staff.
    """
    db = session.connection()
    ticket = lock_ticket(db, report_id, expected_version)
    row = db.execute(UPDATE_ROW_SQL, {"update_id": update_id, "report_id": report_id}).first()
    if row is None:
        raise NotFoundError(f"Ticket {report_id} has no update {update_id}.")
    after: dict[str, Any] = {
        "body": row.body if body is None else body,
        "public": row.public if public is None else bool(public),
    }
    db.execute(SET_UPDATE_SQL, after | {"update_id": update_id})
    action = "publish_update" if after["public"] and not row.public else "review_update"
    was = {"update": update_id, "body": row.body, "public": row.public}
    # Public before or after: the public sees it appear, change or go.
    touch = bool(row.public or after["public"])
    return save_ticket(
        db, ticket, ticket, actor, action, was=was, touch=touch, update=update_id, **after
    )
