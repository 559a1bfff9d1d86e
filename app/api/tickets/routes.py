"""/api/v1/staff/tickets: list, map and detail of tickets, and the changes crews make to them."""

from __future__ import annotations

import uuid

from flask import Response, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy.orm import Session

from app.accounts import access
from app.api.auth.guard import (
    current_staff,
    require_staff,
    signed_in_staff,
    staff_required,
)
from app.api.common import GEOJSON, JSON, replay_headers, request_language
from app.api.photos.schemas import PhotoSchema
from app.api.photos.setup import photo_limits, photo_storage, photo_url
from app.api.staff import ETAG_HEADER, staff_change, staff_view
from app.api.tickets import geojson, views
from app.api.tickets.changes import apply_change, detail_response
from app.api.tickets.schemas import (
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
from app.api.tickets.scope import ticket_scope
from app.api.uploads import limit_one_photo, photo_upload
from app.media.views import first_thumbnails, photo_view
from app.tickets import changes, edits, queries
from app.tickets.changes import actor_of
from app.web import db_session

blp = Blueprint("tickets", __name__, url_prefix="/staff/tickets", description="Staff: tickets")


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


def _readable(args: dict) -> tuple[Session, access.ReadScope, queries.TicketFilter]:
    """The session, the caller's scope of tickets.read and the filter `args` ask for: what the
    list and the map read."""
    user = signed_in_staff()
    return db_session(), access.scope_of(user, "tickets.read"), views.ticket_filter(args, user)


@blp.route("")
class Tickets(MethodView):
    @staff_view(
        blp,
        "tickets.read",
        TicketPageSchema,
        query=TicketQueryArgsSchema,
        errors=((422, "Invalid filter"), (400, "A cursor this API did not return")),
    )
    def get(self, args):
        """The tickets I may read, filtered and sorted, one page at a time"""
        page = queries.list_tickets(
            *_readable(args),
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
    @staff_view(
        blp,
        "tickets.read",
        TicketFeatureCollectionSchema,
        query=TicketMapQueryArgsSchema,
        errors=((422, "Invalid filter"),),
        content_type=GEOJSON,
    )
    def get(self, args):
        """The tickets I may read as GeoJSON points, newest first, at most 1000"""
        body = geojson.map_geojson(*_readable(args), request_language())
        # PostgreSQL wrote the JSON; parsing it only to write it again would double the cost.
        return Response(body, mimetype=GEOJSON)


@blp.route("/<uuid:report_id>")
class TicketById(MethodView):
    @staff_view(
        blp,
        "tickets.read",
        TicketDetailSchema,
        errors=((404, "No such ticket"),),
        headers=ETAG_HEADER,
    )
    def get(self, report_id: uuid.UUID):
        """A ticket with its photos, history, updates, audit trail and (for its body) reporter"""
        ticket_scope(report_id, "tickets.read")
        return detail_response(report_id)

    @staff_change(blp, TicketPatchSchema, conflict=None)
    def patch(self, headers, data, report_id: uuid.UUID):
        """Set the priority, the crew member assigned (null takes the ticket back) or whether
        the description may be published as open data"""
        actor = actor_of(signed_in_staff())

        def apply(session, version):
            changes.patch_ticket(session, report_id, data, actor=actor, expected_version=version)

        return apply_change(headers, report_id, "patch", data, apply)


@blp.route("/<uuid:report_id>/transitions")
class TicketTransitions(MethodView):
    @staff_change(
        blp,
        TransitionSchema,
        conflict="Not allowed from the current status (see `allowed`), or the same "
        "Idempotency-Key is still being processed",
    )
    def post(self, headers, data, report_id: uuid.UUID):
        """Change the ticket's status (with a reason, a planned date, an original or a body)"""
        user = current_staff()

        def apply(session, version):
            changes.staff_transition(
                session,
                user,
                report_id,
                data["to"],
                note=data.get("note"),
                reason=data.get("reason"),
                reason_public=data.get("reason_public", False),
                planned_for=data.get("planned_for"),
                duplicate_of=data.get("duplicate_of"),
                to_body_code=data.get("to_body"),
                expected_version=version,
            )

        return apply_change(headers, report_id, "transition", data, apply)


@blp.route("/<uuid:report_id>/updates")
class TicketUpdates(MethodView):
    @staff_change(blp, UpdateCreateSchema, status=201)
    def post(self, headers, data, report_id: uuid.UUID):
        """Add a public update (emailed to the reporter and the followers) or an internal note"""
        actor = actor_of(signed_in_staff())

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
    @staff_change(blp, UpdatePatchSchema)
    def patch(self, headers, data, report_id: uuid.UUID, update_id: int):
        """Publish a resident's comment, edited if need be (phone numbers, names), or
        withdraw an update from the public"""
        actor = actor_of(signed_in_staff())

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
    @staff_change(blp, PhotoPatchSchema)
    def patch(self, headers, data, report_id: uuid.UUID, photo_id: int):
        """Hide a photo from every public view (a face, a number plate), or show it again"""
        actor = actor_of(signed_in_staff())

        def apply(session, version):
            edits.set_photo_hidden(
                session, report_id, photo_id, data["hidden"], actor=actor, expected_version=version
            )

        operation = f"photo:{photo_id}"
        return apply_change(headers, report_id, operation, data, apply)


@blp.route("/<uuid:report_id>/photos")
class TicketPhotos(MethodView):
    @staff_required(blp, "tickets.update")
    @photo_upload(
        blp,
        PhotoSchema,
        ((404, "No such ticket"), (409, "The report has all the photos it may have")),
        headers=replay_headers("nothing was stored"),
    )
    def post(self, headers, files, report_id: uuid.UUID):
        """Add an "after" photo, through the same pipeline as the residents' photos"""
        ticket_scope(report_id, "tickets.update")
        upload = files["photo"]
        added = changes.add_after_photo(
            db_session(),
            photo_storage(),
            report_id,
            upload.read(),
            upload.mimetype,
            headers.get("idempotency_key"),
            actor=actor_of(signed_in_staff()),
            limits=photo_limits(),
        )
        response = jsonify(PhotoSchema().dump(photo_view(added.photo, photo_url)))
        response.status_code = 201
        if added.replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return response
