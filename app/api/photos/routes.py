"""Photo uploads to a report, and the photo files at stable, long-cached, content-hashed URLs."""

from __future__ import annotations

import uuid

from flask import current_app, jsonify, make_response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy.orm import Session

from app.api.common import replay_headers
from app.api.errors import problem_doc
from app.api.photos.schemas import PhotoCreatedSchema
from app.api.photos.setup import photo_limits, photo_storage, photo_url
from app.api.uploads import limit_one_photo, photo_upload
from app.db import committed
from app.errors import NotFoundError
from app.follow import links as resident
from app.media.errors import PhotoUploadForbiddenError
from app.media.processing import OUTPUT
from app.media.services import add_photo, check_report_key, ensure_open
from app.media.storage import CACHE_CONTROL
from app.media.views import photo_view, served_content_type
from app.problems import msg
from app.web import db_session

blp = Blueprint("photos", __name__, description="Photos of reports")
CREATED_HEADERS = replay_headers("nothing was stored", location="URL of the display image")


@blp.before_request
def _allow_photo_sized_bodies():
    if request.method != "POST":
        return
    limit_one_photo()


@blp.route("/reports/<uuid:report_id>/photos")
class ReportPhotos(MethodView):
    @photo_upload(
        blp,
        PhotoCreatedSchema,
        (
            (403, "No Report-Key, not the report's photo token, or over 7 days late"),
            (404, "No such report"),
            (409, "The report is closed, or has its 5 photos already"),
        ),
        headers=CREATED_HEADERS,
    )
    def post(self, headers, files, report_id: uuid.UUID):
        """Add a photo to a report; it is stored upright, resized and without any metadata

        Only the report's author may: the Report-Key header must carry the `photo_token` of
        the report's creation answer, within PHOTO_UPLOAD_WINDOW_DAYS of its creation, and
        while the report is open. The follow link (POST /follow/{token}/photos) and staff
        (POST /tickets/{id}/photos) are the other ways in.
        """
        session = db_session()
        check_report_key(
            session,
            report_id,
            headers.get("report_key"),
            secret_key=current_app.config["SECRET_KEY"],
            window_days=current_app.config["PHOTO_UPLOAD_WINDOW_DAYS"],
        )
        return store_upload(session, report_id, files["photo"], headers.get("idempotency_key"))


def store_upload(session: Session, report_id: uuid.UUID, upload, client_photo_id: str | None):
    """Add the uploaded photo to the report, commit, and answer 201 (after the caller's checks)."""
    # The report lock serialises uploads; only a race with a deletion breaks a unique key.
    with committed(session):
        added = add_photo(
            session,
            photo_storage(),
            report_id,
            upload.read(),
            upload.filename,
            upload.mimetype,
            client_photo_id,
            limits=photo_limits(),
        )
    body = photo_view(added.photo, photo_url)
    location = added.location_suggestion
    body["location_suggestion"] = {"lat": location.lat, "lon": location.lon} if location else None
    response = jsonify(PhotoCreatedSchema().dump(body))
    response.status_code = 201
    response.headers["Location"] = body["url"]
    if added.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@blp.route("/follow/<string:token>/photos")
class FollowPhotos(MethodView):
    @photo_upload(
        blp,
        PhotoCreatedSchema,
        (
            (403, "The link is a follower's, not the report's author's"),
            (404, "The link is not valid"),
            (409, "The report is closed, or has its 5 photos already"),
            (410, "The report was closed too long ago"),
        ),
        headers=CREATED_HEADERS,
    )
    def post(self, headers, files, token: str):
        """Add a photo to one's own report through its follow link, while it is open

        Only the reporter's link may: a follower's link reads the report but adds nothing.
        """
        session = db_session()
        days = current_app.config["FOLLOW_LINK_EXPIRY_DAYS"]
        follower = resident.find(session, token, expiry_days=days)
        if not follower.is_reporter:
            raise PhotoUploadForbiddenError(
                "Only the person who made the report may add photos to it; this follow link "
                "is a follower's."
            )
        ensure_open(follower.status)
        response = store_upload(
            session, follower.report_id, files["photo"], headers.get("idempotency_key")
        )
        # As on the follow page: the token is in the address.
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response


@blp.route("/photos/<string:key>")
class PhotoFile(MethodView):
    @blp.response(
        200,
        {"type": "string", "format": "binary"},
        content_type=OUTPUT.content_type,
        description="The image, in the format the server stores (JPEG by default, or WebP)",
    )
    @blp.alt_response(404, **problem_doc("No such photo, or hidden by staff"))
    def get(self, key: str):
        """A photo file (display or thumbnail): cached five minutes, then revalidated by its ETag"""
        content_type = served_content_type(db_session(), key)
        if content_type is None:
            raise NotFoundError(msg("photo.missing"))
        response = make_response(photo_storage().get(key))
        response.mimetype = content_type
        response.headers["Cache-Control"] = CACHE_CONTROL
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.set_etag(key.split(".", 1)[0])
        return response.make_conditional(request)
