"""How a staff change is answered: If-Match, the Idempotency-Key sent, and the answer (the
ticket as the caller may read it now, also for a replay). The change itself is made, once
only, by `app.tickets.changes.apply_once`."""

from __future__ import annotations

import uuid

from flask import current_app

from app.api.auth.guard import PermissionDeniedError, signed_in_staff
from app.api.common import request_language
from app.api.tickets import views
from app.api.tickets.etag import etag, expected_version
from app.api.tickets.scope import ticket_scope
from app.tickets.changes import apply_once
from app.tickets.idempotency import StaffKey
from app.web import db_session


def detail_response(report_id: uuid.UUID, status: int = 200):
    body = views.ticket_detail(db_session(), signed_in_staff(), report_id, request_language())
    return body, status, {"ETag": etag(body["version"])}


def replay(report_id: uuid.UUID, status: int):
    """The answer to a change already applied under its Idempotency-Key: a read made now.

    The caller may have lost the ticket since (transferred away, moved to another body): the
    replay is then refused as a read would be, with the same 403 and nothing of the ticket,
    only marked replayed so that an offline client knows its change was applied. Otherwise
    the body is the ticket as the caller may see it now (`ticket_detail` judges that), never
    a copy stored with the key, which could hold what the caller may no longer read.
    """
    replayed = {"Idempotent-Replayed": "true"}
    try:
        ticket_scope(report_id, "tickets.read")
    except PermissionDeniedError as refused:
        # The very answer a read gets, from the same error handler.
        response = current_app.make_response(current_app.handle_user_exception(refused))
        response.headers.update(replayed)
        return response
    body, _status, etag_header = detail_response(report_id)
    return body, status, {**etag_header, **replayed}


def apply_change(headers: dict, report_id: uuid.UUID, operation: str, data, apply, status=200):
    """Apply a staff change with If-Match, and once only under an Idempotency-Key.

    `apply(session, version)` makes the change on the version the client last read. With a
    key already applied to the same request, nothing is applied again: the answer is the
    first one's status with the ticket as it is now (see `replay`), and no If-Match is
    needed, since an offline client only knew the ETag the first attempt was sent with. The
    same key with another request is a 422; while the first is still being processed, a 409.
    """
    user = signed_in_staff()
    sent_key = headers.get("idempotency_key")
    key = StaffKey.of(user.id, sent_key, operation, report_id, data) if sent_key else None

    def change(session):
        ticket_scope(report_id, "tickets.update")
        apply(session, expected_version())

    earlier = apply_once(db_session(), key, report_id, change, status)
    if earlier is not None:
        return replay(report_id, earlier)
    return detail_response(report_id, status)
