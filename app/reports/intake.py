"""Report intake: the one way a new report comes in, from the API or from Open311.

`submit_report` does in one transaction all that a new report brings: it creates the report
(routed, once per Idempotency-Key), counts it against the caller's limits, queues its emails,
keeps its photos or its Open311 media link, gives the phone that made it a follow link, reads
the author's view, and commits. A lost race on the Idempotency-Key becomes
RequestInFlightError (app.db.committed).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db import committed
from app.delivery.outbox import queue_delivery
from app.errors import IdempotencyKeyReuseError
from app.follow.phone_link import keep_phone_link
from app.media.errors import PhotoLimitReachedError
from app.media.models import Photo
from app.media.services import PhotoLimits, add_photo
from app.media.storage import PhotoStorage
from app.media.views import visible_photos
from app.reports.queries import get_own_report
from app.reports.services import Created, NewReport, ReportKey, create_report
from app.reports.views import ReportView
from app.tickets.services import notify_new_report

# What became of the reporter's acknowledgement email ("we received your report").
QUEUED = "queued"
# Past the limit of acknowledgements to that address: the report is kept all the same.
WITHHELD = "withheld"
# No email address was given.
NOT_ASKED = "none"


class IntakeLimits(Protocol):
    """The caller's limits (app/api/reports/limits.py), asked of new reports only: a replay
    is the same report, and is never counted twice."""

    def count_report(self) -> None:
        """Count a new report; raise (and so create nothing) past the limit."""

    def acknowledge(self, email: str) -> bool:
        """Count an acknowledgement email to `email`; False if none may be sent."""


class Upload(Protocol):
    """An uploaded photo file, as a web framework hands it over (werkzeug's FileStorage)."""

    @property
    def filename(self) -> str | None: ...

    @property
    def mimetype(self) -> str | None: ...

    def read(self) -> bytes: ...


@dataclass(frozen=True)
class IntakeSettings:
    """The settings intake reads: the app's secret and the routing distances."""

    secret_key: str
    snap_distance_m: float = 50.0
    hint_distance_m: float = 1000.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> IntakeSettings:
        return cls(
            secret_key=config["SECRET_KEY"],
            snap_distance_m=config["ROUTING_SNAP_DISTANCE_M"],
            hint_distance_m=config["ROUTING_HINT_DISTANCE_M"],
        )


@dataclass(frozen=True)
class PhotoUploads:
    """The photos sent with a report, where they go and how large they may be."""

    files: Sequence[Upload]
    # Called only when there is a photo to store: a report without photos needs no backend.
    storage: Callable[[], PhotoStorage]
    limits: PhotoLimits


@dataclass(frozen=True)
class MediaLink:
    """An Open311 request's media_url (maybe none): only the address is kept, never fetched.

    A replay must carry the same one as the request it replays; native API requests have no
    such field, and send no MediaLink at all.
    """

    url: str | None


@dataclass(frozen=True)
class Submission:
    report_id: uuid.UUID
    replayed: bool
    # The author's own view, read in the report's transaction: the public projection may not
    # show it yet (a sensitive category's report is public once its published hour is over).
    view: ReportView
    # With uploads: the photos sent (stored or replayed), or for a replay that sent none, the
    # report's visible photos. Empty without uploads.
    photos: list[Photo]
    # The phone's follow link (app.follow.phone_link), when asked for.
    follow_token: str | None = None
    # QUEUED, WITHHELD or NOT_ASKED: a replay tells what its first request did.
    acknowledgement: str = NOT_ASKED


MEDIA_URL_SQL = text("SELECT media_url FROM reports WHERE id = :id")
SET_MEDIA_URL_SQL = text("UPDATE reports SET media_url = :url WHERE id = :id")
ACKNOWLEDGEMENT_SQL = text(
    "SELECT r.reporter_email IS NOT NULL AS asked, EXISTS (SELECT 1 FROM outbox_messages m "
    "WHERE m.report_id = r.id AND m.kind = 'resident_received') AS queued "
    "FROM reports r WHERE r.id = :id"
)


def submit_report(
    session: Session,
    new: NewReport,
    idempotency_key: ReportKey | None,
    settings: IntakeSettings,
    *,
    reporter_language: str,
    uploads: PhotoUploads | None = None,
    media: MediaLink | None = None,
    phone_link: bool = False,
    limits: IntakeLimits | None = None,
) -> Submission:
    """Create a report with all that follows from it, and commit; a retry replays it.

    Photos are stored exactly as by POST /reports/{id}/photos, in the same transaction: if
    anything fails, neither the report nor any photo remains. Each photo's key derives from
    the report's Idempotency-Key, so a retry replays the report and each of its photos.
    A new report is counted against `limits`, which may refuse it or its acknowledgement.
    """
    if uploads is not None and len(uploads.files) > uploads.limits.per_report:
        raise PhotoLimitReachedError(f"A report has at most {uploads.limits.per_report} photos.")
    with committed(session):
        created = create_report(
            session,
            new,
            idempotency_key,
            snap_distance_m=settings.snap_distance_m,
            hint_distance_m=settings.hint_distance_m,
            reporter_language=reporter_language,
        )
        if limits is not None and not created.replayed:
            limits.count_report()
        if media is not None:
            attach_media_url(session, created.report_id, media.url, replayed=created.replayed)
        if created.replayed:
            acknowledgement = _acknowledgement_of(session, created.report_id)
        else:
            acknowledgement = _notify(session, created, new.reporter_email, limits)
            # Sent to the body's own Open311 server by the worker, if it has one.
            queue_delivery(session.connection(), created.report_id)
        photos: list[Photo] = []
        if uploads is not None:
            photos = _add_photos(session, created.report_id, uploads, idempotency_key)
            if created.replayed and not photos:
                photos = visible_photos(session, created.report_id)
        view = get_own_report(session, created.report_id)
        follow_token = None
        if phone_link:
            follow_token = keep_phone_link(
                session.connection(), settings.secret_key, created.report_id, new.reporter_email
            )
    return Submission(
        created.report_id, created.replayed, view, photos, follow_token, acknowledgement
    )


def _notify(
    session: Session, created: Created, email: str | None, limits: IntakeLimits | None
) -> str:
    """Queue a new report's emails in its transaction: the body's, and the reporter's
    acknowledgement unless `limits` withhold it; what became of the latter."""
    acknowledged = email is not None and (limits is None or limits.acknowledge(email))
    if acknowledged or created.body_notified_at_once:
        notify_new_report(session, created.report_id, tell_reporter=acknowledged)
    if not email:
        return NOT_ASKED
    return QUEUED if acknowledged else WITHHELD


def _acknowledgement_of(session: Session, report_id: uuid.UUID) -> str:
    """What the first request of a replayed report did with its acknowledgement."""
    row = session.connection().execute(ACKNOWLEDGEMENT_SQL, {"id": report_id}).one()
    if not row.asked:
        return NOT_ASKED
    return QUEUED if row.queued else WITHHELD


def _add_photos(
    session: Session, report_id: uuid.UUID, uploads: PhotoUploads, key: ReportKey | None
) -> list[Photo]:
    if not uploads.files:
        return []
    storage = uploads.storage()
    return [
        add_photo(
            session,
            storage,
            report_id,
            upload.read(),
            upload.filename,
            upload.mimetype,
            # Each photo gets a key derived from the report's as sent (photo ids are the
            # report's own), so a retry replays it.
            f"{key.sent}:photo:{position}" if key else None,
            limits=uploads.limits,
        ).photo
        for position, upload in enumerate(uploads.files)
    ]


def attach_media_url(
    session: Session, report_id: uuid.UUID, url: str | None, *, replayed: bool
) -> None:
    """Keep an Open311 media link with a new report; a replay must have posted the same one."""
    db = session.connection()
    if replayed:
        if db.execute(MEDIA_URL_SQL, {"id": report_id}).scalar_one() != url:
            raise IdempotencyKeyReuseError(
                "This Idempotency-Key was already used for a request with another media_url; "
                "use a new key for a new request."
            )
    elif url is not None:
        db.execute(SET_MEDIA_URL_SQL, {"id": report_id, "url": url})
