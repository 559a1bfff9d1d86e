"""Photo uploads to a report, and the photo files at stable, long-cached, content-hashed URLs."""

from __future__ import annotations

import uuid

from flask import current_app, jsonify, make_response, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.api.errors import problem_doc
from app.api.photos.schemas import PhotoCreatedSchema, PhotoHeadersSchema, PhotoUploadSchema
from app.errors import NotFoundError, RequestInFlightError
from app.follow import links as resident
from app.media.errors import PhotoUploadForbiddenError
from app.media.models import Photo, publicly_visible
from app.media.processing import EXTENSIONS, MB, OUTPUT
from app.media.services import PhotoLimits, add_photo, check_report_key, ensure_open
from app.media.storage import CACHE_CONTROL, KEY_PATTERN, PhotoStorage, storage_from_settings
from app.problems import msg
from app.web import db_session

blp = Blueprint("photos", __name__, description="Photos of reports")

# Room for the multipart boundaries and part headers around the photo itself.
MULTIPART_OVERHEAD = 64 * 1024


def photo_storage() -> PhotoStorage:
    """The app's storage backend, made from its settings on first use."""
    extensions = current_app.extensions
    if "pave_photo_storage" not in extensions:
        extensions["pave_photo_storage"] = storage_from_settings(current_app.config)
    return extensions["pave_photo_storage"]


def photo_limits() -> PhotoLimits:
    config = current_app.config
    return PhotoLimits(
        max_bytes=config["PHOTO_MAX_BYTES"],
        max_pixels=config["PHOTO_MAX_PIXELS"],
        per_report=config["PHOTOS_PER_REPORT"],
    )


def upload_limit() -> int:
    """The request size a photo upload may have: the photo's limit plus multipart overhead."""
    return current_app.config["PHOTO_MAX_BYTES"] + MULTIPART_OVERHEAD


def photo_view(photo: Photo) -> dict:
    return {
        "position": photo.position,
        "url": url_for("photos.PhotoFile", key=photo.display_key, _external=True),
        "thumbnail_url": url_for("photos.PhotoFile", key=photo.thumbnail_key, _external=True),
        "content_type": photo.content_type,
        "width": photo.display_width,
        "height": photo.display_height,
        "thumbnail_width": photo.thumbnail_width,
        "thumbnail_height": photo.thumbnail_height,
    }


def photos_for_report(session: Session, report_id: uuid.UUID) -> list[dict]:
    """The report's visible photos in upload order, for its public view (needs a request)."""
    photos = session.scalars(
        select(Photo)
        .where(Photo.report_id == report_id, publicly_visible())
        .order_by(Photo.position)
    )
    return [photo_view(photo) for photo in photos]


def first_thumbnails(session: Session, report_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Each report's first visible photo's thumbnail URL, in one query (needs a request)."""
    if not report_ids:
        return {}
    photos = session.scalars(
        select(Photo)
        .where(Photo.report_id.in_(report_ids), publicly_visible())
        .order_by(Photo.report_id, Photo.position.desc())
    )
    # At most five photos a report: the last one written per report is its first.
    return {
        photo.report_id: url_for("photos.PhotoFile", key=photo.thumbnail_key, _external=True)
        for photo in photos
    }


@blp.before_request
def _allow_photo_sized_bodies():
    if request.method != "POST":
        return
    limit = upload_limit()
    megabytes = current_app.config["PHOTO_MAX_BYTES"] / MB
    if request.content_length is not None and request.content_length > limit:
        abort(413, message=f"A photo upload is at most {megabytes:.0f} MB.")
    # The app's limit suits JSON bodies; only these routes accept a photo-sized body, and
    # Werkzeug enforces this limit while parsing even when no Content-Length was sent.
    request.max_content_length = limit
    if request.mimetype != "multipart/form-data":
        abort(415, message="Send the photo as multipart/form-data in a field named `photo`.")


@blp.route("/reports/<uuid:report_id>/photos")
class ReportPhotos(MethodView):
    @blp.arguments(PhotoHeadersSchema, location="headers")
    @blp.arguments(PhotoUploadSchema, location="files")
    @blp.response(
        201,
        PhotoCreatedSchema,
        headers={
            "Location": {"description": "URL of the display image", "schema": {"type": "string"}},
            "Idempotent-Replayed": {
                "description": "true when this answers a retry and nothing was stored",
                "schema": {"type": "string", "enum": ["true"]},
            },
        },
    )
    @blp.alt_response(
        403,
        **problem_doc("No Report-Key, not the report's photo token, or over 7 days late"),
    )
    @blp.alt_response(404, **problem_doc("No such report"))
    @blp.alt_response(409, **problem_doc("The report is closed, or has its 5 photos already"))
    @blp.alt_response(413, **problem_doc("The upload is over 15 MB"))
    @blp.alt_response(
        415, **problem_doc("Not multipart, or not a JPEG, PNG, WebP or HEIC, or a lying type")
    )
    @blp.alt_response(
        422,
        **problem_doc("Empty, truncated or damaged, too many pixels, or a reused Idempotency-Key"),
    )
    @blp.alt_response(503, **problem_doc("The photo storage is unavailable"))
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
    data = upload.read()
    try:
        added = add_photo(
            session,
            photo_storage(),
            report_id,
            data,
            upload.filename,
            upload.mimetype,
            client_photo_id,
            limits=photo_limits(),
        )
        session.commit()
    except IntegrityError as exc:
        # The report lock serialises uploads; only a race with a deletion gets here.
        session.rollback()
        raise RequestInFlightError(
            "Another upload of this photo was just processed; retry to get it."
        ) from exc
    except BaseException:
        # An explicit rollback, not just the session's close at teardown: it is what
        # removes the files of a photo whose row did not commit.
        session.rollback()
        raise
    body = photo_view(added.photo)
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
    @blp.arguments(PhotoHeadersSchema, location="headers")
    @blp.arguments(PhotoUploadSchema, location="files")
    @blp.response(201, PhotoCreatedSchema)
    @blp.alt_response(403, **problem_doc("The link is a follower's, not the report's author's"))
    @blp.alt_response(404, **problem_doc("The link is not valid"))
    @blp.alt_response(409, **problem_doc("The report is closed, or has its 5 photos already"))
    @blp.alt_response(410, **problem_doc("The report was closed too long ago"))
    @blp.alt_response(413, **problem_doc("The upload is over 15 MB"))
    @blp.alt_response(415, **problem_doc("Not multipart, or not a JPEG, PNG, WebP or HEIC"))
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
        """A photo file (display or thumbnail): immutable, cached for a year"""
        if not KEY_PATTERN.fullmatch(key):
            raise NotFoundError(msg("photo.missing"))
        sha, extension = key.split(".", 1)
        names = or_(Photo.display_sha256 == sha, Photo.thumbnail_sha256 == sha)
        known = select(Photo.id).where(names, Photo.content_type == EXTENSIONS[extension])
        # Hidden on any report, hidden everywhere: the same bytes sent again to another
        # report must not bring a picture staff hid back to its URL.
        hidden = select(Photo.id).where(names, Photo.hidden.is_(True))
        visible = db_session().scalar(select(and_(known.exists(), ~hidden.exists())))
        if not visible:
            raise NotFoundError(msg("photo.missing"))
        response = make_response(photo_storage().get(key))
        response.mimetype = EXTENSIONS[extension]
        response.headers["Cache-Control"] = CACHE_CONTROL
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.set_etag(sha)
        return response.make_conditional(request)
