"""Schemas of the categories resource."""

from __future__ import annotations

from marshmallow import Schema, fields

from app.api.common import NamesSchema


class CategoryGroupSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    names = fields.Nested(NamesSchema, required=True)


class CategorySchema(Schema):
    code = fields.String(
        required=True, metadata={"description": "Stable code; Open311 service_code"}
    )
    name = fields.String(required=True, metadata={"description": "Name in the negotiated language"})
    names = fields.Nested(NamesSchema, required=True)
    group = fields.Nested(CategoryGroupSchema, required=True)
