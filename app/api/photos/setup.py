"""The running app's photo settings, read from its config in this one place, and photo URLs.

The core (app.media) takes what it needs as arguments; the routes get it from here.
"""

from __future__ import annotations

from flask import current_app, url_for

from app.media.services import PhotoLimits
from app.media.storage import PhotoStorage, storage_from_settings

# Room for the multipart boundaries and part headers around the photo itself.
MULTIPART_OVERHEAD = 64 * 1024


def photo_storage() -> PhotoStorage:
    """The app's storage backend, made from its settings on first use."""
    extensions = current_app.extensions
    if "pave_photo_storage" not in extensions:
        extensions["pave_photo_storage"] = storage_from_settings(current_app.config)
    return extensions["pave_photo_storage"]


def photo_limits() -> PhotoLimits:
    config = current_app.config
    return PhotoLimits(
        max_bytes=config["PHOTO_MAX_BYTES"],
        max_pixels=config["PHOTO_MAX_PIXELS"],
        per_report=config["PHOTOS_PER_REPORT"],
    )


def photo_max_bytes() -> int:
    return current_app.config["PHOTO_MAX_BYTES"]


def upload_limit() -> int:
    """The request size a photo upload may have: the photo's limit plus multipart overhead."""
    return photo_max_bytes() + MULTIPART_OVERHEAD


def photo_url(key: str) -> str:
    """The absolute URL of a photo file (needs a request or an app context with SERVER_NAME)."""
    return url_for("photos.PhotoFile", key=key, _external=True)
