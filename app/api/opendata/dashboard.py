"""/opendata/dashboard/…: the regional dashboard's figures as JSON and CSV, public.

The communes' outlines (GET …/outlines) are one GeoJSON file for every reader, to fetch once
and cache; each figure carries numbers only.

Each figure (communes, categories, statuses, trend) takes the same filters: `region` (a slug;
absent for all of Belgium), `category`, and a period `start`/`end` on the creation time
(dates are whole days in Belgian time, both included). Ask for CSV with a `.csv` suffix or
`?format=csv`: a file to download (Content-Disposition: attachment) with the numbers of the
JSON. The queries are in app.opendata.dashboard; they read the anonymised view only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from functools import wraps

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE, Schema

from app.api.common import GEOJSON, request_language, stacked
from app.api.errors import problem, problem_doc
from app.api.opendata.formats import format_parameter
from app.api.opendata.schemas import (
    FIGURE_FORMATS,
    DashboardCategoryFiguresSchema,
    DashboardCommuneFiguresSchema,
    DashboardFigureQueryArgsSchema,
    DashboardOutlineCollectionSchema,
    DashboardRegionSchema,
    DashboardStatusFiguresSchema,
    DashboardTrendQueryArgsSchema,
    DashboardTrendSchema,
)
from app.api.schemas import list_of
from app.i18n import pick_name
from app.opendata import dashboard, outlines
from app.opendata.export import (
    BELGIAN_TIME,
    check_values,
)
from app.opendata.records import RecordFilter
from app.web import read_session
from app.web.cache import public_answer

blp = Blueprint(
    "opendata_dashboard",
    __name__,
    url_prefix="/opendata/dashboard",
    description="Open data: the regional dashboard's figures (JSON, or CSV to download)",
)

CSV_TYPE = "text/csv; charset=utf-8; header=present"
# The figures move with every report: caches may keep them for a few minutes.
CACHE_CONTROL = "public, max-age=300"
# The outlines change with a boundary import (a few times a decade) or a population load
# (yearly): a day, after which a reader's copy costs a 304. Longer would keep a corrected
# boundary (a repair, a merger) from readers for as long; shorter buys nothing.
OUTLINES_CACHE_CONTROL = "public, max-age=86400"
FORMAT_PARAMETER = format_parameter(
    blp,
    FIGURE_FORMATS,
    "json or csv",
    lambda fmt: f"There is no {fmt!r} format of this figure; ask for .json or .csv.",
)


def _format(args: dict, fmt: str | None) -> str:
    if fmt and args.get("format") and args["format"] != fmt:
        abort(
            422,
            messages={"query": {"format": [f"The address asks for .{fmt}: leave format out."]}},
        )
    return fmt or args.get("format") or "json"


def _filters(args: dict) -> dict:
    """The figures' filters from the query, refused when they name nothing that exists."""
    flt = RecordFilter(region=args.get("region"), category=args.get("category"))
    check_values(read_session(), flt)
    return {
        "region": args.get("region"),
        "category": args.get("category"),
        "start": args.get("start"),
        "end": args.get("end"),
    }


def _csv(figure: str, args: dict, columns: list[str], rows: Iterable[dict]) -> Response:
    """A CSV file of `rows` (dicts with at least `columns`), to download."""
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    day = dt.datetime.now(BELGIAN_TIME).date().isoformat()
    parts = ["dashboard", figure, args.get("region") or "belgium", args.get("category"), day]
    response = Response(out.getvalue(), content_type=CSV_TYPE)
    response.headers.set(
        "Content-Disposition", "attachment", filename="-".join(p for p in parts if p) + ".csv"
    )
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def commune_item(figures: dashboard.CommuneFigures, lang: str | None) -> dict:
    """A commune's figures: numbers and its name, no outline (GET …/outlines has them)."""
    outline = figures.outline
    return {
        "nis_code": outline.nis_code,
        "name": pick_name(outline.names, lang, outline.region_code),
        "region": outline.region,
        "total": figures.total,
        "open": figures.open,
        "resolved": figures.resolved,
        "median_resolution_hours": figures.median_resolution_hours,
        "area_km2": round(outline.area_km2, 2),
        "population": outline.population,
        "open_per_km2": figures.open_per_km2,
        "open_per_1000": figures.open_per_1000,
    }


def outline_response(file: outlines.OutlineFile) -> Response:
    """The outlines file, gzipped when the client takes it, or 304 if its copy is current.

    Gzipped here, once per boundary set (the app compresses only its shell, see
    COMPRESS_MIMETYPES): 236 KB instead of 940 KB for Belgium. Each encoding has its own
    strong ETag; a copy of either is current.
    """
    gzipped = request.accept_encodings["gzip"] > 0
    etag = file.gzip_etag if gzipped else file.etag
    headers = {"ETag": etag, "Cache-Control": OUTLINES_CACHE_CONTROL, "Vary": "Accept-Encoding"}
    if request.if_none_match.contains_weak(file.etag.strip('"')) or (
        request.if_none_match.contains_weak(file.gzip_etag.strip('"'))
    ):
        return Response(status=304, headers=headers)
    response = Response(file.gzipped if gzipped else file.body, mimetype=GEOJSON, headers=headers)
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    return response


def _cached(body):
    return body, 200, {"Cache-Control": CACHE_CONTROL}


# Each figure is also a CSV file, with ?format=csv or the .csv suffix.
CSV_DOC = {
    "schema": {"type": "string"},
    "content_type": "text/csv",
    "description": "The figure: JSON, or CSV (UTF-8, a header row) to download, with "
    "Content-Disposition "
    "attachment; filename=dashboard-<figure>-<region>[-<category>]-<date>.csv",
    "success": True,
}
BAD_VALUE = problem_doc("A filter names no region or category, or a parameter is malformed")
NO_FORMAT = problem_doc("No such format: .json and .csv exist")


def figure(path: str, args: type[Schema], answer: type[Schema], **answer_kwargs):
    """Decorator of a figure's view class, at /<path> and, as a file, /<path>.<fmt>: its GET
    declares its filters, its JSON answer, the CSV and the errors, and is called with the
    query's `args`, the format asked for and the filters checked."""
    declare = stacked(
        public_answer,
        blp.arguments(args, location="query", unknown=RAISE),
        blp.response(200, answer, **answer_kwargs),
        blp.alt_response(200, **CSV_DOC),
        blp.alt_response(404, **NO_FORMAT),
        blp.alt_response(422, **BAD_VALUE),
    )

    def register(view_class):
        get = view_class.get

        @wraps(get)
        def parsed(self, args, fmt: str | None = None):
            fmt = _format(args, fmt)
            return get(self, args, fmt, _filters(args))

        view_class.get = declare(parsed)
        endpoint = f"{view_class.__name__.removesuffix('View')}File"
        file_route = blp.route(
            f"/{path}.<string:fmt>", endpoint=endpoint, parameters=[FORMAT_PARAMETER]
        )
        return file_route(blp.route(f"/{path}")(view_class))

    return register


@blp.route("/regions")
class Regions(MethodView):
    @public_answer
    @blp.response(200, list_of(DashboardRegionSchema))
    def get(self):
        """The regions a dashboard can show (the `region` filter's values)"""
        lang = request_language() or "en"
        items = [
            {"slug": r.slug, "code": r.code, "name": pick_name(r.names, lang), "names": r.names}
            for r in dashboard.regions(read_session())
        ]
        return _cached({"items": items})


@blp.route("/outlines")
class Outlines(MethodView):
    @blp.response(200, DashboardOutlineCollectionSchema, content_type=GEOJSON)
    @blp.alt_response(304, description="Not modified: the copy of the If-None-Match is current")
    def get(self):
        """Every current commune's outline for a map (GeoJSON), the same for every reader

        One file for all of Belgium, in no particular language (names in French, Dutch and
        German), simplified together so that neighbours share their edges: fetch it once,
        and join the figures of GET …/communes to it by NIS code. It changes only with a
        new boundary set or population: a strong ETag, cacheable for a day, then a 304.
        """
        return outline_response(outlines.outline_file(read_session()))


@figure("communes", DashboardFigureQueryArgsSchema, DashboardCommuneFiguresSchema)
class Communes(MethodView):
    def get(self, args, fmt: str, filters: dict):
        """Every commune of the region with its figures (numbers only), or as CSV

        The outlines are those of GET /opendata/dashboard/outlines: join them by NIS code.
        Rates per 1,000 inhabitants divide by the population whose source and date
        `population` gives (null before any is loaded; a commune without one: null rate).
        """
        figures = dashboard.communes(read_session(), **filters)
        if fmt == "csv":
            columns = ["nis_code", "name_fr", "name_nl", "name_de", "region", "area_km2"]
            columns += ["population", "open", "open_per_km2", "open_per_1000", "total"]
            columns += ["resolved", "median_resolution_hours"]
            return _csv(
                "communes",
                args,
                columns,
                (
                    commune_item(f, None) | {f"name_{k}": v for k, v in f.outline.names.items()}
                    for f in figures
                ),
            )
        lang = request_language()
        reference = outlines.population_reference(read_session())
        population = reference and {"source": reference.source, "date": reference.date}
        return _cached(
            {"items": [commune_item(f, lang) for f in figures], "population": population}
        )


@figure("categories", DashboardFigureQueryArgsSchema, list_of(DashboardCategoryFiguresSchema))
class Categories(MethodView):
    def get(self, args, fmt: str, filters: dict):
        """Reports per category: total, open and closed"""
        rows = dashboard.by_category(read_session(), **filters)
        if fmt == "csv":
            columns = ["code", "name_fr", "name_nl", "name_de", "name_en"]
            return _csv(
                "categories",
                args,
                [*columns, "total", "open", "closed"],
                (
                    {**vars(r), "closed": r.closed, **{f"name_{k}": v for k, v in r.names.items()}}
                    for r in rows
                ),
            )
        lang = request_language() or "en"
        items = [
            {
                "code": r.code,
                "name": pick_name(r.names, lang),
                "names": r.names,
                "total": r.total,
                "open": r.open,
                "closed": r.closed,
            }
            for r in rows
        ]
        return _cached({"items": items})


@figure("statuses", DashboardFigureQueryArgsSchema, list_of(DashboardStatusFiguresSchema))
class Statuses(MethodView):
    def get(self, args, fmt: str, filters: dict):
        """Reports per status of the lifecycle, each with Open311's open or closed"""
        rows = dashboard.by_status(read_session(), **filters)
        if fmt == "csv":
            columns = ["status", "open311_status", "count"]
            return _csv("statuses", args, columns, (vars(r) for r in rows))
        items = [
            {"status": r.status, "open311_status": r.open311_status, "count": r.count} for r in rows
        ]
        return _cached({"items": items})


@figure("trend", DashboardTrendQueryArgsSchema, DashboardTrendSchema)
class TrendView(MethodView):
    def get(self, args, fmt: str, filters: dict):
        """Reports created and resolved per week (or month), with zeros where none were"""
        try:
            result = dashboard.trend(
                read_session(),
                **filters,
                interval=args.get("interval"),
                max_periods=current_app.config["DASHBOARD_MAX_PERIODS"],
            )
        except dashboard.TooManyPeriodsError as exc:
            error = {"pointer": "end", "location": "query", "detail": str(exc)}
            return problem(
                422,
                "Invalid request",
                str(exc),
                "too-many-periods",
                errors=[error],
                max_periods=exc.maximum,
                periods=exc.count,
                interval=exc.interval,
            )
        if fmt == "csv":
            return _csv(
                "trend",
                args,
                ["period_start", "interval", "created", "resolved"],
                ({**vars(p), "interval": result.interval} for p in result.points),
            )
        items = [
            {"period_start": p.period_start, "created": p.created, "resolved": p.resolved}
            for p in result.points
        ]
        return _cached({"interval": result.interval, "items": items})
