"""Domain errors: nouns ending in Error, free of HTTP; api/errors.py maps them to responses."""

from __future__ import annotations


class PaveError(Exception):
    """Base of every error the domain core raises on purpose."""

    title = "Request cannot be processed"

    def __init__(self, detail: str, **extra):
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFoundError(PaveError):
    title = "Not found"


class OutsideServiceAreaError(PaveError):
    title = "Outside the area served"


class UnknownCategoryError(PaveError):
    title = "Unknown category"


class IdempotencyKeyReuseError(PaveError):
    title = "Idempotency key already used for another request"


class RequestInFlightError(PaveError):
    title = "The same request is still being processed"


class InvalidCursorError(PaveError):
    title = "Invalid cursor"
