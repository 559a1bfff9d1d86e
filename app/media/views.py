"""What readers see of photos: a photo's view, a report's photos, list thumbnails, served files.

No Flask here: the web layer passes `url_of`, which turns a file key into its absolute URL.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.media.models import Photo, publicly_visible
from app.media.processing import EXTENSIONS
from app.media.storage import KEY_PATTERN

PhotoUrl = Callable[[str], str]


def photo_view(photo: Photo, url_of: PhotoUrl) -> dict:
    return {
        "position": photo.position,
        "url": url_of(photo.display_key),
        "thumbnail_url": url_of(photo.thumbnail_key),
        "content_type": photo.content_type,
        "width": photo.display_width,
        "height": photo.display_height,
        "thumbnail_width": photo.thumbnail_width,
        "thumbnail_height": photo.thumbnail_height,
    }


def visible_photos(session: Session, report_id: uuid.UUID) -> list[Photo]:
    """The report's visible photos in upload order."""
    query = (
        select(Photo)
        .where(Photo.report_id == report_id, publicly_visible())
        .order_by(Photo.position)
    )
    return list(session.scalars(query))


def photos_for_report(session: Session, report_id: uuid.UUID, url_of: PhotoUrl) -> list[dict]:
    """The report's visible photos in upload order, for its public view."""
    return [photo_view(photo, url_of) for photo in visible_photos(session, report_id)]


def first_thumbnails(
    session: Session, report_ids: list[uuid.UUID], url_of: PhotoUrl
) -> dict[uuid.UUID, str]:
    """Each report's first visible photo's thumbnail URL, in one query."""
    if not report_ids:
        return {}
    photos = session.scalars(
        select(Photo)
        .where(Photo.report_id.in_(report_ids), publicly_visible())
        .order_by(Photo.report_id, Photo.position.desc())
    )
    # At most five photos a report: the last one written per report is its first.
    return {photo.report_id: url_of(photo.thumbnail_key) for photo in photos}


def served_content_type(session: Session, key: str) -> str | None:
    """The content type of the file `key` if it may be served, else None (unknown or hidden)."""
    if not KEY_PATTERN.fullmatch(key):
        return None
    sha, extension = key.split(".", 1)
    names = or_(Photo.display_sha256 == sha, Photo.thumbnail_sha256 == sha)
    known = select(Photo.id).where(names, Photo.content_type == EXTENSIONS[extension])
    # Hidden on any report, hidden everywhere: the same bytes sent again to another
    # report must not bring a picture staff hid back to its URL.
    hidden = select(Photo.id).where(names, Photo.hidden.is_(True))
    visible = session.scalar(select(and_(known.exists(), ~hidden.exists())))
    return EXTENSIONS[extension] if visible else None
