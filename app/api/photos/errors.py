"""HTTP status and problem type of each photo error; merge into DOMAIN_STATUS to use app-wide."""

from __future__ import annotations

from app import errors
from app.media import errors as media

PHOTO_STATUS: dict[type[errors.PaveError], tuple[int, str]] = {
    media.EmptyPhotoError: (422, "empty-photo"),
    media.PhotoTooLargeError: (413, "photo-too-large"),
    # RFC 9110 allows 415 for a format found unsupported by inspecting the data itself.
    media.UnsupportedPhotoTypeError: (415, "unsupported-photo-type"),
    media.PhotoTypeMismatchError: (415, "photo-type-mismatch"),
    media.CorruptPhotoError: (422, "corrupt-photo"),
    media.PhotoTooManyPixelsError: (422, "photo-too-many-pixels"),
    # The report is in a state (full) that conflicts with one more photo: 409, like a
    # resource that cannot take the change now, rather than 422 about the photo itself.
    media.PhotoLimitReachedError: (409, "photo-limit-reached"),
    media.PhotoStorageError: (503, "photo-storage-unavailable"),
}
