"""A status change read from a body's own system, applied to Pavé's ticket once.

The remote's status (a GeoReport open/closed, or one of mySociety's extended statuses) is
mapped by app/open311/statuses.py, as a pushed update is, and applied through app/tickets:
the residents get the usual emails, the follow page its entries. The actor is the body's
system, named in the resident's language in the history and the audit log. The delivery keeps
the remote's last status, its text and time, and the ids of the updates already applied.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.delivery.models import ReportDelivery
from app.errors import PaveError
from app.open311.statuses import (
    current_status,
    plausible_expected,
    record_change,
    target_status,
)
from app.reports.states import Status
from app.tickets.services import Actor, transition
from app.tickets.states import is_allowed

# Who moves the ticket: the body's own system, in the language of the resident who reads it.
SYSTEM_ACTOR = {
    "fr": "Système de l'administration",
    "nl": "Systeem van het bestuur",
    "de": "System der Verwaltung",
    "en": "The administration's system",
}
# What a remote says is kept to this much, without the controls a person's text never holds.
MAX_TEXT = 4000
MAX_STATUS = 40
MAX_ID = 200
# The ids of the last updates applied, per delivery: enough to recognise a page read again.
KEPT_IDS = 50
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")

LANGUAGE_SQL = text("SELECT reporter_language FROM reports WHERE id = :id")
BODY_SQL = text("SELECT body_id FROM reports WHERE id = :id")
# The outcome when the ticket is no longer the delivery's body's (transferred since).
TRANSFERRED = "not applied: the ticket is now another body's"


@dataclass(frozen=True)
class RemoteUpdate:
    """One status of a remote request: an entry of servicerequestupdates (with its id) or the
    request itself as GET requests/{id} shows it (no id)."""

    remote_id: str
    status: str
    text: str | None = None
    at: dt.datetime | None = None
    update_id: str | None = None
    expected: dt.datetime | None = None


def clean(value: object, limit: int) -> str | None:
    """A remote's string, cut to `limit`, without control characters; None if empty."""
    if value is None or isinstance(value, (dict, list)):
        return None
    cleaned = _CONTROL.sub("", str(value)).strip()[:limit]
    return cleaned or None


def parse_time(value: object) -> dt.datetime | None:
    """A W3C datetime of the remote (UTC if it gives no offset); None if it is not one."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def system_actor(session: Session, delivery: ReportDelivery) -> Actor:
    language = session.execute(LANGUAGE_SQL, {"id": delivery.report_id}).scalar_one_or_none()
    return Actor(name=SYSTEM_ACTOR.get(language or "fr", SYSTEM_ACTOR["fr"]))


def already_applied(delivery: ReportDelivery, update: RemoteUpdate) -> bool:
    """The same remote update id, or (with no id) the same status and text as last time."""
    if update.update_id is not None:
        return update.update_id in (delivery.remote_update_ids or [])
    return (update.status, update.text) == (delivery.remote_status, delivery.remote_status_text)


def _move(
    session: Session, delivery: ReportDelivery, update: RemoteUpdate, actor: Actor, now: dt.datetime
) -> str:
    """Apply the status and text to the ticket; what was done, in a word, for the log.
    An expected date no ticket can have (year 1, year 9999) is left out."""
    expected = update.expected
    if expected is not None and not plausible_expected(session, delivery.report_id, expected, now):
        expected = None
    current = current_status(session, delivery.report_id)
    to = target_status(update.status, current, acknowledge_new=False)
    words = update.text if update.text != delivery.remote_status_text else None
    if to is None and words is None:
        return "unchanged"
    new = to is not None and current == Status.NEW and not is_allowed(current, to)
    if new and to is not None and is_allowed(Status.ACKNOWLEDGED, to):
        # The body's system took it and moved on: the ticket was acknowledged on the way.
        transition(session, delivery.report_id, Status.ACKNOWLEDGED, actor=actor)
    record_change(
        session,
        delivery.report_id,
        to,
        words,
        actor,
        expected=expected,
        notify_text=True,
    )
    return to.value if to is not None else "text"


def apply_remote_update(
    session: Session, delivery: ReportDelivery, update: RemoteUpdate, now: dt.datetime
) -> str:
    """Apply `update` to the delivery's ticket unless it already was; the caller commits.

    What the lifecycle refuses (a remote "duplicate" with no original Pavé knows, a
    rejection with no reason, a planned status with no date, a move from where the ticket no
    longer is) changes nothing on the ticket; the delivery still records the remote status,
    and the outcome says why. So does a ticket transferred to another body since: the first
    body's system no longer moves it. Returns the outcome, in a few words, for the worker's log.
    """
    if already_applied(delivery, update):
        return "already applied"
    outcome = TRANSFERRED
    if session.execute(BODY_SQL, {"id": delivery.report_id}).scalar_one() == delivery.body_id:
        try:
            with session.begin_nested():
                actor = system_actor(session, delivery)
                outcome = _move(session, delivery, update, actor, now)
        except PaveError as exc:
            outcome = f"not applied: {type(exc).__name__}"
    delivery.remote_status = update.status
    delivery.remote_status_text = update.text
    delivery.remote_updated_at = update.at or now
    delivery.remote_checked_at = now
    if update.update_id is not None:
        kept = [*(delivery.remote_update_ids or []), update.update_id]
        delivery.remote_update_ids = kept[-KEPT_IDS:]
    session.flush()
    return outcome
