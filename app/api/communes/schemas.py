"""Schemas of the communes resource."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.api.common import NamesSchema


class LookupQueryArgsSchema(Schema):
    lat = fields.Float(required=True, allow_nan=False, validate=validate.Range(-90, 90))
    lon = fields.Float(required=True, allow_nan=False, validate=validate.Range(-180, 180))


class RegionSchema(Schema):
    code = fields.String(required=True, metadata={"description": "REFNIS region code"})
    name = fields.String(required=True)
    names = fields.Nested(NamesSchema, required=True)


class CommuneSchema(Schema):
    nis_code = fields.String(required=True)
    name = fields.String(required=True)
    names = fields.Nested(NamesSchema, required=True)
    region = fields.Nested(RegionSchema, required=True)


class CommuneLookupSchema(CommuneSchema):
    match = fields.String(
        required=True,
        metadata={"description": "inside, overlap (covered by two; see routing rules) or nearest"},
    )
    distance_m = fields.Float(required=True, metadata={"description": "0 unless snapped"})


class CommuneSearchQueryArgsSchema(Schema):
    q = fields.String(
        required=True,
        validate=[validate.Length(2, 100), validate.Regexp(r"^[^\x00]*$")],
        metadata={"description": "The start of a commune's name, in French, Dutch or German"},
    )
    limit = fields.Integer(load_default=10, validate=validate.Range(1, 50))


class NoQueryArgsSchema(Schema):
    """No parameter: any given is refused (a misspelt one would otherwise pass unnoticed)."""


class CommunePointSchema(Schema):
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)


class CommunePlaceSchema(CommuneSchema):
    point = fields.Nested(
        CommunePointSchema, required=True, metadata={"description": "A point inside the commune"}
    )
    radius_m = fields.Float(
        required=True,
        metadata={"description": "Radius of a disc of the commune's area: an accuracy to send"},
    )


class KeptCommuneSchema(Schema):
    nis_code = fields.String(required=True)
    names = fields.Nested(
        NamesSchema, required=True, metadata={"description": "fr, nl and de; empty ones absent"}
    )
    region = fields.String(
        required=True, metadata={"description": "REFNIS region code: 02000, 03000 or 04000"}
    )
    point = fields.Nested(
        CommunePointSchema,
        required=True,
        metadata={"description": "A point inside the commune, to 5 decimals"},
    )
    radius_m = fields.Integer(
        required=True,
        metadata={"description": "Radius of a disc of the commune's area: an accuracy to send"},
    )
