"""Open311's api_key: the API token of an active staff account, as a parameter or header."""

from __future__ import annotations

from flask import request

from app.accounts.services import user_for_token
from app.api.open311.errors import ApiKeyError
from app.api.open311.protocol import param
from app.web import db_session


def _header_key() -> str | None:
    """The api_key sent as `Authorization: Bearer <api_key>`, if it is sent that way."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, key = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise ApiKeyError(
            "Send the api_key as the api_key parameter or as `Authorization: Bearer <api_key>`."
        )
    return key.strip()


def staff_for_key():
    """The active staff account whose API token is the api_key; 403 otherwise.

    The spec's `api_key` parameter, or the same key in the `Authorization: Bearer` header,
    which keeps it out of URLs and access logs; if both are sent, they must agree.
    """
    sent = param("api_key")
    in_header = _header_key()
    if sent is not None and in_header is not None and sent != in_header:
        raise ApiKeyError(
            "The api_key parameter and the Authorization header name different keys; "
            "send one of them."
        )
    key = in_header or sent
    if key is None:
        raise ApiKeyError(
            "An api_key is required: an API token of a Pavé account, as the api_key "
            "parameter or as `Authorization: Bearer <api_key>`."
        )
    user = user_for_token(db_session(), key)
    if user is None:
        raise ApiKeyError("Invalid api_key: it is unknown, revoked, or its account is inactive.")
    return user
