"""Domain errors of photo uploads; app/api/errors.py gives each its HTTP status."""

from __future__ import annotations

from app.errors import PaveError, ReportClosedError


class PhotoError(PaveError):
    """Base of the errors that refuse an uploaded photo."""


class EmptyPhotoError(PhotoError):
    code = "empty-photo"


class PhotoTooLargeError(PhotoError):
    code = "photo-too-large"


class UnsupportedPhotoTypeError(PhotoError):
    code = "unsupported-photo-type"


class PhotoTypeMismatchError(PhotoError):
    code = "photo-type-mismatch"


class CorruptPhotoError(PhotoError):
    code = "corrupt-photo"


class PhotoTooManyPixelsError(PhotoError):
    code = "photo-too-many-pixels"


class PhotoLimitReachedError(PhotoError):
    code = "photo-limit-reached"


class PhotoStorageError(PaveError):
    """Storing the processed files failed; nothing was written to the database."""

    code = "photo-storage-unavailable"


class PhotoUploadForbiddenError(PaveError):
    """Only the report's creator may add photos after its creation, for a while."""

    code = "photo-upload-forbidden"


class PhotoReportClosedError(ReportClosedError):
    """The report is closed: its author may no longer add photos (staff still may)."""
