"""GET|HEAD /opendata/snapshots/reports.{csv,geojson,gpkg,fgb}: the nightly snapshot files.

Files on disk, as GDAL's /vsicurl/ (QGIS, ogr2ogr) needs them: Content-Length, a strong ETag
(the file's sha256), Last-Modified, conditional GET (304), Range (206 with Content-Range, 416
past the end) and Accept-Ranges, all from Werkzeug's send_file and make_conditional. The file
is opened once and its manifest entry is the one of that open file (its inode, size and
mtime), so a snapshot renamed in mid-request never gives a download the wrong length or ETag.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app, request, send_file
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import RequestedRangeNotSatisfiable

from app.api.errors import problem, problem_doc
from app.api.opendata.formats import format_parameter
from app.opendata.snapshot_files import FILES, open_snapshot

blp = Blueprint(
    "opendata_snapshots",
    __name__,
    url_prefix="/opendata/snapshots",
    description="Open data: the whole dataset as files written every night (CSV, GeoJSON, "
    "GeoPackage, FlatGeobuf), with Content-Length, ETag and Range for GIS tools",
)

# Rewritten once a night: a cache may keep a copy for an hour, then revalidates (ETag).
MAX_AGE = 3600
FORMAT_PARAMETER = format_parameter(
    blp,
    FILES,
    "The file format",
    lambda fmt: (
        f"There is no {fmt!r} snapshot; the files are "
        + ", ".join(f"/opendata/snapshots/{name}" for name in FILES.values())
        + "."
    ),
)
SNAPSHOT_DOC = {
    "responses": {
        "200": {
            "description": "The whole published dataset as of the last snapshot. ETag is the "
            "file's sha256; Range gives a 206, If-None-Match or If-Modified-Since a 304.",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/geo+json": {"schema": {"type": "object"}},
                "application/geopackage+sqlite3": {
                    "schema": {"type": "string", "format": "binary"}
                },
                "application/flatgeobuf": {"schema": {"type": "string", "format": "binary"}},
            },
        },
        "206": {"description": "The byte range asked for (Content-Range)"},
        "304": {"description": "Not modified since the ETag or date the client has"},
    }
}


@blp.route("/reports.<string:fmt>", parameters=[FORMAT_PARAMETER])
class SnapshotFile(MethodView):
    @blp.doc(**SNAPSHOT_DOC)
    @blp.alt_response(404, **problem_doc("Not written yet, or no snapshot in that format"))
    @blp.alt_response(416, **problem_doc("The range starts past the end of the file"))
    def get(self, fmt: str):
        """The whole published dataset as a file, written every night"""
        file, entry = open_snapshot(Path(current_app.config["SNAPSHOT_DIR"]), fmt)
        try:
            response = send_file(
                file,
                mimetype=entry.media_type,
                as_attachment=True,
                download_name=entry.name,
                conditional=False,
                etag=entry.sha256,
                last_modified=entry.modified_at,
                max_age=MAX_AGE,
            )
            # send_file knows a path's size, not an open file's: the size of this very file.
            response.content_length = entry.size
            return response.make_conditional(
                request.environ, accept_ranges=True, complete_length=entry.size
            )
        except RequestedRangeNotSatisfiable:
            file.close()
            answer = problem(
                416,
                "Range Not Satisfiable",
                f"The file has {entry.size} bytes; the range asked for starts past its end.",
            )
            answer.headers["Content-Range"] = f"bytes */{entry.size}"
            return answer
        except BaseException:
            file.close()
            raise
