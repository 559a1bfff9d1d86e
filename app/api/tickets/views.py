"""What staff see of a ticket: summaries and the detail, names in their language."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts import access
from app.accounts.models import User
from app.api.deliveries.schemas import delivery_answer
from app.api.photos.setup import photo_url
from app.delivery.views import ticket_delivery
from app.i18n import pick_name
from app.media.models import Photo
from app.media.views import photo_view
from app.tickets import queries
from app.tickets.states import allowed_transitions, open311_status, oslo_status


def ticket_filter(args: dict, user: User) -> queries.TicketFilter:
    return queries.TicketFilter(
        statuses=tuple(args.get("status") or ()),
        category=args.get("category"),
        max_age_days=args.get("max_age_days"),
        bbox=args.get("bbox"),
        assignee_user_id=user.id if args.get("assigned_to_me") else None,
    )


def properties(row: queries.TicketRow, lang: str | None) -> dict:
    """A TicketSummary without its location (geojson.py writes the same for the map)."""
    return {
        "id": row.id,
        "status": row.status,
        "priority": row.priority,
        "category": {"code": row.category_code, "name": pick_name(row.category_names, lang)},
        "commune": {
            "nis_code": row.commune_nis_code,
            "name": pick_name(row.commune_names, lang, row.region_code),
        },
        "body": {
            "code": row.body_code,
            "name": pick_name(row.body_names, lang, row.body_region or row.region_code),
        },
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "assignee_user_id": row.assignee_user_id,
        "description": row.description,
        "version": row.version,
    }


def summary(row: queries.TicketRow, lang: str | None) -> dict:
    return {**properties(row, lang), "location": {"lat": row.lat, "lon": row.lon}}


def staff_photos(session: Session, report_id: uuid.UUID) -> list[dict]:
    """Every photo of the ticket in upload order, hidden ones too, each with its id."""
    photos = session.scalars(
        select(Photo).where(Photo.report_id == report_id).order_by(Photo.position)
    )
    return [{**photo_view(p, photo_url), "id": p.id, "hidden": p.hidden} for p in photos]


def ticket_detail(session: Session, user: User, report_id: uuid.UUID, lang: str | None) -> dict:
    """The TicketDetail as `user` may see it: contact and internal notes only if allowed.

    Permissions are judged on the ticket as it is now, so a crew member who has just
    transferred a ticket away already sees it as an outsider would.
    """
    scope = queries.ticket_scope_of(session, report_id)
    body_id, region_code = scope if scope else (None, None)

    def can(action: str) -> bool:
        return access.can(user, action, body_id=body_id, region_code=region_code)

    detail = queries.get_ticket(
        session,
        report_id,
        with_internal=can("tickets.read_internal"),
        with_contact=can("tickets.read_contact"),
    )
    row = detail.row
    oslo = oslo_status(row.status)
    may_update = can("tickets.update")
    return {
        **summary(row, lang),
        "description_public": detail.description_public,
        "accuracy_m": detail.accuracy_m,
        "photos": staff_photos(session, report_id),
        "history": detail.history,
        "updates": detail.updates,
        "audit": detail.audit,
        "reporter": detail.reporter,
        # What this caller may do next: nothing for someone who may only read the ticket.
        "allowed_transitions": [s.value for s in allowed_transitions(row.status)]
        if may_update
        else [],
        "planned_for": detail.planned_for,
        "duplicate_of": detail.duplicate_of,
        "oslo_status": {"uri": oslo.uri, "label": oslo.label_nl},
        "open311_status": open311_status(row.status),
        "delivery": _delivery(session, report_id, lang),
    }


def _delivery(session: Session, report_id: uuid.UUID, lang: str | None) -> dict | None:
    """Where the ticket is handled, if its body receives in a system of its own."""
    row = ticket_delivery(session.connection(), report_id)
    return None if row is None else delivery_answer(row, lang)
