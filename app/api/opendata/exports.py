"""GET /opendata/reports.csv and /opendata/reports.geojson: the published reports, streamed.

The file is written by app.opendata.export while it is sent: the response holds its own
database connection until the last byte, or until the client goes away (closing the response
cancels the query and gives the connection back). Every parameter is checked, and the row
count taken, before the first byte: bad input gets a problem+json, never half a file.
"""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from app.api.errors import problem_doc
from app.api.opendata.formats import format_parameter
from app.api.opendata.schemas import ExportQueryArgsSchema
from app.opendata import records
from app.opendata.export import FORMATS, Export, filename
from app.urls import photo_url_prefix
from app.web import read_database

blp = Blueprint(
    "opendata_exports",
    __name__,
    url_prefix="/opendata",
    description="Open data: the published reports as CSV and GeoJSON files",
)

# Downloads of a moving dataset: caches may keep one for a few minutes.
CACHE_CONTROL = "public, max-age=300"


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
FORMAT_PARAMETER = format_parameter(
    blp,
    FORMATS,
    "The file format",
    lambda fmt: (
        f"There is no {fmt!r} export; the formats are "
        + ", ".join(f"reports.{name}" for name in FORMATS)
        + "."
    ),
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
        prefix = photo_url_prefix()
        # An unknown region, commune or category: a 422 naming the parameter (api/errors.py).
        export = Export(read_database().sessionmaker, fmt, flt, prefix)
        # Werkzeug closes the response when the body is sent or the client is gone; closing
        # it closes the export, which gives its connection back to the pool.
        response = Response(export, content_type=export.format.media_type)
        response.headers["X-Total-Count"] = str(export.total)
        response.headers.set("Content-Disposition", "attachment", filename=filename(flt, fmt))
        response.headers["Cache-Control"] = CACHE_CONTROL
        return response
