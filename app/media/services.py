"""Adding a photo to a report: validate, process, store the files, write the row, or nothing."""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass, field

from sqlalchemy import event, func, or_, select, text
from sqlalchemy.orm import Session, SessionTransaction

from app.errors import IdempotencyKeyReuseError, NotFoundError
from app.media.capability import is_photo_token
from app.media.errors import (
    PhotoLimitReachedError,
    PhotoReportClosedError,
    PhotoStorageError,
    PhotoUploadForbiddenError,
)
from app.media.models import Photo
from app.media.processing import (
    MAX_BYTES,
    MAX_PIXELS,
    Location,
    ProcessedPhoto,
    check_size,
    process_photo,
)
from app.media.storage import PhotoStorage
from app.problems import msg
from app.reports.states import CLOSED_STATUSES, Status

log = logging.getLogger(__name__)

PENDING = "pave.media.pending_files"


@dataclass(frozen=True)
class PhotoLimits:
    max_bytes: int = MAX_BYTES
    max_pixels: int = MAX_PIXELS
    per_report: int = 5


@dataclass(frozen=True)
class AddedPhoto:
    photo: Photo
    replayed: bool
    # Only on the first upload: the position the camera recorded, offered to the reporter.
    location_suggestion: Location | None = None


@dataclass
class _Pending:
    """Files written by the session's current transaction, to remove if it rolls back."""

    storage: PhotoStorage
    keys: list[str] = field(default_factory=list)


REPORT_KEY_SQL = text(
    "SELECT status, created_at > now() - make_interval(days => :days) AS open "
    "FROM reports WHERE id = :id"
)


def check_report_key(
    session: Session,
    report_id: uuid.UUID,
    report_key: str | None,
    *,
    secret_key: str,
    window_days: int,
) -> None:
    """Let only the report's author add a photo after its creation, and only for a while.

    The credential is the report's photo token (app.media.capability), which the creation's
    answer gave the creating app, and a replay of the creation gives again: a phone that
    stays offline between the report and its photos delivers them once it has the answer.
    The creation's Idempotency-Key no longer serves: the client chose it, maybe weakly, and
    the server kept it in clear. Raises NotFoundError, PhotoUploadForbiddenError or
    PhotoReportClosedError; stores nothing.
    """
    row = session.execute(REPORT_KEY_SQL, {"id": report_id, "days": window_days}).first()
    if row is None:
        raise NotFoundError(msg("report.missing", report_id=report_id))
    status, open_ = row
    if not report_key:
        raise PhotoUploadForbiddenError(msg("photo.needs-key"))
    if not is_photo_token(secret_key, report_id, report_key):
        raise PhotoUploadForbiddenError(msg("photo.wrong-key"))
    ensure_open(status)
    if not open_:
        raise PhotoUploadForbiddenError(msg("photo.window-closed", days=window_days))


def ensure_open(status: str) -> None:
    """Refuse an author's photo to a closed report: nobody would look at it any more."""
    if Status(status) in CLOSED_STATUSES:
        raise PhotoReportClosedError(msg("photo.report-closed", status=status))


def add_photo(
    session: Session,
    storage: PhotoStorage,
    report_id: uuid.UUID,
    upload_bytes: bytes,
    filename: str | None,
    content_type: str | None,
    client_photo_id: str | None,
    *,
    limits: PhotoLimits = PhotoLimits(),
) -> AddedPhoto:
    """Add a photo to a report in the session's transaction; the caller commits.

    The filename is accepted for the callers' convenience and deliberately ignored: the type
    comes from the bytes and the stored name from their hash. Without a client photo id the
    upload's own hash serves as one, so an identical retry still stores nothing new.

    Files are stored before the row is written. If writing the row fails, the files this call
    stored are removed before the error propagates; if the caller's transaction later rolls
    back (say the report it belongs to cannot be created), a listener on the session removes
    them then. Either way a file still used by another row is kept. The caller must end a
    failed transaction with `session.rollback()`: closing the session alone sends no event.
    """
    del filename
    check_size(upload_bytes, limits.max_bytes)
    upload_sha256 = hashlib.sha256(upload_bytes).hexdigest()
    client_photo_id = client_photo_id or f"sha256:{upload_sha256}"
    _lock_report(session, report_id)
    existing = session.scalars(
        select(Photo).where(Photo.report_id == report_id, Photo.client_photo_id == client_photo_id)
    ).first()
    if existing is not None:
        if existing.upload_sha256 != upload_sha256:
            raise IdempotencyKeyReuseError(msg("photo.key-reused"))
        return AddedPhoto(existing, replayed=True)
    position = _next_position(session, report_id, limits.per_report)
    processed = process_photo(
        upload_bytes, content_type, max_bytes=limits.max_bytes, max_pixels=limits.max_pixels
    )
    written = _store(storage, (processed.display, processed.thumbnail))
    photo = _photo_row(processed, report_id, client_photo_id, upload_sha256, position)
    try:
        # A savepoint, so that a failed insert leaves the caller's transaction usable for the
        # reference check below (and for whatever the caller does next).
        with session.begin_nested():
            session.add(photo)
    except Exception:
        discard_unreferenced(session, storage, written)
        raise
    _remember(session, storage, written)
    return AddedPhoto(photo, replayed=False, location_suggestion=processed.location_suggestion)


def _lock_report(session: Session, report_id: uuid.UUID) -> None:
    """Lock the report's row, so that the uploads to it are serialised: the count and the
    position of its photos stay true while two of them arrive at once."""
    found = session.execute(
        text("SELECT id FROM reports WHERE id = :id FOR UPDATE"), {"id": report_id}
    ).scalar()
    if found is None:
        raise NotFoundError(msg("report.missing", report_id=report_id))


def _next_position(session: Session, report_id: uuid.UUID, per_report: int) -> int:
    """The position of the report's next photo; refused if it has `per_report` already."""
    count, last = session.execute(
        select(func.count(), func.max(Photo.position)).where(Photo.report_id == report_id)
    ).one()
    if count >= per_report:
        raise PhotoLimitReachedError(msg("photo.limit-count", max=per_report, count=count))
    return 0 if last is None else last + 1


def _photo_row(
    processed: ProcessedPhoto,
    report_id: uuid.UUID,
    client_photo_id: str,
    upload_sha256: str,
    position: int,
) -> Photo:
    display, thumbnail = processed.display, processed.thumbnail
    return Photo(
        report_id=report_id,
        client_photo_id=client_photo_id,
        upload_sha256=upload_sha256,
        position=position,
        content_type=display.content_type,
        display_sha256=display.sha256,
        display_width=display.width,
        display_height=display.height,
        display_bytes=len(display.data),
        thumbnail_sha256=thumbnail.sha256,
        thumbnail_width=thumbnail.width,
        thumbnail_height=thumbnail.height,
        thumbnail_bytes=len(thumbnail.data),
    )


def _store(storage: PhotoStorage, renditions) -> list[str]:
    """Store each rendition; on any failure remove what this call wrote and raise."""
    written: list[str] = []
    try:
        for rendition in renditions:
            key = f"{rendition.sha256}.{rendition.extension}"
            if storage.put(key, rendition.data, rendition.content_type):
                written.append(key)
    except Exception as exc:
        for key in written:
            _delete_quietly(storage, key)
        raise PhotoStorageError(msg("photo.storage")) from exc
    return written


def discard_unreferenced(session: Session, storage: PhotoStorage, keys: list[str]) -> None:
    """Delete the files that no photo row visible to this session uses any more.

    Content addressing means two reports may share a file (the same picture sent twice); a
    file is only removed when no row names its hash.
    """
    if not keys:
        return
    hashes = [key.split(".", 1)[0] for key in keys]
    used = set(
        session.execute(
            select(Photo.display_sha256, Photo.thumbnail_sha256).where(
                or_(Photo.display_sha256.in_(hashes), Photo.thumbnail_sha256.in_(hashes))
            )
        ).all()
    )
    in_use = {h for pair in used for h in pair}
    for key, sha in zip(keys, hashes, strict=True):
        if sha not in in_use:
            _delete_quietly(storage, key)


def _delete_quietly(storage: PhotoStorage, key: str) -> None:
    try:
        storage.delete(key)
    except Exception:
        # An orphan file is harmless (never served without a row) and is logged to be swept.
        log.exception("could not remove photo file %s", key)


def _remember(session: Session, storage: PhotoStorage, keys: list[str]) -> None:
    """Track the files of the current transaction so that a rollback removes them."""
    pending: _Pending | None = session.info.get(PENDING)
    if pending is None:
        pending = session.info[PENDING] = _Pending(storage)
        event.listen(session, "after_commit", _forget)
        event.listen(session, "after_soft_rollback", _discard_on_rollback)
    pending.keys.extend(keys)


def _forget(session: Session) -> None:
    pending: _Pending | None = session.info.get(PENDING)
    if pending is not None:
        pending.keys.clear()


def _discard_on_rollback(session: Session, previous: SessionTransaction) -> None:
    # Only the end of the outermost transaction matters; the savepoint of a failed insert
    # is handled where it happens.
    if previous.nested or previous.parent is not None:
        return
    pending: _Pending | None = session.info.get(PENDING)
    if pending is None or not pending.keys:
        return
    keys, pending.keys = pending.keys, []
    try:
        discard_unreferenced(session, pending.storage, keys)
    except Exception:
        log.exception("could not check photo files %s after a rollback", keys)
