"""Schemas of the members API: a member of staff as a colleague sees them in a list."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.api.common import NO_NUL, NamesSchema


class MemberSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(
        required=True, metadata={"description": "The display name, or the email without one"}
    )


class BodySearchArgsSchema(Schema):
    q = fields.String(
        required=True,
        validate=[validate.Length(2, 100), NO_NUL],
        metadata={"description": "The start of a body's name in any language, or its code"},
    )
    limit = fields.Integer(load_default=10, validate=validate.Range(1, 20))


class BodyChoiceSchema(Schema):
    code = fields.String(required=True, metadata={"description": "What a transfer sends"})
    kind = fields.String(required=True, metadata={"description": "commune, region or operator"})
    name = fields.String(required=True, metadata={"description": "In the caller's language"})
    names = fields.Nested(NamesSchema, required=True)
