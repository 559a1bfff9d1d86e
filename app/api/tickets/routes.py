"""/api/v1/staff/tickets: list, map and detail of tickets, and the changes crews make to them."""

from __future__ import annotations

import uuid

from flask import Response, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy.exc import IntegrityError

from app.accounts import access
from app.api.auth.guard import (
    current_staff,
    require_staff,
    staff_required,
)
from app.api.common import request_language
from app.api.errors import problem_doc
from app.api.photos.schemas import PhotoHeadersSchema, PhotoSchema, PhotoUploadSchema
from app.api.photos.setup import photo_limits, photo_storage, photo_url
from app.api.tickets import geojson, views
from app.api.tickets.changes import apply_change, commit_or_rollback, detail_response
from app.api.tickets.etag import InvalidAssigneeError
from app.api.tickets.schemas import (
    ChangeHeadersSchema,
    PhotoPatchSchema,
    TicketDetailSchema,
    TicketFeatureCollectionSchema,
    TicketMapQueryArgsSchema,
    TicketPageSchema,
    TicketPatchSchema,
    TicketQueryArgsSchema,
    TransitionSchema,
    UpdateCreateSchema,
    UpdatePatchSchema,
)
from app.api.tickets.scope import actor_of, check_original, ticket_scope
from app.api.uploads import limit_one_photo
from app.errors import RequestInFlightError
from app.media.services import add_photo
from app.media.views import first_thumbnails, photo_view
from app.tickets import edits, picking, queries, services
from app.tickets.models import AuditEntry
from app.web import db_session

blp = Blueprint("tickets", __name__, url_prefix="/staff/tickets", description="Staff: tickets")

GEOJSON = "application/geo+json"
JSON = "application/json"
# Crews add "after" photos to reports that may already hold the resident's five.
STAFF_EXTRA_PHOTOS = 3
ETAG_HEADER = {
    "ETag": {"description": 'The ticket\'s version, "v<version>"', "schema": {"type": "string"}}
}
CHANGE_ERRORS = (
    (404, "No such ticket"),
    (412, "If-Match names an older version: reload the ticket"),
    (422, "Invalid body, or a value the lifecycle refuses"),
    (428, "If-Match is missing"),
)


def change_errors(func):
    """Documents the problems of a change made with If-Match."""
    for status, description in CHANGE_ERRORS:
        func = blp.alt_response(status, **problem_doc(description))(func)
    return func


@blp.before_request
def _staff_then_body_type():
    # Who is calling comes first: an anonymous caller learns nothing about the body it sent,
    # and a forged cross-site request is refused before anything is parsed.
    require_staff()
    if request.method not in {"POST", "PUT", "PATCH"}:
        return
    if request.endpoint == "tickets.TicketPhotos":
        limit_one_photo()
    elif request.mimetype != JSON:
        abort(415, message="Send JSON with Content-Type: application/json.")


@blp.route("")
class Tickets(MethodView):
    @staff_required(blp, "tickets.read")
    @blp.arguments(TicketQueryArgsSchema, location="query")
    @blp.response(200, TicketPageSchema)
    @blp.alt_response(400, **problem_doc("A cursor this API did not return"))
    @blp.alt_response(422, **problem_doc("Invalid filter"))
    def get(self, args):
        """The tickets I may read, filtered and sorted, one page at a time"""
        user = current_staff()
        page = queries.list_tickets(
            db_session(),
            access.scope_of(user, "tickets.read"),
            views.ticket_filter(args, user),
            sort=args["sort"],
            limit=args["limit"],
            cursor=args.get("cursor"),
        )
        lang = request_language()
        thumbnails = first_thumbnails(db_session(), [row.id for row in page.rows], photo_url)
        return {
            "items": [
                {**views.summary(row, lang), "thumbnail_url": thumbnails.get(row.id)}
                for row in page.rows
            ],
            "next_cursor": page.next_cursor,
        }


@blp.route("/map")
class TicketMap(MethodView):
    @staff_required(blp, "tickets.read")
    @blp.arguments(TicketMapQueryArgsSchema, location="query")
    @blp.response(200, TicketFeatureCollectionSchema, content_type=GEOJSON)
    @blp.alt_response(422, **problem_doc("Invalid filter"))
    def get(self, args):
        """The tickets I may read as GeoJSON points, newest first, at most 1000"""
        user = current_staff()
        body = geojson.map_geojson(
            db_session(),
            access.scope_of(user, "tickets.read"),
            views.ticket_filter(args, user),
            request_language(),
        )
        # PostgreSQL wrote the JSON; parsing it only to write it again would double the cost.
        return Response(body, mimetype=GEOJSON)


@blp.route("/<uuid:report_id>")
class TicketById(MethodView):
    @staff_required(blp, "tickets.read")
    @blp.response(200, TicketDetailSchema, headers=ETAG_HEADER)
    @blp.alt_response(404, **problem_doc("No such ticket"))
    def get(self, report_id: uuid.UUID):
        """A ticket with its photos, history, updates, audit trail and (for its body) reporter"""
        ticket_scope(report_id, "tickets.read")
        return detail_response(report_id)

    @staff_required(blp, "tickets.update")
    @blp.arguments(ChangeHeadersSchema, location="headers")
    @blp.arguments(TicketPatchSchema)
    @blp.response(200, TicketDetailSchema, headers=ETAG_HEADER)
    @change_errors
    def patch(self, headers, data, report_id: uuid.UUID):
        """Set the priority, the crew member assigned (null takes the ticket back) or whether
        the description may be published as open data"""
        actor = actor_of(current_staff())

        def apply(session, version):
            if "priority" in data:
                version = edits.set_priority(
                    session, report_id, data["priority"], actor=actor, expected_version=version
                ).version
            if "description_public" in data:
                version = edits.set_description_public(
                    session,
                    report_id,
                    data["description_public"],
                    actor=actor,
                    expected_version=version,
                ).version
            if "assignee_user_id" in data:
                assignee_id = data["assignee_user_id"]
                if assignee_id is not None:
                    body_id, _region = ticket_scope(report_id, "tickets.update")
                    assignee = queries.active_user(session, assignee_id)
                    if not access.can(assignee, "tickets.update", body_id=body_id):
                        raise InvalidAssigneeError(
                            f"User {assignee_id} is not an active member of this ticket's body.",
                            assignee_user_id=assignee_id,
                        )
                edits.assign(session, report_id, assignee_id, actor=actor, expected_version=version)

        return apply_change(headers, report_id, "patch", data, apply)


@blp.route("/<uuid:report_id>/transitions")
class TicketTransitions(MethodView):
    @staff_required(blp, "tickets.update")
    @blp.arguments(ChangeHeadersSchema, location="headers")
    @blp.arguments(TransitionSchema)
    @blp.response(200, TicketDetailSchema, headers=ETAG_HEADER)
    @blp.alt_response(
        409,
        **problem_doc(
            "Not allowed from the current status (see `allowed`), or the same "
            "Idempotency-Key is still being processed"
        ),
    )
    @change_errors
    def post(self, headers, data, report_id: uuid.UUID):
        """Change the ticket's status (with a reason, a planned date, an original or a body)"""
        user = current_staff()

        def apply(session, version):
            original = data.get("duplicate_of")
            if isinstance(original, str):
                # A short reference typed by hand: the ticket the caller may read it names.
                original = picking.resolve_reference(session, user, original)
            check_original(session, user, report_id, original)
            services.transition(
                session,
                report_id,
                data["to"],
                actor=actor_of(user),
                note=data.get("note"),
                reason=data.get("reason"),
                reason_public=data.get("reason_public", False),
                planned_for=data.get("planned_for"),
                duplicate_of=original,
                to_body_code=data.get("to_body"),
                expected_version=version,
            )

        return apply_change(headers, report_id, "transition", data, apply)


@blp.route("/<uuid:report_id>/updates")
class TicketUpdates(MethodView):
    @staff_required(blp, "tickets.update")
    @blp.arguments(ChangeHeadersSchema, location="headers")
    @blp.arguments(UpdateCreateSchema)
    @blp.response(201, TicketDetailSchema, headers=ETAG_HEADER)
    @blp.alt_response(409, **problem_doc("The same Idempotency-Key is still being processed"))
    @change_errors
    def post(self, headers, data, report_id: uuid.UUID):
        """Add a public update (emailed to the reporter and the followers) or an internal note"""
        actor = actor_of(current_staff())

        def apply(session, version):
            edits.add_update(
                session,
                report_id,
                data["body"],
                actor=actor,
                public=data["public"],
                expected_version=version,
                notify=True,
            )

        return apply_change(headers, report_id, "update", data, apply, status=201)


@blp.route("/<uuid:report_id>/updates/<int:update_id>")
class TicketUpdateById(MethodView):
    @staff_required(blp, "tickets.update")
    @blp.arguments(ChangeHeadersSchema, location="headers")
    @blp.arguments(UpdatePatchSchema)
    @blp.response(200, TicketDetailSchema, headers=ETAG_HEADER)
    @blp.alt_response(409, **problem_doc("The same Idempotency-Key is still being processed"))
    @change_errors
    def patch(self, headers, data, report_id: uuid.UUID, update_id: int):
        """Publish a resident's comment, edited if need be (phone numbers, names), or
        withdraw an update from the public"""
        actor = actor_of(current_staff())

        def apply(session, version):
            edits.review_update(
                session,
                report_id,
                update_id,
                public=data.get("public"),
                body=data.get("body"),
                actor=actor,
                expected_version=version,
            )

        return apply_change(headers, report_id, f"update:{update_id}", data, apply)


@blp.route("/<uuid:report_id>/photos/<int:photo_id>")
class TicketPhotoById(MethodView):
    @staff_required(blp, "tickets.update")
    @blp.arguments(ChangeHeadersSchema, location="headers")
    @blp.arguments(PhotoPatchSchema)
    @blp.response(200, TicketDetailSchema, headers=ETAG_HEADER)
    @blp.alt_response(409, **problem_doc("The same Idempotency-Key is still being processed"))
    @change_errors
    def patch(self, headers, data, report_id: uuid.UUID, photo_id: int):
        """Hide a photo from every public view (a face, a number plate), or show it again"""
        actor = actor_of(current_staff())

        def apply(session, version):
            edits.set_photo_hidden(
                session, report_id, photo_id, data["hidden"], actor=actor, expected_version=version
            )

        operation = f"photo:{photo_id}"
        return apply_change(headers, report_id, operation, data, apply)


@blp.route("/<uuid:report_id>/photos")
class TicketPhotos(MethodView):
    @staff_required(blp, "tickets.update")
    @blp.arguments(PhotoHeadersSchema, location="headers")
    @blp.arguments(PhotoUploadSchema, location="files")
    @blp.response(201, PhotoSchema)
    @blp.alt_response(404, **problem_doc("No such ticket"))
    @blp.alt_response(409, **problem_doc("The report has all the photos it may have"))
    @blp.alt_response(413, **problem_doc("The upload is over 15 MB"))
    @blp.alt_response(415, **problem_doc("Not multipart, or not a JPEG, PNG, WebP or HEIC"))
    @blp.alt_response(422, **problem_doc("Damaged photo, or a reused Idempotency-Key"))
    @blp.alt_response(503, **problem_doc("The photo storage is unavailable"))
    def post(self, headers, files, report_id: uuid.UUID):
        """Add an "after" photo, through the same pipeline as the residents' photos"""
        ticket_scope(report_id, "tickets.update")
        upload = files["photo"]
        data = upload.read()
        user = current_staff()
        base = photo_limits()
        limits = type(base)(
            max_bytes=base.max_bytes,
            max_pixels=base.max_pixels,
            per_report=base.per_report + STAFF_EXTRA_PHOTOS,
        )

        def change(session):
            added = add_photo(
                session,
                photo_storage(),
                report_id,
                data,
                upload.filename,
                upload.mimetype,
                headers.get("idempotency_key"),
                limits=limits,
            )
            if not added.replayed:
                session.flush()
                session.add(
                    AuditEntry(
                        actor=actor_of(user).name,
                        actor_user_id=user.id,
                        report_id=report_id,
                        action="add_photo",
                        before={},
                        after={"photo": added.photo.display_key},
                    )
                )
            return added

        try:
            added = commit_or_rollback(change)
        except IntegrityError as exc:
            raise RequestInFlightError(
                "Another upload of this photo was just processed; retry to get it."
            ) from exc
        response = jsonify(PhotoSchema().dump(photo_view(added.photo, photo_url)))
        response.status_code = 201
        if added.replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return response
