"""Schemas of a body's delivery settings: what is read, and what a PUT sends."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from app.api.common import NamesSchema
from app.delivery.models import METHODS
from app.delivery.validation import MAX_API_KEY, MAX_ENDPOINT, MAX_JURISDICTION

METHOD_HELP = (
    "pave (Pavé's crew screens only), email (the body's contact email), open311 (the body's "
    "own Open311 server) or open311_email (both)"
)
SERVICE_CODES = {"description": "Pavé category code -> the remote's service_code"}
ATTRIBUTES = {"description": "Pavé category code -> {name: value}, sent as attribute[name]"}


def service_codes_field(**options) -> fields.Dict:
    return fields.Dict(
        keys=fields.String(), values=fields.String(), metadata=SERVICE_CODES, **options
    )


def attributes_field(**options) -> fields.Dict:
    attribute_values = fields.Dict(keys=fields.String(), values=fields.String())
    return fields.Dict(
        keys=fields.String(), values=attribute_values, metadata=ATTRIBUTES, **options
    )


class DeliverySettingsSchema(Schema):
    body = fields.String(required=True, metadata={"description": "The body's code"})
    names = fields.Nested(NamesSchema, required=True)
    method = fields.String(
        required=True, metadata={"description": METHOD_HELP, "enum": list(METHODS)}
    )
    endpoint = fields.String(
        allow_none=True, required=True, metadata={"description": "The GeoReport v2 base URL"}
    )
    jurisdiction_id = fields.String(allow_none=True, required=True)
    api_key_set = fields.Boolean(
        required=True,
        metadata={
            "description": "Whether an API key is stored; the key itself is write-only (the "
            "PUT's api_key) and never returned"
        },
    )
    api_key_readable = fields.Boolean(
        required=True,
        metadata={
            "description": "False when a key is stored that the configured DELIVERY_KEYS (or "
            "SECRET_KEY) cannot decrypt: set it again"
        },
    )
    service_codes = service_codes_field(required=True)
    attributes = attributes_field(required=True)
    updated_at = fields.DateTime(allow_none=True, required=True)


class DeliveryPutSchema(Schema):
    """All the settings at once; only the API key, write-only, may be left out to keep it."""

    class Meta:
        unknown = RAISE

    method = fields.String(
        required=True, validate=validate.Length(max=20), metadata={"description": METHOD_HELP}
    )
    endpoint = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=MAX_ENDPOINT),
        metadata={"description": "https (http only on this machine); null: no Open311"},
    )
    jurisdiction_id = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=MAX_JURISDICTION)
    )
    api_key = fields.String(
        allow_none=True,
        load_only=True,
        validate=validate.Length(max=MAX_API_KEY),
        metadata={
            "description": "Write-only: absent keeps the stored key, null removes it, a string "
            "replaces it. Never returned: the answer says api_key_set"
        },
    )
    service_codes = service_codes_field(load_default=dict)
    attributes = attributes_field(load_default=dict)
