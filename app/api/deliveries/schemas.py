"""Schemas of a delivery to a body's own system, on a ticket and in the failed list."""

from __future__ import annotations

from marshmallow import Schema, fields, validate
from sqlalchemy.engine import Row

from app.api.schemas import CodeNameSchema, nullable_object
from app.delivery import views
from app.i18n import pick_name

STATES = ["sending", "sent", "failed"]


class FailureSchema(Schema):
    """Why the last attempt failed (app/delivery/failures.py)."""

    kind = fields.String(
        required=True,
        metadata={
            "description": "refused, remote_error, no_answer, unreachable, internal_address, "
            "duplicate_id, no_connection, transferred, no_service_code or key_unreadable"
        },
    )
    status = fields.Integer(
        required=True, allow_none=True, metadata={"description": "The remote's HTTP status"}
    )
    detail = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "The remote's own words (refused, remote_error), or the category "
            "without a service code (no_service_code)"
        },
    )


class DeliverySchema(Schema):
    """A report sent, or being sent, to a body's own system (Open311)."""

    id = fields.Integer(required=True, metadata={"description": "For POST …/{id}/retry"})
    report_id = fields.UUID(required=True)
    body = fields.Nested(CodeNameSchema, required=True, metadata={"description": "Whose system"})
    state = fields.String(
        required=True,
        validate=validate.OneOf(STATES),
        metadata={
            "description": "sent: the remote's reference is known; sending: queued or "
            "tried again after `error`; failed: given up, until someone retries it"
        },
    )
    reference = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The remote's service_request_id (or token), once sent"},
    )
    error = fields.String(
        required=True, allow_none=True, metadata={"description": "The last attempt's error"}
    )
    failure = nullable_object(
        FailureSchema,
        "The same error's parts, for a screen to say it in its reader's language; null once "
        "sent, and for an error recorded before errors had parts",
    )
    attempts = fields.Integer(required=True)
    created_at = fields.AwareDateTime(required=True)
    sent_at = fields.AwareDateTime(required=True, allow_none=True)
    failed_at = fields.AwareDateTime(required=True, allow_none=True)
    next_attempt_at = fields.AwareDateTime(required=True, allow_none=True)


class FailedListSchema(Schema):
    items = fields.List(fields.Nested(DeliverySchema), required=True)


def delivery_answer(row: Row, lang: str | None) -> dict:
    """A delivery with its body named in the caller's language."""
    name = pick_name(views.body_names(row), lang, row.body_region)
    return {**views.delivery_fields(row), "body": {"code": row.body_code, "name": name}}
