"""The size check of requests that carry photos, written once for the routes that take them.

The app's own request limit suits JSON bodies; only these routes accept photo-sized bodies.
"""

from __future__ import annotations

from flask import request
from flask_smorest import abort

from app.api.photos.setup import photo_limits, photo_max_bytes, upload_limit
from app.media.processing import MB

MULTIPART = "multipart/form-data"


def limit_photo_upload(limit: int, too_large: str) -> None:
    """Refuse a body declared over `limit` bytes (413, `too_large`); bound the others.

    Werkzeug enforces `request.max_content_length` while parsing, even when no
    Content-Length was sent.
    """
    if request.content_length is not None and request.content_length > limit:
        abort(413, message=too_large)
    request.max_content_length = limit


def limit_one_photo() -> None:
    """A request with one photo: at most PHOTO_MAX_BYTES (and its parts), as multipart."""
    megabytes = photo_max_bytes() / MB
    limit_photo_upload(upload_limit(), f"A photo upload is at most {megabytes:.0f} MB.")
    if request.mimetype != MULTIPART:
        abort(415, message="Send the photo as multipart/form-data in a field named `photo`.")


def limit_report_with_photos() -> None:
    """A report sent with its photos: room for each photo and its part headers."""
    limit = photo_limits().per_report * upload_limit()
    limit_photo_upload(limit, f"A report with its photos is at most {limit // MB} MB.")
