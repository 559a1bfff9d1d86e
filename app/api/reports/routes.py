"""/api/v1/reports: create a report, read one, list them as GeoJSON, find nearby ones."""

from __future__ import annotations

import uuid

from flask import current_app, jsonify, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE
from sqlalchemy.exc import IntegrityError
from webargs.flaskparser import FlaskParser

from app.api import hostile
from app.api.common import request_language
from app.api.errors import problem_doc
from app.api.photos.setup import photo_limits, photo_storage, photo_url
from app.api.reports.schemas import (
    FeatureCollectionSchema,
    IdempotencyHeadersSchema,
    NearbyCollectionSchema,
    NearbyQueryArgsSchema,
    ReportCreatedSchema,
    ReportCreateSchema,
    ReportQueryArgsSchema,
    ReportSchema,
)
from app.api.uploads import limit_report_with_photos
from app.errors import RequestInFlightError
from app.follow.phone_link import keep_phone_link
from app.i18n import pick_name
from app.media.capability import photo_token
from app.media.errors import PhotoLimitReachedError
from app.media.services import add_photo
from app.media.views import first_thumbnails, photo_view, photos_for_report
from app.notify.messages import FALLBACK_LANGUAGE
from app.reports.queries import (
    ReportFilter,
    get_own_report,
    get_report,
    list_reports,
    nearby_reports,
)
from app.reports.services import NewReport, create_report
from app.reports.views import ReportView
from app.tickets.services import notify_new_report
from app.web import db_session

# Unknown query parameters are refused rather than ignored: a misspelt filter would
# otherwise silently return everything (OGC API Features asks the same of its servers).
blp = Blueprint("reports", __name__, url_prefix="/reports", description="Street problem reports")

GEOJSON = "application/geo+json"
MULTIPART = "multipart/form-data"
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
    if request.mimetype != "application/json":
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
        page = list_reports(db_session(), filters, args["limit"], args.get("cursor"))
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
        headers={
            "Location": {"description": "URL of the report", "schema": {"type": "string"}},
            "Idempotent-Replayed": {
                "description": "true when this answers a retry and nothing was created",
                "schema": {"type": "string", "enum": ["true"]},
            },
        },
    )
    @blp.doc(requestBody={"content": {MULTIPART: {"schema": REPORT_WITH_PHOTOS_DOC}}})
    @blp.alt_response(400, **problem_doc("The body is not valid JSON"))
    @blp.alt_response(
        409,
        **problem_doc("The same Idempotency-Key is still being processed, or over 5 photos"),
    )
    @blp.alt_response(413, **problem_doc("The body is too large"))
    @blp.alt_response(415, **problem_doc("The body is not JSON, or a photo is of no known type"))
    @blp.alt_response(503, **problem_doc("The photo storage is unavailable"))
    def post(self, headers, data):
        """Create a report, with photos if sent as multipart; it is routed to its commune and body

        Photos (multipart `photo` parts, at most 5) are stored exactly as by
        POST /reports/{id}/photos, in the same transaction: if anything fails, neither the
        report nor any photo remains. A retry with the same Idempotency-Key replays the report
        and each of its photos.
        """
        location = data["location"]
        reporter = data.get("reporter") or {}
        new = NewReport(
            category=data["category"],
            lon=location["lon"],
            lat=location["lat"],
            accuracy_m=location.get("accuracy_m"),
            description=data.get("description"),
            reporter_name=reporter.get("name"),
            reporter_email=reporter.get("email"),
            reporter_phone=reporter.get("phone"),
        )
        uploads = request.files.getlist("photo") if request.mimetype == MULTIPART else []
        limits = photo_limits()
        if len(uploads) > limits.per_report:
            raise PhotoLimitReachedError(f"A report has at most {limits.per_report} photos.")
        key = headers.get("idempotency_key")
        session = db_session()
        config = current_app.config
        try:
            created = create_report(
                session,
                new,
                key,
                snap_distance_m=config["ROUTING_SNAP_DISTANCE_M"],
                hint_distance_m=config["ROUTING_HINT_DISTANCE_M"],
                reporter_language=request_language() or FALLBACK_LANGUAGE,
            )
            # The emails of a new report are written in its transaction; a replay sends none.
            if not created.replayed and (new.reporter_email or created.body_notified_at_once):
                notify_new_report(session, created.report_id)
            added = [
                add_photo(
                    session,
                    photo_storage(),
                    created.report_id,
                    upload.read(),
                    upload.filename,
                    upload.mimetype,
                    # Each photo gets a key derived from the report's, so a retry replays it.
                    f"{key}:photo:{position}" if key else None,
                    limits=limits,
                )
                for position, upload in enumerate(uploads)
            ]
            # The answer goes to the report's author (a replay needs their Idempotency-Key):
            # their own report, read inside the same transaction, for a new report as for a
            # replay. The public projection may not show it yet (a sensitive category's report
            # is public once its published hour is over).
            view = get_own_report(session, created.report_id)
            photos = (
                [photo_view(a.photo, photo_url) for a in added]
                if added or not created.replayed
                else None
            )
            if photos is None:
                photos = photos_for_report(session, created.report_id, photo_url)
            follow_token = keep_phone_link(
                session.connection(), config["SECRET_KEY"], created.report_id, new.reporter_email
            )
            session.commit()
        except IntegrityError as exc:
            # Only a race on the unique idempotency key gets here: the other request won.
            session.rollback()
            raise RequestInFlightError(
                "Another request with this Idempotency-Key was just processed; retry to get it."
            ) from exc
        except BaseException:
            # An explicit rollback is what removes the files of photos whose rows did not commit.
            session.rollback()
            raise
        body = report_view(view, request_language(), photos)
        # Derived, not stored: a replay answers the same token (app.media.capability).
        body["photo_token"] = photo_token(config["SECRET_KEY"], created.report_id)
        body["follow_token"] = follow_token
        response = jsonify(REPORT_CREATED_SCHEMA.dump(body))
        response.status_code = 201
        response.headers["Location"] = url_for(
            "reports.ReportById", report_id=created.report_id, _external=True
        )
        if created.replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return response


@blp.route("/<uuid:report_id>")
class ReportById(MethodView):
    @blp.response(200, ReportSchema)
    @blp.alt_response(404, **problem_doc("No such report"))
    def get(self, report_id: uuid.UUID):
        """One report's public view"""
        session = db_session()
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
            db_session(),
            args["lon"],
            args["lat"],
            args["radius_m"],
            args.get("category"),
            args["limit"],
        )
        lang = request_language()
        thumbnails = first_thumbnails(db_session(), [row.id for row in rows], photo_url)
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
