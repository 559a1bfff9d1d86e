"""Requests that carry photos, written once for the routes that take them: their size check
and what an upload of one photo declares.

The app's own request limit suits JSON bodies; only these routes accept photo-sized bodies.
"""

from __future__ import annotations

from flask import request
from flask_smorest import abort

from app.api.common import MULTIPART, stacked
from app.api.errors import problem_doc
from app.api.photos.schemas import PhotoHeadersSchema, PhotoUploadSchema
from app.api.photos.setup import photo_limits, photo_max_bytes, upload_limit
from app.media.processing import MB

# What every upload may meet in the photo pipeline (app.media.services.add_photo).
PIPELINE_PROBLEMS = (
    (413, "The upload is over 15 MB"),
    (415, "Not multipart, or not a JPEG, PNG, WebP or HEIC, or a lying type"),
    (422, "Empty, truncated or damaged, too many pixels, or a reused Idempotency-Key"),
    (503, "The photo storage is unavailable"),
)


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


def photo_upload(blp, answer, problems, **answer_options):
    """Decorator of a view that adds one photo: the Idempotency-Key and Report-Key headers,
    the `photo` file, a 201 with `answer`, the view's own `problems` ((status, description)
    pairs) and the pipeline's, in the order of their status."""
    return stacked(
        blp.arguments(PhotoHeadersSchema, location="headers"),
        blp.arguments(PhotoUploadSchema, location="files"),
        blp.response(201, answer, **answer_options),
        *(
            blp.alt_response(status, **problem_doc(description))
            for status, description in sorted((*problems, *PIPELINE_PROBLEMS))
        ),
    )
