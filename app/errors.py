"""Domain errors: nouns ending in Error, free of HTTP; api/errors.py maps them to responses."""

from __future__ import annotations

from app.problems import Message


class PaveError(Exception):
    """Base of every error the domain core raises on purpose.

    `detail` is a `Message` (a key of the catalogue app/problems and its parameters) where
    residents or crews read it, so the API renders it in their language; `self.detail` is
    always its English text. The problem type's slug is its stable code (app/api/errors.py).
    """

    title = "Request cannot be processed"

    def __init__(self, detail: str | Message, **extra):
        super().__init__(str(detail))
        self.message = detail if isinstance(detail, Message) else None
        self.detail = str(detail)
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
