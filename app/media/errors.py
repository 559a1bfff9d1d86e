"""Domain errors of photo uploads; app/api/errors.py gives each its HTTP status."""

from __future__ import annotations

from app.errors import PaveError, ReportClosedError


class PhotoError(PaveError):
    """Base of the errors that refuse an uploaded photo."""

    title = "Photo refused"


class EmptyPhotoError(PhotoError):
    code = "empty-photo"
    title = "Empty photo"


class PhotoTooLargeError(PhotoError):
    code = "photo-too-large"
    title = "Photo too large"


class UnsupportedPhotoTypeError(PhotoError):
    code = "unsupported-photo-type"
    title = "Unsupported photo type"


class PhotoTypeMismatchError(PhotoError):
    code = "photo-type-mismatch"
    title = "Photo type does not match its content type"


class CorruptPhotoError(PhotoError):
    code = "corrupt-photo"
    title = "Photo cannot be decoded"


class PhotoTooManyPixelsError(PhotoError):
    code = "photo-too-many-pixels"
    title = "Photo has too many pixels"


class PhotoLimitReachedError(PhotoError):
    code = "photo-limit-reached"
    title = "Report already has its maximum number of photos"


class PhotoStorageError(PaveError):
    """Storing the processed files failed; nothing was written to the database."""

    code = "photo-storage-unavailable"
    title = "Photo storage unavailable"


class PhotoUploadForbiddenError(PaveError):
    """Only the report's creator may add photos after its creation, for a while."""

    code = "photo-upload-forbidden"
    title = "Not allowed to add photos to this report"


class PhotoReportClosedError(ReportClosedError):
    """The report is closed: its author may no longer add photos (staff still may)."""
