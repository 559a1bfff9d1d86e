"""Schemas of the reports resource: creation, public view, GeoJSON pages and query args."""

from __future__ import annotations

import datetime as dt
import math

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates,
    validates_schema,
)
from webargs.fields import DelimitedList

from app.api.common import (
    NO_NUL,
    EmailAddress,
    SingleLineText,
    idempotency_key_header,
    plain_text,
)
from app.api.photos.schemas import PhotoSchema
from app.api.schemas import CodeNameSchema
from app.reports.services import NewReport
from app.reports.states import Status
from app.text import says_something

DESCRIPTION_MAX = 5000
PHONE = validate.Regexp(r"^\+?[0-9 ()./-]{6,25}$", error="Not a phone number.")


def _finite(value: float) -> None:
    if not math.isfinite(value):
        raise ValidationError("Must be a finite number.")


class LocationSchema(Schema):
    lat = fields.Float(required=True, allow_nan=False, validate=validate.Range(-90, 90))
    lon = fields.Float(required=True, allow_nan=False, validate=validate.Range(-180, 180))
    accuracy_m = fields.Float(
        allow_nan=False,
        allow_none=True,
        validate=validate.Range(0, 100_000),
        metadata={"description": "Radius of the position's uncertainty in metres"},
    )


class ReporterSchema(Schema):
    name = SingleLineText(min_length=1, person=True, allow_none=True)
    email = EmailAddress(allow_none=True)
    phone = fields.String(validate=PHONE, allow_none=True)


class ReportCreateSchema(Schema):
    category = fields.String(
        required=True,
        validate=[validate.Length(1, 60), NO_NUL],
        metadata={"description": "A category code from GET /api/v1/categories"},
    )
    description = fields.String(
        allow_none=True,
        # The same rule as comments: staff publish these words in Open311, XML and CSV.
        validate=[validate.Length(1, DESCRIPTION_MAX), NO_NUL, plain_text],
        metadata={"description": f"Optional, 1 to {DESCRIPTION_MAX} characters"},
    )
    location = fields.Nested(LocationSchema, required=True)
    reporter = fields.Nested(
        ReporterSchema,
        allow_none=True,
        metadata={"description": "Private: only the responsible body ever sees it"},
    )

    @validates("description")
    def _not_blank(self, value, **_kwargs):
        if value is not None and not says_something(value):
            raise ValidationError("Must not be blank; leave the field out instead.")


def new_report(data: dict) -> NewReport:
    """The NewReport that a loaded ReportCreate (from the API or from Open311) describes."""
    location = data["location"]
    reporter = data.get("reporter") or {}
    return NewReport(
        category=data["category"],
        lon=location["lon"],
        lat=location["lat"],
        accuracy_m=location.get("accuracy_m"),
        description=data.get("description"),
        reporter_name=reporter.get("name"),
        reporter_email=reporter.get("email"),
        reporter_phone=reporter.get("phone"),
    )


class IdempotencyHeadersSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    idempotency_key = idempotency_key_header(
        "Client-made key (e.g. the report's UUID): a retry with the same key and body returns "
        "the same report and creates nothing"
    )


class CategoryRefSchema(CodeNameSchema):
    """A report's category: its code and its name in the negotiated language."""


class CommuneRefSchema(Schema):
    nis_code = fields.String(required=True)
    name = fields.String(required=True)


class BodyRefSchema(CodeNameSchema):
    kind = fields.String(required=True)


class ReportPropertiesSchema(Schema):
    id = fields.UUID(required=True)
    category = fields.Nested(CategoryRefSchema, required=True)
    description = fields.String(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in Status]))
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)
    accuracy_m = fields.Float(allow_none=True)
    commune = fields.Nested(CommuneRefSchema, required=True)
    responsible_body = fields.Nested(BodyRefSchema, required=True)


class ReportSchema(ReportPropertiesSchema):
    location = fields.Nested(LocationSchema, required=True)
    photos = fields.List(
        fields.Nested(PhotoSchema),
        required=True,
        metadata={"description": "Visible photos in upload order"},
    )


class ReportCreatedSchema(ReportSchema):
    photo_token = fields.String(
        required=True,
        metadata={
            "description": "The author's capability to add photos later: send it as Report-Key "
            "to POST /reports/{id}/photos. Keep it private; a retry of the creation returns it "
            "again"
        },
    )
    follow_token = fields.String(
        required=True,
        metadata={
            "description": "The author's private follow link's token (/follow/{token}), for the "
            "app that made the report; a retry of the creation returns it again"
        },
    )
    acknowledgement = fields.String(
        required=True,
        validate=validate.OneOf(["queued", "withheld", "none"]),
        metadata={
            "description": "The reporter's acknowledgement email: queued; withheld, as the "
            "address had too many within the hour (the report is kept all the same); or none, "
            "without an address"
        },
    )
    notice = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "What the resident should be told besides the report (a withheld "
            "acknowledgement), in the language of Accept-Language; null when nothing"
        },
    )


class NearbyPropertiesSchema(ReportPropertiesSchema):
    distance_m = fields.Float(required=True)
    thumbnail_url = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The first visible photo's thumbnail; null without one"},
    )


class PointSchema(Schema):
    type = fields.String(required=True, validate=validate.Equal("Point"))
    coordinates = fields.List(fields.Float(), required=True, metadata={"description": "[lon, lat]"})


class LinkSchema(Schema):
    rel = fields.String(required=True)
    href = fields.String(required=True)
    type = fields.String()


class FeatureSchema(Schema):
    type = fields.String(required=True, validate=validate.Equal("Feature"))
    id = fields.UUID(required=True)
    geometry = fields.Nested(PointSchema, required=True)
    properties = fields.Nested(ReportPropertiesSchema, required=True)


class NearbyFeatureSchema(FeatureSchema):
    properties = fields.Nested(NearbyPropertiesSchema, required=True)


class FeatureCollectionSchema(Schema):
    type = fields.String(required=True, validate=validate.Equal("FeatureCollection"))
    features = fields.List(fields.Nested(FeatureSchema), required=True)
    links = fields.List(fields.Nested(LinkSchema), required=True)


class NearbyCollectionSchema(FeatureCollectionSchema):
    features = fields.List(fields.Nested(NearbyFeatureSchema), required=True)


_NUMBER = r"-?[0-9]+(\.[0-9]+)?"
BBOX_PATTERN = rf"^{_NUMBER}(,{_NUMBER}){{3}}$"


class BBoxField(fields.String):
    """minlon,minlat,maxlon,maxlat in WGS84, as four comma-separated numbers."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        parts = text.split(",")
        if len(parts) != 4:
            raise ValidationError("Must be four numbers: minlon,minlat,maxlon,maxlat.")
        try:
            minx, miny, maxx, maxy = (float(p) for p in parts)
        except ValueError as exc:
            raise ValidationError("Must be four numbers: minlon,minlat,maxlon,maxlat.") from exc
        for v in (minx, miny, maxx, maxy):
            _finite(v)
        if not (
            -180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90 and -90 <= maxy <= 90
        ):
            raise ValidationError("Longitudes must be within ±180 and latitudes within ±90.")
        if minx > maxx or miny > maxy:
            raise ValidationError("Inverted box: the minimum must come before the maximum.")
        return (minx, miny, maxx, maxy)


class StatusListField(DelimitedList):
    """Comma-separated statuses, where an empty value is one empty status, refused as unknown.

    webargs reads `status=` as no status at all, which would list reports of every status
    although the OpenAPI document's enum refuses an empty one.
    """

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "":
            # The list of one empty status, which the statuses' OneOf then refuses.
            return fields.List._deserialize(self, [value], attr, data, **kwargs)
        return super()._deserialize(value, attr, data, **kwargs)


class ReportQueryArgsSchema(Schema):
    bbox = BBoxField(
        metadata={
            "description": "minlon,minlat,maxlon,maxlat (WGS84), minimum before maximum",
            "pattern": BBOX_PATTERN,
        }
    )
    commune = fields.String(validate=validate.Regexp(r"^\d{5}$", error="A 5-digit NIS code."))
    category = fields.String(validate=[validate.Length(1, 60), NO_NUL])
    status = StatusListField(
        fields.String(validate=validate.OneOf([s.value for s in Status])),
        metadata={"description": "One or more statuses, comma-separated"},
    )
    since = fields.AwareDateTime(default_timezone=dt.UTC)
    until = fields.AwareDateTime(default_timezone=dt.UTC)
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    cursor = fields.String(validate=validate.Length(1, 200))

    @validates_schema
    def _period(self, data, **_kwargs):
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise ValidationError("since must not be after until.", "until")


class NearbyQueryArgsSchema(Schema):
    lat = fields.Float(required=True, allow_nan=False, validate=validate.Range(-90, 90))
    lon = fields.Float(required=True, allow_nan=False, validate=validate.Range(-180, 180))
    radius_m = fields.Float(load_default=100.0, allow_nan=False, validate=validate.Range(1, 1000))
    category = fields.String(validate=[validate.Length(1, 60), NO_NUL])
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 50))
