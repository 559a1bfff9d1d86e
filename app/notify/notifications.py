"""Who hears of a ticket, by which email: the body of new tickets, the resident of each step.

Each function writes outbox rows on the caller's connection, so a message exists if and only
if the change it tells about commits.

Every email to a resident carries a private follow link of its own. Only the SHA-256 of a
link's token is stored, so the clear token exists in that one email and nowhere else; a later
email cannot repeat an earlier link, and gets a new token for the same report and reporter
instead (all of them stay valid, and unsubscribing through any one stops every email of the
report). The links start with PUBLIC_BASE_URL, whoever's request writes the email: never
with a request's Host, which anyone can set.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import text
from sqlalchemy.engine import Connection, Row

from app.dates import long_date, long_datetime
from app.delivery.models import EMAIL_METHODS
from app.i18n import COMMUNE_LANGUAGES, REGION_LANGUAGES, names_from, pick_name
from app.notify import outbox
from app.notify.body_messages import NONE_GIVEN
from app.notify.messages import STAFF_ROLES
from app.reports.sql import REPORT_JOINS, REPORT_NAMES
from app.urls import public_url

FOLLOW_PATH = "/follow/{token}"
UNSUBSCRIBE_PATH = "/follow/{token}/unsubscribe"

# What an email needs to name the ticket: category, commune and body in every language, and
# whether the reporter asked for no more emails about this report.
FACTS_SQL = text(
    f"""
    SELECT r.id, r.description, r.reporter_email, r.reporter_language, r.planned_for,
           m.region_code, {REPORT_NAMES},
           b.contact_email AS body_email, b.notify_mode,
           b.delivery_method, r.reporter_name, r.reporter_phone, r.media_url,
           ST_Y(r.location) AS lat, ST_X(r.location) AS lon, r.accuracy_m,
           EXISTS (SELECT 1 FROM resident_follow_tokens t
                   WHERE t.report_id = r.id AND t.unsubscribed_at IS NOT NULL
                     AND lower(t.email) = lower(r.reporter_email)) AS reporter_unsubscribed
    {REPORT_JOINS}
    WHERE r.id = :id
    """
)

ISSUE_LINK_SQL = text(
    "INSERT INTO resident_follow_tokens (report_id, email, token_hash, role) "
    "VALUES (:report_id, :email, :token_hash, :role)"
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class FollowLink:
    token: str
    follow_url: str
    unsubscribe_url: str


def issue_link(db: Connection, report_id: uuid.UUID, email: str, role: str) -> FollowLink:
    """Store a new follow token and return its links (the token only here).

    `role` is what the link may do: only a "reporter" link speaks as the reporter. It has no
    default, here or in the database, so that no path hands out a reporter's link by omission.
    """
    token = secrets.token_urlsafe(32)
    params = {
        "report_id": report_id,
        "email": email,
        "token_hash": token_hash(token),
        "role": role,
    }
    db.execute(ISSUE_LINK_SQL, params)
    return FollowLink(
        token=token,
        follow_url=public_url(FOLLOW_PATH.format(token=token)),
        unsubscribe_url=public_url(UNSUBSCRIBE_PATH.format(token=token)),
    )


def facts(db: Connection, report_id: uuid.UUID) -> Row:
    return db.execute(FACTS_SQL, {"id": report_id}).one()


def values(row: Row | SimpleNamespace, language: str, **extra: object) -> dict[str, object]:
    """The placeholders of the ticket's emails, named in `language`."""
    region = row.region_code
    return {
        "ref": str(row.id)[:8],
        "reference": row.id,
        "category": pick_name(names_from(row, "category"), language, region),
        "commune": pick_name(names_from(row, "commune", COMMUNE_LANGUAGES), language, region),
        "body": pick_name(names_from(row, "body"), language, region),
        "description": row.description or "",
        "planned_for": long_date(row.planned_for, language) if row.planned_for else "",
        **extra,
    }


def body_language(region_code: str | None) -> str:
    """A body is written to in the first language of its region."""
    return REGION_LANGUAGES.get(region_code or "", ("fr",))[0]


def notify_body(db: Connection, row: Row) -> None:
    """Tell the ticket's body of it at once, unless it reads a daily digest, has no email, or
    receives its reports another way than by email (its delivery_method)."""
    if not row.body_email or row.notify_mode != "immediate":
        return
    if row.delivery_method not in EMAIL_METHODS:
        return
    language = body_language(row.region_code)
    outbox.enqueue(
        db,
        "body_new_report",
        recipient=row.body_email,
        language=language,
        report_id=row.id,
        **(values(row, language) | body_values(row, language)),
    )


TICKET_PATH = "/staff/#/t/{id}"
MAP_URL = "https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}#map=19/{lat:.6f}/{lon:.6f}"


def body_values(row: Row | SimpleNamespace, language: str) -> dict[str, object]:
    """What a body's email says besides the ticket's names: where (coordinates and a map
    link), who reported it and how to reach them, and the ticket on the crew screen."""
    contact = [row.reporter_name, row.reporter_email, row.reporter_phone]
    accuracy = f" (± {round(row.accuracy_m)} m)" if row.accuracy_m else ""
    return {
        "coordinates": f"{row.lat:.6f}, {row.lon:.6f}{accuracy}",
        "map_url": MAP_URL.format(lat=row.lat, lon=row.lon),
        "reporter": " · ".join(c for c in contact if c) or NONE_GIVEN[language],
        "description": row.description or NONE_GIVEN[language],
        "ticket_url": public_url(TICKET_PATH.format(id=row.id)),
    }


def notify_resident(
    db: Connection, row: Row | SimpleNamespace, kind: str, *, role: str, **extra: object
) -> int | None:
    """Write the resident's email of `kind` with a new follow link of `role`; None if nobody
    to tell."""
    if not row.reporter_email or row.reporter_unsubscribed:
        return None
    link = issue_link(db, row.id, row.reporter_email, role)
    links = {
        "follow_url": link.follow_url,
        "unsubscribe_url": link.unsubscribe_url,
        "link_role": role,
    }
    language = row.reporter_language
    return outbox.enqueue(
        db,
        kind,
        recipient=row.reporter_email,
        language=language,
        report_id=row.id,
        **values(row, language, **extra),
        **links,
    )


INVITATION_SCOPE_SQL = text(
    "SELECT coalesce(b.name_fr, b.name_nl, b.name_de, b.name_en, b.code) AS name, "
    "coalesce(b.region_code, :region_code) AS region_code, "
    "coalesce(b.name_fr, r.name_fr) AS name_fr, coalesce(b.name_nl, r.name_nl) AS name_nl, "
    "coalesce(b.name_de, r.name_de) AS name_de, coalesce(b.name_en, r.name_en) AS name_en "
    "FROM (SELECT 1) AS one LEFT JOIN bodies b ON b.id = :body_id "
    "LEFT JOIN regions r ON r.code = :region_code"
)


def scope_name(scope, language: str) -> str | None:
    """The body's (or region's) name in the email's language, else in any of them."""
    names = {lang: getattr(scope, f"name_{lang}") for lang in ("fr", "nl", "de", "en")}
    return names.get(language) or pick_name({k: v for k, v in names.items() if v}, language) or None


def notify_invitation(
    db: Connection,
    *,
    email: str,
    name: str,
    role: str,
    body_id: int | None,
    region_code: str | None,
    link: str,
    expires_at: dt.datetime,
    language: str | None = None,
) -> int:
    """Queue the invitation of a member of staff, in `language`, by default the first
    language of their region (French without one)."""
    scope = db.execute(INVITATION_SCOPE_SQL, {"body_id": body_id, "region_code": region_code}).one()
    language = language or body_language(scope.region_code)
    return outbox.enqueue(
        db,
        "staff_invitation",
        recipient=email,
        language=language,
        name=name or email,
        # The role and the body in the email's language, never the machine's English words.
        role=STAFF_ROLES.get(language, STAFF_ROLES["en"]).get(role, role.replace("_", " ")),
        scope=scope_name(scope, language) or scope.name or region_code or "Pavé",
        link=link,
        expires=long_datetime(expires_at, language),
    )
