"""Schemas of photo uploads and of the photo list in a report's public view."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import EXCLUDE, Schema, fields, validate

from app.api.common import idempotency_key_header
from app.api.schemas import LatLonSchema


class PhotoUploadSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    photo = Upload(
        required=True,
        metadata={"description": "JPEG, PNG, WebP or HEIC/HEIF, at most 15 MB and 50 MP"},
    )


class PhotoHeadersSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    idempotency_key = idempotency_key_header(
        "The client's own id of the photo: a retry with the same id returns the stored photo "
        "and stores nothing new"
    )
    report_key = fields.String(
        data_key="Report-Key",
        validate=validate.Length(1, 255),
        metadata={
            "description": "The report's `photo_token`, from its creation's 201 answer: only "
            "its author's app has it, and it lets them add photos for "
            "PHOTO_UPLOAD_WINDOW_DAYS (7) days while the report is open"
        },
    )


class PhotoSchema(Schema):
    position = fields.Integer(required=True, metadata={"description": "0 for the first photo"})
    url = fields.String(required=True, metadata={"description": "Display size, long edge 1920"})
    thumbnail_url = fields.String(required=True, metadata={"description": "Long edge 320"})
    content_type = fields.String(
        required=True,
        metadata={
            "description": "Of both files (image/jpeg or image/webp), whatever type was uploaded"
        },
    )
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    thumbnail_width = fields.Integer(required=True)
    thumbnail_height = fields.Integer(required=True)


class LocationSuggestionSchema(LatLonSchema):
    """Where the photo says it was taken."""


class PhotoCreatedSchema(PhotoSchema):
    location_suggestion = fields.Nested(
        LocationSuggestionSchema,
        allow_none=True,
        metadata={
            "description": "The GPS position in the photo's EXIF, returned once and not "
            "stored: the app may offer it as the report's location"
        },
    )
