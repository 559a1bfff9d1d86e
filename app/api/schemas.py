"""Field groups that several resources' schemas share, each written once.

The OpenAPI document names components after the classes that use these groups (a subclass
keeps its own name), so sharing a group here changes no component: only where it is written.
"""

from __future__ import annotations

from marshmallow import Schema, fields


class CodeNameSchema(Schema):
    """Something known by a stable code and shown by a name: a category, a body."""

    code = fields.String(required=True)
    name = fields.String(required=True)


class LatLonSchema(Schema):
    """A WGS84 position, in degrees."""

    lat = fields.Float(required=True)
    lon = fields.Float(required=True)


def nullable_object(schema: type[Schema], description: str) -> fields.Nested:
    """An object that every answer carries, or null where there is none."""
    return fields.Nested(
        schema, required=True, allow_none=True, metadata={"description": description}
    )


def list_of(schema: type[Schema], key: str = "items") -> type[Schema]:
    """A schema `{"<key>": [<schema>, …]}`, named after the listed one ("…ListSchema")."""
    return Schema.from_dict(
        {key: fields.List(fields.Nested(schema), required=True)},
        name=f"{schema.__name__.removesuffix('Schema')}ListSchema",
    )
