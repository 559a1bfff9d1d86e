"""The dashboard's query arguments and answers, as the OpenAPI document describes them."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from app.api.common import NO_NUL, NamesSchema
from app.api.opendata.exports import PeriodBoundField
from app.opendata import dashboard
from app.opendata.export import check_period

FORMATS = ("json", "csv")
FILTER_NAMES = ("region", "category", "start", "end")


class DashboardFigureQueryArgsSchema(Schema):
    """The filters every figure takes: those of the exports, less commune and status."""

    region = fields.String(
        validate=[validate.Length(max=40), NO_NUL],
        metadata={"description": "A region's slug (GET …/regions); absent: all of Belgium"},
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
    format = fields.String(
        validate=validate.OneOf(FORMATS),
        metadata={"description": "json (default) or csv; the same as the .csv suffix"},
    )

    @pre_load
    def _empty_is_absent(self, data, **_kwargs):
        # `category=` (a form's "all categories") is no filter, as for the exports.
        return {k: v for k, v in data.items() if not (v == "" and k in FILTER_NAMES)}

    @validates_schema
    def _period(self, data, **_kwargs):
        try:
            check_period(data.get("start"), data.get("end"))
        except ValueError as exc:
            raise ValidationError(str(exc), "end") from exc


class DashboardCommuneQueryArgsSchema(DashboardFigureQueryArgsSchema):
    geometry = fields.Boolean(
        load_default=True,
        metadata={"description": "Include the simplified outlines (JSON only; default true)"},
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


class DashboardCommuneFiguresSchema(Schema):
    nis_code = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "In the negotiated language"})
    names = fields.Nested(NamesSchema, required=True)
    region = fields.String(required=True)
    area_km2 = fields.Float(required=True)
    open = fields.Integer(required=True, metadata={"description": "Open reports"})
    open_per_km2 = fields.Float(required=True)
    total = fields.Integer(required=True)
    resolved = fields.Integer(required=True)
    median_resolution_hours = fields.Float(
        required=True, allow_none=True, metadata={"description": "Of the resolved reports"}
    )


class DashboardCommuneFeatureSchema(Schema):
    type = fields.String(required=True, metadata={"enum": ["Feature"]})
    id = fields.String(required=True, metadata={"description": "NIS code"})
    geometry = fields.Dict(
        required=True,
        allow_none=True,
        metadata={"description": "Simplified outline (50 m), WGS84, 5 decimals"},
    )
    properties = fields.Nested(DashboardCommuneFiguresSchema, required=True)


class DashboardCommuneCollectionSchema(Schema):
    type = fields.String(required=True, metadata={"enum": ["FeatureCollection"]})
    features = fields.List(fields.Nested(DashboardCommuneFeatureSchema), required=True)


class DashboardCategoryFiguresSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
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


def list_of(schema: type[Schema]) -> type[Schema]:
    return Schema.from_dict(
        {"items": fields.List(fields.Nested(schema), required=True)},
        name=f"{schema.__name__.removesuffix('Schema')}ListSchema",
    )


class DashboardTrendSchema(Schema):
    interval = fields.String(required=True, metadata={"enum": list(dashboard.INTERVALS)})
    items = fields.List(fields.Nested(DashboardTrendPointSchema), required=True)
