"""Schemas of a delivery to a body's own system, on a ticket and in the failed list."""

from __future__ import annotations

from marshmallow import Schema, fields, validate
from sqlalchemy.engine import Row

from app.api.schemas import CodeNameSchema
from app.delivery import views
from app.i18n import pick_name

STATES = ["sending", "sent", "failed"]


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
    error_kind = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "The last error's kind, for a screen to word it (app/delivery/"
            "failures.py: refused, remote_error, no_answer, unreachable, ...); null for an "
            "error recorded before kinds were"
        },
    )
    error_status = fields.Integer(
        required=True, allow_none=True, metadata={"description": "The remote's HTTP status"}
    )
    error_detail = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "The remote's own words (refused, remote_error), or the category "
            "without a service code (no_service_code)"
        },
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
