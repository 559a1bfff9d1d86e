"""Who may do what to a ticket: the staff API's scope checks, shared with Open311's writes."""

from __future__ import annotations

import uuid

from app.accounts import access
from app.api.auth.guard import require
from app.errors import NotFoundError
from app.problems import msg
from app.tickets import queries
from app.web import db_session


def ticket_scope(report_id: uuid.UUID, action: str) -> tuple[int, str]:
    """The ticket's (body id, region), once the caller is known to be allowed `action` on it."""
    found = queries.ticket_scope_of(db_session(), report_id)
    if found is None:
        raise NotFoundError(msg("ticket.missing", report_id=report_id))
    body_id, region_code = found
    # Report ids are public (the residents' map shows them): a refusal hides nothing by
    # being a 403 rather than a 404, and tells the caller what is wrong.
    require(action, body_id=body_id, region_code=region_code)
    return body_id, region_code


def may_change_ticket(session, user, report_id: uuid.UUID) -> bool:
    """May `user` change this ticket (tickets.update on its body and region)? 404 if none.

    The rule of `ticket_scope`, for callers authenticated otherwise (Open311's api_key).
    """
    found = queries.ticket_scope_of(session, report_id)
    if found is None:
        raise NotFoundError(msg("ticket.missing", report_id=report_id))
    return access.can(user, "tickets.update", body_id=found[0], region_code=found[1])
