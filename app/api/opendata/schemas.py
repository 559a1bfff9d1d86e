"""The open-data API's query arguments and answers, as the OpenAPI document describes them:
the filter schema the exports and the dashboard's figures share, and the figures' answers."""

from __future__ import annotations

from typing import ClassVar

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from app.api.common import NO_NUL, NamesSchema
from app.api.schemas import CodeNameSchema, nullable_object
from app.opendata import dashboard
from app.opendata.export import NIS_CODE, STATUS_WORDS, check_period, parse_bound, parse_statuses

# The dashboard's figures, as JSON or as CSV.
FIGURE_FORMATS = ("json", "csv")


class BoundedParsedString(fields.String):
    """A string parsed into something else, refused (422) beyond max_length characters.

    Its validators would see the parsed value, so the length is checked before parsing.
    """

    max_length = 200

    def __init__(self, **kwargs):
        kwargs["metadata"] = {"maxLength": self.max_length, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        if len(raw) > self.max_length:
            raise ValidationError(f"Longer than maximum length {self.max_length}.")
        return raw


class PeriodBoundField(BoundedParsedString):
    """A date (a whole day in Belgian time) or an RFC 3339 date-time with its offset."""

    max_length = 40

    def __init__(self, *, end: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.end = end

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        try:
            return parse_bound(raw, end=self.end)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class StatusesField(BoundedParsedString):
    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_statuses(super()._deserialize(value, attr, data, **kwargs))
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class ReportFilterQueryArgsSchema(Schema):
    """The filters on published reports that the exports and the figures share."""

    # Parameters for which an empty value (a form's "all") means no filter; None: all.
    empty_is_absent: ClassVar[tuple[str, ...] | None] = None

    region = fields.String(
        validate=[validate.Length(max=40), NO_NUL],
        metadata={"description": "A region's slug: brussels, flanders or wallonia"},
    )
    category = fields.String(
        validate=[validate.Length(max=60), NO_NUL],
        metadata={"description": "A category code from GET /api/v1/categories"},
    )
    start = PeriodBoundField(
        metadata={
            "description": "Created at or after: a date (from its midnight, Belgian time) "
            "or an RFC 3339 date-time with offset"
        }
    )
    end = PeriodBoundField(
        end=True,
        metadata={
            "description": "Created before: a date (that day included, Belgian time) or an "
            "RFC 3339 date-time with offset (excluded)"
        },
    )

    @pre_load
    def _empty_is_absent(self, data, **_kwargs):
        # A form that leaves a filter blank sends `region=`: no filter, not a bad one.
        names = self.empty_is_absent
        return {k: v for k, v in data.items() if not (v == "" and (names is None or k in names))}

    @validates_schema
    def _period(self, data, **_kwargs):
        try:
            check_period(data.get("start"), data.get("end"))
        except ValueError as exc:
            raise ValidationError(str(exc), "end") from exc


class ExportQueryArgsSchema(ReportFilterQueryArgsSchema):
    """The exports' filters: those shared, and a commune and statuses."""

    class Meta:
        fields = ("region", "commune", "category", "status", "start", "end")

    commune = fields.String(
        # Empty is allowed (and means no filter), as for every parameter here.
        validate=validate.Regexp(f"^({NIS_CODE.pattern})?$", error="A 5-digit NIS code."),
        metadata={"description": "A commune's NIS code"},
    )
    status = StatusesField(
        metadata={
            "description": "Comma-separated statuses of the lifecycle, or open / closed: "
            + ", ".join(STATUS_WORDS)
        }
    )


class DashboardFigureQueryArgsSchema(ReportFilterQueryArgsSchema):
    """The filters every figure takes: those of the exports, less commune and status."""

    # `category=` (a form's "all categories") is no filter, as for the exports.
    empty_is_absent = ("region", "category", "start", "end")

    region = fields.String(
        validate=[validate.Length(max=40), NO_NUL],
        metadata={"description": "A region's slug (GET …/regions); absent: all of Belgium"},
    )
    format = fields.String(
        validate=validate.OneOf(FIGURE_FORMATS),
        metadata={"description": "json (default) or csv; the same as the .csv suffix"},
    )


class DashboardTrendQueryArgsSchema(DashboardFigureQueryArgsSchema):
    interval = fields.String(
        validate=validate.OneOf(dashboard.INTERVALS),
        metadata={"description": "week or month; by default weeks up to a year, else months"},
    )


class DashboardRegionSchema(Schema):
    slug = fields.String(required=True, metadata={"description": "The `region` filter's value"})
    code = fields.String(required=True, metadata={"description": "REFNIS code"})
    name = fields.String(required=True)
    names = fields.Nested(NamesSchema, required=True)


class DashboardCommuneSchema(Schema):
    nis_code = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "In the negotiated language"})
    region = fields.String(required=True)
    total = fields.Integer(required=True)
    open = fields.Integer(required=True, metadata={"description": "Open reports"})
    resolved = fields.Integer(required=True)
    median_resolution_hours = fields.Float(
        required=True, allow_none=True, metadata={"description": "Of the resolved reports"}
    )
    area_km2 = fields.Float(required=True)
    population = fields.Integer(
        required=True, allow_none=True, metadata={"description": "Inhabitants (see population)"}
    )
    open_per_km2 = fields.Float(required=True, metadata={"description": "Open reports per km²"})
    open_per_1000 = fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "Open reports per 1,000 inhabitants; null without population"},
    )


class PopulationReferenceSchema(Schema):
    source = fields.String(required=True, metadata={"description": "Who counted: cite it"})
    date = fields.Date(required=True, metadata={"description": "The day of the count"})


class DashboardCommuneFiguresSchema(Schema):
    items = fields.List(fields.Nested(DashboardCommuneSchema), required=True)
    population = nullable_object(
        PopulationReferenceSchema, "The population the rates per 1,000 divide by; null: none"
    )


class DashboardOutlinePropertiesSchema(Schema):
    nis_code = fields.String(required=True)
    names = fields.Nested(NamesSchema, required=True)
    region = fields.String(required=True, metadata={"description": "The region's slug"})
    region_code = fields.String(required=True, metadata={"description": "REFNIS code"})
    area_km2 = fields.Float(required=True)
    population = fields.Integer(required=True, allow_none=True)


class DashboardOutlineFeatureSchema(Schema):
    type = fields.String(required=True, metadata={"enum": ["Feature"]})
    id = fields.String(required=True, metadata={"description": "NIS code"})
    geometry = fields.Dict(
        required=True,
        metadata={
            "description": "Polygon or MultiPolygon, WGS84, 5 decimals; simplified (50 m) "
            "together with its neighbours, whose edges it shares exactly"
        },
    )
    properties = fields.Nested(DashboardOutlinePropertiesSchema, required=True)


class DashboardOutlineCollectionSchema(Schema):
    type = fields.String(required=True, metadata={"enum": ["FeatureCollection"]})
    features = fields.List(fields.Nested(DashboardOutlineFeatureSchema), required=True)


class DashboardCategoryFiguresSchema(CodeNameSchema):
    names = fields.Nested(NamesSchema, required=True)
    total = fields.Integer(required=True)
    open = fields.Integer(required=True)
    closed = fields.Integer(required=True)


class DashboardStatusFiguresSchema(Schema):
    status = fields.String(required=True)
    open311_status = fields.String(required=True)
    count = fields.Integer(required=True)


class DashboardTrendPointSchema(Schema):
    period_start = fields.Date(required=True)
    created = fields.Integer(required=True, metadata={"description": "Reports created"})
    resolved = fields.Integer(
        required=True, metadata={"description": "Reports resolved (whenever created)"}
    )


class DashboardTrendSchema(Schema):
    interval = fields.String(required=True, metadata={"enum": list(dashboard.INTERVALS)})
    items = fields.List(fields.Nested(DashboardTrendPointSchema), required=True)
