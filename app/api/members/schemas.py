"""Schemas of the members API: a member of staff as a colleague sees them in a list."""

from __future__ import annotations

from marshmallow import Schema, fields


class MemberSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(
        required=True, metadata={"description": "The display name, or the email without one"}
    )
