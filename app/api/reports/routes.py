"""/api/v1/reports: create a report, read one, list them as GeoJSON, find nearby ones."""

from __future__ import annotations

import uuid

from flask import current_app, jsonify, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE
from webargs.flaskparser import FlaskParser

from app.api import hostile
from app.api.common import GEOJSON, JSON, MULTIPART, replay_headers, request_language
from app.api.errors import problem_doc, reader_language
from app.api.photos.setup import photo_limits, photo_storage, photo_url
from app.api.reports.limits import ReportLimits
from app.api.reports.schemas import (
    FeatureCollectionSchema,
    IdempotencyHeadersSchema,
    NearbyCollectionSchema,
    NearbyQueryArgsSchema,
    ReportCreatedSchema,
    ReportCreateSchema,
    ReportQueryArgsSchema,
    ReportSchema,
    new_report,
)
from app.api.uploads import limit_report_with_photos
from app.i18n import pick_name
from app.media.capability import photo_token
from app.media.views import first_thumbnails, photo_view, photos_for_report
from app.notify.messages import FALLBACK_LANGUAGE
from app.problems import render
from app.reports.intake import WITHHELD, IntakeSettings, PhotoUploads, submit_report
from app.reports.queries import (
    ReportFilter,
    get_report,
    list_reports,
    nearby_reports,
)
from app.reports.services import PUBLIC_API, ReportKey
from app.reports.views import ReportView
from app.web import db_session, read_session

# Unknown query parameters are refused rather than ignored: a misspelt filter would
# otherwise silently return everything (OGC API Features asks the same of its servers).
blp = Blueprint("reports", __name__, url_prefix="/reports", description="Street problem reports")

# The multipart form of POST /reports, documented beside its JSON form.
REPORT_WITH_PHOTOS_DOC = {
    "type": "object",
    "required": ["report"],
    "properties": {
        "report": {"type": "string", "description": "The report as JSON (ReportCreate)"},
        "photo": {
            "type": "array",
            "maxItems": 5,
            "items": {"type": "string", "format": "binary"},
            "description": "Up to 5 photos: JPEG, PNG, WebP or HEIC, each at most 15 MB",
        },
    },
}
# Building a marshmallow schema costs more than dumping with it; these are made once.
REPORT_CREATED_SCHEMA = ReportCreatedSchema()


class ReportBodyParser(FlaskParser):
    """Reads the report from a JSON body, or from the `report` part of a multipart body."""

    def _raw_load_json(self, req):
        if req.mimetype == MULTIPART:
            part = req.form.get("report")
            if part is None:
                message = "Missing: the report as JSON in a part named `report`."
                abort(422, messages={"form": {"report": [message]}})
            return hostile.parse_json(part, current_app.config["JSON_MAX_DEPTH"])
        return super()._raw_load_json(req)


blp.ARGUMENTS_PARSER = ReportBodyParser()


@blp.before_request
def _require_json_body():
    if request.method not in {"POST", "PUT", "PATCH"}:
        return
    if request.mimetype == MULTIPART and request.endpoint == "reports.Reports":
        limit_report_with_photos()
        return
    if request.mimetype != JSON:
        abort(
            415,
            message="Send the report as JSON with Content-Type: application/json, or as "
            "multipart/form-data with a `report` JSON part and `photo` file parts.",
        )


def report_properties(view: ReportView, lang: str | None) -> dict:
    """The public view: nothing about the reporter, ever."""
    return {
        "id": view.id,
        "category": {"code": view.category_code, "name": pick_name(view.category_names, lang)},
        "description": view.description,
        "status": view.status,
        "created_at": view.created_at,
        "updated_at": view.updated_at,
        "accuracy_m": view.accuracy_m,
        "commune": {
            "nis_code": view.commune_nis_code,
            "name": pick_name(view.commune_names, lang, view.commune_region),
        },
        "responsible_body": {
            "code": view.body_code,
            "name": pick_name(view.body_names, lang, view.body_region),
            "kind": view.body_kind,
        },
    }


def report_view(view: ReportView, lang: str | None, photos: list[dict]) -> dict:
    location = {"lat": view.lat, "lon": view.lon, "accuracy_m": view.accuracy_m}
    return {**report_properties(view, lang), "location": location, "photos": photos}


def feature(view: ReportView, lang: str | None) -> dict:
    properties = report_properties(view, lang)
    if view.distance_m is not None:
        properties["distance_m"] = round(view.distance_m, 1)
    return {
        "type": "Feature",
        "id": view.id,
        "geometry": {"type": "Point", "coordinates": [view.lon, view.lat]},
        "properties": properties,
    }


def geojson_response(schema, body: dict):
    response = jsonify(schema.dump(body))
    response.mimetype = GEOJSON
    return response


@blp.route("")
class Reports(MethodView):
    @blp.arguments(ReportQueryArgsSchema, location="query", unknown=RAISE)
    @blp.response(
        200,
        FeatureCollectionSchema,
        content_type=GEOJSON,
        headers={
            "Link": {
                "description": 'The next page, rel="next", when there is one',
                "schema": {"type": "string"},
            }
        },
    )
    @blp.alt_response(400, **problem_doc("The cursor is not one this API returned"))
    def get(self, args):
        """Reports as a GeoJSON FeatureCollection, newest first, with cursor pagination"""
        filters = ReportFilter(
            bbox=args.get("bbox"),
            commune=args.get("commune"),
            category=args.get("category"),
            status=tuple(args.get("status") or ()),
            since=args.get("since"),
            until=args.get("until"),
        )
        page = list_reports(read_session(), filters, args["limit"], args.get("cursor"))
        lang = request_language()
        links = [{"rel": "self", "href": request.url, "type": GEOJSON}]
        if page.next_cursor:
            query = {k: v for k, v in request.args.items() if k != "cursor"}
            href = url_for("reports.Reports", _external=True, **query, cursor=page.next_cursor)
            links.append({"rel": "next", "href": href, "type": GEOJSON})
        body = {
            "type": "FeatureCollection",
            "features": [feature(row, lang) for row in page.rows],
            "links": links,
        }
        response = geojson_response(FeatureCollectionSchema(), body)
        if page.next_cursor:
            response.headers["Link"] = f'<{links[-1]["href"]}>; rel="next"'
        return response

    @blp.arguments(IdempotencyHeadersSchema, location="headers")
    @blp.arguments(ReportCreateSchema)
    @blp.response(
        201,
        ReportCreatedSchema,
        headers=replay_headers("nothing was created", location="URL of the report"),
    )
    @blp.doc(requestBody={"content": {MULTIPART: {"schema": REPORT_WITH_PHOTOS_DOC}}})
    @blp.alt_response(400, **problem_doc("The body is not valid JSON"))
    @blp.alt_response(
        409,
        **problem_doc("The same Idempotency-Key is still being processed, or over 5 photos"),
    )
    @blp.alt_response(413, **problem_doc("The body is too large"))
    @blp.alt_response(415, **problem_doc("The body is not JSON, or a photo is of no known type"))
    @blp.alt_response(
        429, **problem_doc("Too many new reports from this client; Retry-After says when to retry")
    )
    @blp.alt_response(503, **problem_doc("The photo storage is unavailable"))
    def post(self, headers, data):
        """Create a report, with photos if sent as multipart; it is routed to its commune and body

        Photos (multipart `photo` parts, at most 5) are stored exactly as by
        POST /reports/{id}/photos, in the same transaction: if anything fails, neither the
        report nor any photo remains. A retry with the same Idempotency-Key replays the report
        and each of its photos.

        Past REPORT_EMAIL_RATE_LIMIT acknowledgements to the reporter's address within the
        hour, the report is still created, without one: `acknowledgement` is then "withheld"
        and `notice` says so. Past REPORT_CLIENT_RATE_LIMIT new reports from one client, 429.
        """
        uploads = request.files.getlist("photo") if request.mimetype == MULTIPART else []
        config = current_app.config
        key = headers.get("idempotency_key")
        done = submit_report(
            db_session(),
            new_report(data),
            ReportKey.client(PUBLIC_API, key) if key is not None else None,
            IntakeSettings.from_config(config),
            reporter_language=request_language() or FALLBACK_LANGUAGE,
            uploads=PhotoUploads(uploads, photo_storage, photo_limits()),
            phone_link=True,
            limits=ReportLimits.of_request(),
        )
        photos = [photo_view(photo, photo_url) for photo in done.photos]
        # The answer goes to the report's author (a replay needs their Idempotency-Key): their
        # own report, as the transaction read it, for a new report as for a replay.
        body = report_view(done.view, request_language(), photos)
        # Derived, not stored: a replay answers the same token (app.media.capability).
        body["photo_token"] = photo_token(config["SECRET_KEY"], done.report_id)
        body["follow_token"] = done.follow_token
        body["acknowledgement"] = done.acknowledgement
        withheld = done.acknowledgement == WITHHELD
        body["notice"] = (
            render("report.acknowledgement-withheld", reader_language()) if withheld else None
        )
        response = jsonify(REPORT_CREATED_SCHEMA.dump(body))
        response.status_code = 201
        response.headers["Location"] = url_for(
            "reports.ReportById", report_id=done.report_id, _external=True
        )
        if done.replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return response


@blp.route("/<uuid:report_id>")
class ReportById(MethodView):
    @blp.response(200, ReportSchema)
    @blp.alt_response(404, **problem_doc("No such report"))
    def get(self, report_id: uuid.UUID):
        """One report's public view"""
        session = read_session()
        view = get_report(session, report_id)
        return report_view(
            view, request_language(), photos_for_report(session, report_id, photo_url)
        )


@blp.route("/nearby")
class NearbyReports(MethodView):
    @blp.arguments(NearbyQueryArgsSchema, location="query", unknown=RAISE)
    @blp.response(200, NearbyCollectionSchema, content_type=GEOJSON)
    def get(self, args):
        """Open reports near a point, nearest first (to avoid duplicates)"""
        rows = nearby_reports(
            read_session(),
            args["lon"],
            args["lat"],
            args["radius_m"],
            args.get("category"),
            args["limit"],
        )
        lang = request_language()
        thumbnails = first_thumbnails(read_session(), [row.id for row in rows], photo_url)
        features = [feature(row, lang) for row in rows]
        for item in features:
            # What the resident compares with the problem in front of them.
            item["properties"]["thumbnail_url"] = thumbnails.get(item["id"])
        body = {
            "type": "FeatureCollection",
            "features": features,
            "links": [{"rel": "self", "href": request.url, "type": GEOJSON}],
        }
        return geojson_response(NearbyCollectionSchema(), body)
