"""GET /opendata/reports.csv and /opendata/reports.geojson: the published reports, streamed.

The file is written by app.opendata.export while it is sent: the response holds its own
database connection until the last byte, or until the client goes away (closing the response
cancels the query and gives the connection back). Every parameter is checked, and the row
count taken, before the first byte: bad input gets a problem+json, never half a file.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates_schema,
)

from app.api.common import NO_NUL
from app.api.errors import problem, problem_doc
from app.errors import NotFoundError
from app.opendata import records
from app.opendata.export import (
    FORMATS,
    NIS_CODE,
    STATUS_WORDS,
    Export,
    UnknownFilterValueError,
    check_period,
    filename,
    parse_bound,
    parse_statuses,
)
from app.urls import public_url
from app.web import get_database

blp = Blueprint(
    "opendata_exports",
    __name__,
    url_prefix="/opendata",
    description="Open data: the published reports as CSV and GeoJSON files",
)

# Downloads of a moving dataset: caches may keep one for a few minutes.
CACHE_CONTROL = "public, max-age=300"
_KEY = "KEY"


def photo_url_prefix(base_url: str) -> str:
    """Where photo addresses start (…/api/v1/photos/) for files published under `base_url`."""
    parts = urlsplit(base_url)
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme
    )
    url = adapter.build("photos.PhotoFile", {"key": _KEY}, force_external=True)
    return url.removesuffix(_KEY)


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


class ExportQueryArgsSchema(Schema):
    region = fields.String(
        validate=[validate.Length(max=40), NO_NUL],
        metadata={"description": "A region's slug: brussels, flanders or wallonia"},
    )
    commune = fields.String(
        # Empty is allowed (and means no filter), as for every parameter here.
        validate=validate.Regexp(f"^({NIS_CODE.pattern})?$", error="A 5-digit NIS code."),
        metadata={"description": "A commune's NIS code"},
    )
    category = fields.String(
        validate=[validate.Length(max=60), NO_NUL],
        metadata={"description": "A category code from GET /api/v1/categories"},
    )
    status = StatusesField(
        metadata={
            "description": "Comma-separated statuses of the lifecycle, or open / closed: "
            + ", ".join(STATUS_WORDS)
        }
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
        return {key: value for key, value in data.items() if value != ""}

    @validates_schema
    def _period(self, data, **_kwargs):
        try:
            check_period(data.get("start"), data.get("end"))
        except ValueError as exc:
            raise ValidationError(str(exc), "end") from exc


EXPORT_DOC = {
    "responses": {
        "200": {
            "description": "The reports, streamed. CSV: UTF-8 with a header row; a text cell "
            "that starts with =, +, -, @, a tab or a carriage return gets a leading apostrophe "
            "(') so that spreadsheets do not run it as a formula (the numeric columns lon, lat, "
            "x_lambert2008, y_lambert2008 and resolution_hours are plain numbers). GeoJSON: a "
            "FeatureCollection with one Feature per line, texts as written. X-Total-Count "
            "gives the number of rows before they arrive.",
            "headers": {
                "X-Total-Count": {
                    "description": "Number of reports in the file",
                    "schema": {"type": "integer"},
                },
                "Content-Disposition": {
                    "description": "attachment; filename=reports-<filters>-<date>.<format>",
                    "schema": {"type": "string"},
                },
            },
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/geo+json": {
                    "schema": {
                        "type": "object",
                        "required": ["type", "features"],
                        "properties": {
                            "type": {"type": "string", "enum": ["FeatureCollection"]},
                            "features": {"type": "array", "items": {"type": "object"}},
                        },
                    }
                },
            },
        }
    }
}
FORMAT_PARAMETER = {
    "in": "path",
    "name": "fmt",
    "required": True,
    "description": "The file format",
    "schema": {"type": "string", "enum": list(FORMATS)},
}


@blp.url_value_preprocessor
def _known_format(_endpoint, values) -> None:
    # Before the query string is read: /reports.xlsx is a 404 whatever its parameters.
    fmt = (values or {}).get("fmt")
    if fmt is not None and fmt not in FORMATS:
        raise NotFoundError(
            f"There is no {fmt!r} export; the formats are "
            + ", ".join(f"reports.{name}" for name in FORMATS)
            + ".",
            formats=list(FORMATS),
        )


@blp.route("/reports.<string:fmt>", parameters=[FORMAT_PARAMETER])
class ReportsExport(MethodView):
    @blp.arguments(ExportQueryArgsSchema, location="query", unknown=RAISE)
    @blp.doc(**EXPORT_DOC)
    @blp.alt_response(404, **problem_doc("No export in that format; `formats` lists them"))
    def get(self, args, fmt: str):
        """The published reports as a file (CSV or GeoJSON), filtered, streamed"""
        flt = records.RecordFilter(
            region=args.get("region"),
            commune=args.get("commune"),
            category=args.get("category"),
            statuses=args.get("status") or (),
            start=args.get("start"),
            end=args.get("end"),
        )
        prefix = photo_url_prefix(public_url("/"))
        try:
            export = Export(get_database(current_app).sessionmaker, fmt, flt, prefix)
        except UnknownFilterValueError as exc:
            error = {"pointer": exc.parameter, "location": "query", "detail": exc.detail}
            detail = f"{exc.parameter}: {exc.detail}"
            return problem(422, "Invalid request", detail, errors=[error])
        # Werkzeug closes the response when the body is sent or the client is gone; closing
        # it closes the export, which gives its connection back to the pool.
        response = Response(export, content_type=export.format.media_type)
        response.headers["X-Total-Count"] = str(export.total)
        response.headers.set("Content-Disposition", "attachment", filename=filename(flt, fmt))
        response.headers["Cache-Control"] = CACHE_CONTROL
        return response
