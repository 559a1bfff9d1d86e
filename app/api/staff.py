"""What the staff API's views declare alike, written once: `staff_view` (login, permission,
arguments, answer and problems of a staff view) and `staff_change` (a change of a ticket:
If-Match, Idempotency-Key, the ticket with its ETag, and the change's problems).

Used by app/api/tickets, app/api/members and app/api/auth. The order in which each decorator
is applied is the order the OpenAPI document lists the parameters and responses in.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields

from app.api.auth.guard import staff_required
from app.api.common import idempotency_key_header
from app.api.errors import problem_doc
from app.api.tickets.schemas import TicketDetailSchema

ETAG_HEADER = {
    "ETag": {"description": 'The ticket\'s version, "v<version>"', "schema": {"type": "string"}}
}
# The problems of every change made with If-Match, as the document lists them.
CHANGE_ERRORS = (
    (404, "No such ticket"),
    (412, "If-Match names an older version: reload the ticket"),
    (422, "Invalid body, or a value the lifecycle refuses"),
    (428, "If-Match is missing"),
)
IN_FLIGHT = "The same Idempotency-Key is still being processed"


class ChangeHeadersSchema(Schema):
    """If-Match (the view reads it itself, to answer 428 when it is missing) and the optional
    Idempotency-Key of a change."""

    class Meta:
        unknown = EXCLUDE

    if_match = fields.String(
        data_key="If-Match",
        metadata={
            "description": 'The ETag last read, "v<version>"; required (428 without), except '
            "on a retry under an Idempotency-Key already applied"
        },
    )
    idempotency_key = idempotency_key_header(
        "Optional, made by the client (the crews' outbox sends its item's id): a retry with the "
        "same key and request is answered as the first time (header Idempotent-Replayed) and "
        "applies nothing again; the same key with another request is a 422"
    )


def staff_view(
    blp,
    action: str,
    answer,
    *,
    status: int = 200,
    query=None,
    query_unknown: str | None = None,
    sent_headers=None,
    body=None,
    errors=(),
    **answer_options,
):
    """Decorator of a staff view: logged in and allowed `action` first (before anything sent
    is parsed), then its `query`, `sent_headers` and JSON `body` schemas, its `answer` with
    `status`, and `errors`, (status, description) pairs answered as problem+json.
    """

    def decorate(func):
        for code, description in errors:
            func = blp.alt_response(code, **problem_doc(description))(func)
        func = blp.response(status, answer, **answer_options)(func)
        if body is not None:
            func = blp.arguments(body)(func)
        if sent_headers is not None:
            func = blp.arguments(sent_headers, location="headers")(func)
        if query is not None:
            strict = {} if query_unknown is None else {"unknown": query_unknown}
            func = blp.arguments(query, location="query", **strict)(func)
        return staff_required(blp, action)(func)

    return decorate


def staff_change(blp, body, *, status: int = 200, conflict: str | None = IN_FLIGHT):
    """Decorator of a change of a ticket: tickets.update, If-Match and Idempotency-Key, the
    `body` schema, and the ticket with its ETag as the answer; `conflict` describes its 409."""
    conflicts = () if conflict is None else ((409, conflict),)
    return staff_view(
        blp,
        "tickets.update",
        TicketDetailSchema,
        status=status,
        sent_headers=ChangeHeadersSchema,
        body=body,
        errors=(*CHANGE_ERRORS, *conflicts),
        headers=ETAG_HEADER,
    )
