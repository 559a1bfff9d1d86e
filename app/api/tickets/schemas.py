"""Schemas of the staff tickets API: summaries, detail, filters and the changes staff make."""

from __future__ import annotations

import datetime as dt
import uuid

from marshmallow import Schema, fields, validate, validates_schema
from marshmallow.exceptions import ValidationError
from webargs.fields import DelimitedList

from app.api.common import NO_NUL, not_blank, plain_text
from app.api.deliveries.schemas import DeliverySchema
from app.api.photos.schemas import PhotoSchema
from app.api.reports.schemas import (
    BBOX_PATTERN,
    BBoxField,
    CategoryRefSchema,
    CommuneRefSchema,
    FeatureSchema,
    PointSchema,
)
from app.api.schemas import CodeNameSchema, LatLonSchema, nullable_object
from app.dates import BELGIAN_TIME
from app.reports.states import Priority, Status
from app.text import says_something
from app.tickets.picking import SHORT_REF
from app.tickets.queries import SORTS

STATUSES = [s.value for s in Status]
PRIORITIES = [p.value for p in Priority]


class TicketBodyRefSchema(CodeNameSchema):
    """The body a ticket is routed to."""


class TicketPropertiesSchema(Schema):
    """A ticket as lists and maps show it."""

    id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    priority = fields.String(required=True, validate=validate.OneOf(PRIORITIES))
    category = fields.Nested(CategoryRefSchema, required=True)
    commune = fields.Nested(CommuneRefSchema, required=True)
    body = fields.Nested(TicketBodyRefSchema, required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(
        required=True,
        metadata={
            "description": "When the public last saw it change (status, body, planned date, "
            "original, published description, public update or photo); priority, assignee and "
            "internal notes leave it"
        },
    )
    assignee_user_id = fields.Integer(required=True, allow_none=True)
    description = fields.String(
        required=True, allow_none=True, metadata={"description": "In lists: its first 200 chars"}
    )
    version = fields.Integer(required=True, metadata={"description": 'The ETag is "v<version>"'})


class TicketSummarySchema(TicketPropertiesSchema):
    location = fields.Nested(LatLonSchema, required=True)


class TicketListItemSchema(TicketSummarySchema):
    thumbnail_url = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The first photo not hidden, small; null without one"},
    )


class TicketPageSchema(Schema):
    items = fields.List(fields.Nested(TicketListItemSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class HistoryEntrySchema(Schema):
    at = fields.AwareDateTime(required=True)
    from_status = fields.String(required=True, allow_none=True)
    to_status = fields.String(required=True)
    actor = fields.String(required=True)
    note = fields.String(required=True, allow_none=True)
    reason_public = fields.Boolean(
        required=True, metadata={"description": "The reason is published, not only told"}
    )


class UpdateEntrySchema(Schema):
    id = fields.Integer(required=True)
    at = fields.AwareDateTime(required=True)
    author = fields.String(
        required=True,
        metadata={
            "description": '"reporter" or "follower" for a resident\'s comment (unpublished '
            "until staff publish it), else the member of staff or system"
        },
    )
    body = fields.String(required=True)
    public = fields.Boolean(required=True)


class AuditEntrySchema(Schema):
    at = fields.AwareDateTime(required=True)
    actor = fields.String(required=True)
    action = fields.String(
        required=True, metadata={"description": "What was done: transition, assign, hide_photo, …"}
    )
    before = fields.Dict(required=True)
    after = fields.Dict(required=True)


class ReporterContactSchema(Schema):
    name = fields.String(required=True, allow_none=True)
    email = fields.String(required=True, allow_none=True)
    phone = fields.String(required=True, allow_none=True)


class OsloStatusSchema(Schema):
    uri = fields.String(required=True)
    label = fields.String(required=True)


class StaffPhotoSchema(PhotoSchema):
    id = fields.Integer(required=True, metadata={"description": "For PATCH …/photos/{id}"})
    hidden = fields.Boolean(
        required=True,
        metadata={"description": "Hidden by staff: in no public view, and its files not served"},
    )


class TicketDetailSchema(TicketSummarySchema):
    description = fields.String(required=True, allow_none=True)
    description_public = fields.Boolean(
        required=True,
        metadata={"description": "Staff marked the description publishable as open data"},
    )
    accuracy_m = fields.Float(required=True, allow_none=True)
    photos = fields.List(
        fields.Nested(StaffPhotoSchema),
        required=True,
        metadata={"description": "Every photo, hidden ones too"},
    )
    history = fields.List(fields.Nested(HistoryEntrySchema), required=True)
    updates = fields.List(
        fields.Nested(UpdateEntrySchema),
        required=True,
        metadata={"description": "Internal notes only for those who may read them"},
    )
    audit = fields.List(fields.Nested(AuditEntrySchema), required=True)
    reporter = nullable_object(ReporterContactSchema, "Only for the staff of the responsible body")
    allowed_transitions = fields.List(
        fields.String(validate=validate.OneOf(STATUSES)), required=True
    )
    planned_for = fields.Date(required=True, allow_none=True)
    duplicate_of = fields.UUID(required=True, allow_none=True)
    oslo_status = fields.Nested(OsloStatusSchema, required=True)
    open311_status = fields.String(required=True, validate=validate.OneOf(["open", "closed"]))
    delivery = nullable_object(
        DeliverySchema, "Where the ticket is handled, if its body has its own system"
    )


class TicketPointSchema(PointSchema):
    """A ticket's location as a GeoJSON point (its own component in the document)."""


class TicketFeatureSchema(FeatureSchema):
    geometry = fields.Nested(TicketPointSchema, required=True)
    properties = fields.Nested(TicketPropertiesSchema, required=True)


class TicketFeatureCollectionSchema(Schema):
    type = fields.String(required=True, validate=validate.Equal("FeatureCollection"))
    features = fields.List(fields.Nested(TicketFeatureSchema), required=True)


def _status_list(description: str):
    return DelimitedList(
        fields.String(validate=validate.OneOf(STATUSES)),
        metadata={"description": description},
    )


BBOX = BBoxField(
    metadata={
        "description": "minlon,minlat,maxlon,maxlat (WGS84), minimum before maximum",
        "pattern": BBOX_PATTERN,
    }
)


class TicketQueryArgsSchema(Schema):
    status = _status_list("One or more statuses, comma-separated")
    category = fields.String(validate=[validate.Length(1, 60), NO_NUL])
    max_age_days = fields.Integer(validate=validate.Range(0, 36500))
    bbox = BBOX
    assigned_to_me = fields.Boolean(load_default=False)
    sort = fields.String(load_default="-created_at", validate=validate.OneOf(SORTS))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    cursor = fields.String(validate=validate.Length(1, 400))


class TicketMapQueryArgsSchema(Schema):
    bbox = BBOX
    status = _status_list("One or more statuses, comma-separated")
    category = fields.String(validate=[validate.Length(1, 60), NO_NUL])
    assigned_to_me = fields.Boolean(load_default=False)


class TypedLength(validate.Length):
    """The length of what was typed, for a field that turns it into another type (documented
    as the field's maxLength like any Length)."""

    def __call__(self, value):
        super().__call__(str(value))
        return value


class TicketRefField(fields.String):
    """A ticket's id, or the short reference residents see (its first 8 hex digits)."""

    def _deserialize(self, value, attr, data, **kwargs):
        typed = super()._deserialize(value, attr, data, **kwargs).strip()
        if (match := SHORT_REF.match(typed)) is not None:
            return match.group(1).lower()
        try:
            return uuid.UUID(typed)
        except ValueError as exc:
            raise ValidationError(
                "Give the ticket's id or its 8-character reference (e.g. 34195c85)."
            ) from exc


# How far ahead work can be planned: a date beyond is a typo (or 9999-12-31), not a plan.
PLANNING_YEARS = 5


def plannable(day: dt.date) -> None:
    """A planned date is a day to come: from today (in Belgium) to PLANNING_YEARS ahead.

    Refused with marshmallow's own Range message, which the problem catalogue says in the
    reader's language with both dates.
    """
    today = dt.datetime.now(BELGIAN_TIME).date()
    try:
        latest = today.replace(year=today.year + PLANNING_YEARS)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + PLANNING_YEARS, day=28)
    validate.Range(min=today, max=latest)(day)


class TransitionSchema(Schema):
    to = fields.String(required=True, validate=validate.OneOf(STATUSES))
    # Both reach people (the reason by email, both on crews' screens): the comments' rule.
    note = fields.String(validate=[validate.Length(max=4000), NO_NUL, plain_text])
    reason = fields.String(
        validate=[validate.Length(max=4000), NO_NUL, plain_text],
        metadata={"description": "Required for rejected and transferred; the resident reads it"},
    )
    reason_public = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Publish the reason (Open311, the API, followers' pages); it is "
            "always given to the reporter"
        },
    )
    planned_for = fields.Date(
        validate=plannable,
        metadata={
            "description": "Required for planned: a day from today (in Belgium) to "
            f"{PLANNING_YEARS} years ahead"
        },
    )
    duplicate_of = TicketRefField(
        validate=TypedLength(1, 45),  # "urn:uuid:" and an id at most
        metadata={
            "description": "The original, for duplicate: its id, or its short reference (the "
            "first 8 hex digits of the id) among the tickets the caller may read"
        },
    )
    to_body = fields.String(
        validate=[validate.Length(1, 60), NO_NUL],
        metadata={"description": "The body code to transfer the ticket to"},
    )


class TicketPatchSchema(Schema):
    priority = fields.String(validate=validate.OneOf(PRIORITIES))
    assignee_user_id = fields.Integer(allow_none=True, validate=validate.Range(1, 2**31 - 1))
    description_public = fields.Boolean(
        metadata={"description": "The resident's description may be published as open data"}
    )

    @validates_schema
    def _something(self, data, **_kwargs):
        if not data:
            raise ValidationError(
                "Send at least one of priority, assignee_user_id and description_public."
            )


class PhotoPatchSchema(Schema):
    hidden = fields.Boolean(
        required=True,
        metadata={"description": "true hides the photo from every public view; false shows it"},
    )


class UpdateCreateSchema(Schema):
    body = fields.String(
        required=True, validate=[validate.Length(1, 4000), NO_NUL, plain_text, not_blank]
    )
    public = fields.Boolean(required=True)


class UpdatePatchSchema(Schema):
    public = fields.Boolean(
        metadata={"description": "true publishes the update (a resident's comment, once read)"}
    )
    body = fields.String(
        validate=[validate.Length(1, 5000), NO_NUL, plain_text],
        metadata={"description": "The text as published, edited if need be"},
    )

    @validates_schema
    def _something(self, data, **_kwargs):
        if not data:
            raise ValidationError("Send public, body or both.")
        if "body" in data and not says_something(data["body"]):
            raise ValidationError("Must not be blank.", "body")


class DuplicateCandidateSchema(Schema):
    id = fields.UUID(required=True)
    reference = fields.String(
        required=True, metadata={"description": "The first 8 hex digits of the id"}
    )
    status = fields.String(required=True)
    category = fields.Nested(CategoryRefSchema, required=True)
    distance_m = fields.Integer(required=True, metadata={"description": "From this ticket"})
    created_at = fields.DateTime(required=True)
    thumbnail_url = fields.String(
        required=True, allow_none=True, metadata={"description": "Its first public photo's"}
    )
