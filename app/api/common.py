"""Small helpers shared by the API resources: language negotiation and shared schemas."""

from __future__ import annotations

from flask import request
from marshmallow import Schema, fields, validate

from app.i18n import LANGUAGES


def request_language() -> str | None:
    """The best of fr/nl/de/en from Accept-Language, or None when the client has no wish."""
    return request.accept_languages.best_match(LANGUAGES)


# PostgreSQL text cannot hold a NUL character; refused here, it is a 422 and not a 500.
NO_NUL = validate.Regexp(r"^[^\x00]*$", error="Must not contain NUL characters.")


class NamesSchema(Schema):
    fr = fields.String()
    nl = fields.String()
    de = fields.String()
    en = fields.String()


def idempotency_key_header(description: str) -> fields.String:
    """The Idempotency-Key header: 1 to 255 visible ASCII characters made by the client."""
    return fields.String(
        data_key="Idempotency-Key",
        validate=[validate.Length(1, 255), validate.Regexp(r"^[\x21-\x7e]+$")],
        metadata={"description": description},
    )
