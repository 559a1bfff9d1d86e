"""Domain errors: nouns ending in Error, free of HTTP; api/errors.py maps them to responses."""

from __future__ import annotations

from app.problems import DEFAULT_LANGUAGE, TITLE_PREFIX, Message, render


class PaveError(Exception):
    """Base of every error the domain core raises on purpose.

    `detail` is a `Message` (a key of the catalogue app/problems and its parameters) where
    residents or crews read it, so the API renders it in their language; `self.detail` is
    always its English text. `code` is the slug of its problem type: stable, one per class
    that sets it, inherited by subclasses that do not (app/api/errors.py gives its status).
    Its title is the catalogue's `title.<code>`, in every language: no class writes one.
    """

    code = "bad-request"

    def __init__(self, detail: str | Message, **extra):
        super().__init__(str(detail))
        self.message = detail if isinstance(detail, Message) else None
        self.detail = str(detail)
        self.extra = extra

    @property
    def title(self) -> str:
        """The English title of its problem type."""
        return render(TITLE_PREFIX + self.code, DEFAULT_LANGUAGE)


class NotFoundError(PaveError):
    code = "not-found"


class OutsideServiceAreaError(PaveError):
    code = "outside-service-area"


class UnknownCategoryError(PaveError):
    code = "unknown-category"


class IdempotencyKeyReuseError(PaveError):
    code = "idempotency-key-reuse"


class RequestInFlightError(PaveError):
    code = "request-in-flight"


class InvalidCursorError(PaveError):
    code = "invalid-cursor"


class ReportClosedError(PaveError):
    """The report is closed: what was asked of it (follow it, add a photo) no longer may be."""

    code = "report-closed"
