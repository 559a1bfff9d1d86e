"""Domain errors: nouns ending in Error, free of HTTP; api/errors.py maps them to responses."""

from __future__ import annotations

from app.problems import Message


class PaveError(Exception):
    """Base of every error the domain core raises on purpose.

    `detail` is a `Message` (a key of the catalogue app/problems and its parameters) where
    residents or crews read it, so the API renders it in their language; `self.detail` is
    always its English text. `code` is the slug of its problem type: stable, one per class
    that sets it, inherited by subclasses that do not (app/api/errors.py gives its status).
    """

    code = "bad-request"
    title = "Request cannot be processed"

    def __init__(self, detail: str | Message, **extra):
        super().__init__(str(detail))
        self.message = detail if isinstance(detail, Message) else None
        self.detail = str(detail)
        self.extra = extra


class NotFoundError(PaveError):
    code = "not-found"
    title = "Not found"


class OutsideServiceAreaError(PaveError):
    code = "outside-service-area"
    title = "Outside the area served"


class UnknownCategoryError(PaveError):
    code = "unknown-category"
    title = "Unknown category"


class IdempotencyKeyReuseError(PaveError):
    code = "idempotency-key-reuse"
    title = "Idempotency key already used for another request"


class RequestInFlightError(PaveError):
    code = "request-in-flight"
    title = "The same request is still being processed"


class InvalidCursorError(PaveError):
    code = "invalid-cursor"
    title = "Invalid cursor"


class ReportClosedError(PaveError):
    """The report is closed: what was asked of it (follow it, add a photo) no longer may be."""

    code = "report-closed"
    title = "This report is closed"
