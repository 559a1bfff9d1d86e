"""Domain errors of photo uploads; app/api/errors.py gives each its HTTP status."""

from __future__ import annotations

from app.errors import PaveError


class PhotoError(PaveError):
    """Base of the errors that refuse an uploaded photo."""

    title = "Photo refused"


class EmptyPhotoError(PhotoError):
    title = "Empty photo"


class PhotoTooLargeError(PhotoError):
    title = "Photo too large"


class UnsupportedPhotoTypeError(PhotoError):
    title = "Unsupported photo type"


class PhotoTypeMismatchError(PhotoError):
    title = "Photo type does not match its content type"


class CorruptPhotoError(PhotoError):
    title = "Photo cannot be decoded"


class PhotoTooManyPixelsError(PhotoError):
    title = "Photo has too many pixels"


class PhotoLimitReachedError(PhotoError):
    title = "Report already has its maximum number of photos"


class PhotoStorageError(PaveError):
    """Storing the processed files failed; nothing was written to the database."""

    title = "Photo storage unavailable"


class PhotoUploadForbiddenError(PaveError):
    """Only the report's creator may add photos after its creation, for a while."""

    title = "Not allowed to add photos to this report"


class PhotoReportClosedError(PaveError):
    """The report is closed: its author may no longer add photos (staff still may)."""

    title = "This report is closed"
