"""The error of Open311's protocol layer: an api_key that is missing, unknown or not allowed."""

from __future__ import annotations

from app.errors import PaveError


class ApiKeyError(PaveError):
    """The api_key is missing, invalid, or does not allow this (HTTP 403, as the spec says)."""

    code = "invalid-api-key"
