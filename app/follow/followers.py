"""Following a report someone else made: a request, confirmed by its address, then emails.

A request stores a pending follower and sends one email, which asks the address to confirm;
nothing else about the report goes there before. The confirmation (a POST from the follow
page, since mail scanners open the links they find) makes them a follower, with a link of
their own that reads the public view and updates and may comment as a follower, never as the
reporter. A request not confirmed within CONFIRM_HOURS is void; asking again sends a new one.

Whatever the address (new, pending, following, unsubscribed, the reporter's own), the request
answers the same, so nobody learns from it who else follows a report.
"""

from __future__ import annotations

import secrets
import uuid

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.dates import long_datetime
from app.errors import NotFoundError, ReportClosedError
from app.follow.errors import AlreadyConfirmedError
from app.follow.links import MAX_TOKEN_LENGTH
from app.notify import notifications, outbox
from app.notify.notifications import token_hash
from app.opendata.records import VIEW
from app.problems import msg
from app.reports.states import CLOSED_STATUSES, Status
from app.urls import public_url

# A request waits this long for its address to confirm it.
CONFIRM_HOURS = 48
CONFIRM_PATH = "/follow/confirm/{token}"

REPORT_STATUS_SQL = text(
    "SELECT status, lower(reporter_email) AS reporter_email FROM reports WHERE id = :id FOR SHARE"
)
# A request also reads whether the public may see the report yet: one it may not (a sensitive
# category's report in its first hour, app.opendata.records) is not found, as when read.
REQUESTED_REPORT_SQL = text(
    f"SELECT r.status, lower(r.reporter_email) AS reporter_email, "
    f"EXISTS (SELECT 1 FROM {VIEW} v WHERE v.id = r.id) AS public "
    "FROM reports r WHERE r.id = :id FOR SHARE OF r"
)
# One row per address and report. A request adds a pending row, or renews one whose time ran
# out; a pending request still running, a follower and one who left are kept as they are.
REQUEST_SQL = text(
    """
    INSERT INTO report_followers (report_id, email, language, confirm_token_hash,
                                  confirm_expires_at)
    VALUES (:report_id, lower(:email), :language, :token_hash,
            now() + make_interval(hours => :hours))
    ON CONFLICT (report_id, email) DO UPDATE
       SET language = EXCLUDED.language, confirm_token_hash = EXCLUDED.confirm_token_hash,
           confirm_expires_at = EXCLUDED.confirm_expires_at, created_at = now()
     WHERE report_followers.confirmed_at IS NULL
       AND report_followers.unsubscribed_at IS NULL
       AND report_followers.confirm_expires_at < now()
    RETURNING confirm_expires_at
    """
)
PENDING_SQL = text(
    """
    SELECT f.id, f.report_id, f.email, f.language, r.status
    FROM report_followers f JOIN reports r ON r.id = f.report_id
    WHERE f.confirm_token_hash = :token_hash AND f.confirmed_at IS NULL
      AND f.confirm_expires_at > now()
    FOR UPDATE OF f
    """
)
# The confirmation's hash stays, so that a second click on the link is recognised and told
# that it worked already (the link itself gives nothing more).
CONFIRM_SQL = text(
    "UPDATE report_followers SET confirmed_at = now(), confirm_expires_at = NULL WHERE id = :id"
)
CONFIRMED_SQL = text(
    "SELECT 1 FROM report_followers WHERE confirm_token_hash = :token_hash "
    "AND confirmed_at IS NOT NULL"
)


def request(session: Session, report_id: uuid.UUID, email: str, language: str) -> bool:
    """Ask to follow an open report; True if a confirmation email was written.

    Following one's own report, or a report one follows or asked to follow in the last
    CONFIRM_HOURS, sends nothing.
    """
    db = session.connection()
    # The share lock orders this with a change of the report (see `confirm`).
    report = db.execute(REQUESTED_REPORT_SQL, {"id": report_id}).one_or_none()
    if report is None or not report.public:
        raise NotFoundError(msg("report.missing", report_id=report_id))
    if Status(report.status) in CLOSED_STATUSES:
        raise ReportClosedError(msg("follow.closed"))
    if report.reporter_email == email.lower():
        return False
    token = secrets.token_urlsafe(32)
    params = {
        "report_id": report_id,
        "email": email,
        "language": language,
        "token_hash": token_hash(token),
        "hours": CONFIRM_HOURS,
    }
    expires = db.execute(REQUEST_SQL, params).scalar_one_or_none()
    if expires is None:
        return False
    facts = notifications.facts(db, report_id)
    outbox.enqueue(
        db,
        "resident_follow_confirm",
        recipient=email.lower(),
        language=language,
        report_id=report_id,
        **notifications.values(facts, language),
        confirm_url=public_url(CONFIRM_PATH.format(token=token)),
        expires=long_datetime(expires, language),
    )
    return True


def confirm(session: Session, token: str) -> str:
    """Confirm a pending request: the address follows the report from now on. Returns the
    token of the follower's link, which their first email about the report carries too.

    AlreadyConfirmedError for a token used already, NotFoundError for one unknown or expired.
    """
    row = None
    if 0 < len(token) <= MAX_TOKEN_LENGTH:
        hashed = {"token_hash": token_hash(token)}
        row = session.execute(PENDING_SQL, hashed).one_or_none()
        if row is None and session.execute(CONFIRMED_SQL, hashed).first():
            raise AlreadyConfirmedError(msg("follow.already-confirmed"))
    if row is None:
        raise NotFoundError(msg("follow.confirm-invalid", hours=CONFIRM_HOURS))
    if Status(row.status) in CLOSED_STATUSES:
        raise ReportClosedError(msg("follow.closed-meanwhile"))
    db = session.connection()
    # As in `request`: a change of the report writes its emails before or after, to them too.
    db.execute(REPORT_STATUS_SQL, {"id": row.report_id})
    db.execute(CONFIRM_SQL, {"id": row.id})
    link = notifications.issue_link(db, row.report_id, row.email, "follower")
    facts = notifications.facts(db, row.report_id)
    outbox.enqueue(
        db,
        "resident_following",
        recipient=row.email,
        language=row.language,
        report_id=row.report_id,
        **notifications.values(facts, row.language),
        follow_url=link.follow_url,
        unsubscribe_url=link.unsubscribe_url,
        link_role="follower",
    )
    return link.token
