"""Creating a report: idempotency, routing to commune and body, and its first history row."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass

from sqlalchemy import Row, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.delivery.models import EMAIL_METHODS
from app.errors import IdempotencyKeyReuseError, RequestInFlightError, UnknownCategoryError
from app.geo.projection import WGS84
from app.geo.routing import locate
from app.reports.states import Status


@dataclass(frozen=True)
class NewReport:
    category: str
    lon: float
    lat: float
    accuracy_m: float | None = None
    description: str | None = None
    reporter_name: str | None = None
    reporter_email: str | None = None
    reporter_phone: str | None = None

    def fingerprint(self) -> str:
        """A hash of the validated content, so that a retry matches whatever its whitespace."""
        canonical = json.dumps(self.__dict__, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


# Another Pavé's report, as the server keys it (app.open311.requests): open311-pave:<account
# id>:<the sender's report id>. No client's Idempotency-Key is ever kept as sent, so none can
# be, or find, one of these.
PAVE_KEYS = "open311-pave:"
# The ways in whose clients choose their Idempotency-Key: each keeps its keys apart.
PUBLIC_API = "api"
OPEN311 = "open311"


@dataclass(frozen=True)
class ReportKey:
    """The Idempotency-Key of a report's creation, and how the reports table keeps it.

    A client's key is kept in the space of its way in, as "<way> <SHA-256 of the key>": the
    space is a character no client key holds (visible ASCII only), so a stored key is never
    one a client sent, nor one the server made (PAVE_KEYS), nor another way's. `earlier` is the
    key as it was kept before the ways in were kept apart (as sent, shared by the native API
    and Open311), which a retry still replays; never one of Pavé's own.
    """

    sent: str
    stored: str
    earlier: str | None = None

    @classmethod
    def client(cls, way: str, sent: str) -> ReportKey:
        digest = hashlib.sha256(sent.encode()).hexdigest()
        earlier = None if sent.startswith(PAVE_KEYS) else sent
        return cls(sent, f"{way} {digest}", earlier)

    @classmethod
    def pave(cls, account_id: int, sender_report: uuid.UUID) -> ReportKey:
        """The key of a report another Pavé sent from this account: one request per report."""
        key = f"{PAVE_KEYS}{account_id}:{sender_report}"
        return cls(key, key)


@dataclass(frozen=True)
class Created:
    report_id: uuid.UUID
    replayed: bool
    # Whether the new report's body wants an email for each new ticket: read in the same
    # round trip, so that the common report (no email to send) costs no extra query.
    body_notified_at_once: bool = False


CATEGORY_SQL = text("SELECT id, handler, body_id FROM categories WHERE code = :code AND active")

# With an Idempotency-Key, one round trip takes the lock, finds an earlier report with that
# key (or with the key as kept before the ways in were kept apart) and reads the category. The transaction-scoped lock makes a concurrent retry fail fast
# instead of waiting. The lookup's snapshot is taken when the statement starts, a moment
# before the lock: if the first request commits in between, this one does not see its
# report, and its INSERT then hits the unique constraint on the key, which stays the real
# guarantee (the API answers 409 and the client's next retry is replayed).
KEYED_SQL = text(
    """
    SELECT pg_try_advisory_xact_lock(hashtextextended(:key, 0)) AS locked,
           r.id AS existing_id, r.request_fingerprint,
           c.id, c.handler, c.body_id
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
        SELECT id, request_fingerprint FROM reports
        WHERE idempotency_key IN (:key, CAST(:earlier AS text))
        ORDER BY idempotency_key = :key DESC LIMIT 1
    ) r ON true
    LEFT JOIN categories c ON c.code = :code AND c.active
    """
)

# The methods that email a body its new tickets, as SQL literals.
EMAIL_METHODS_SQL = ", ".join(repr(m) for m in sorted(EMAIL_METHODS))

# One round trip resolves the body from the category's handler (the commune, its region or
# a named body), inserts the report and its first
# history row; it returns no row when no body matches. Parameters whose type the SELECT
# cannot infer are cast, because INSERT ... SELECT does not lend them the column types.
INSERT_SQL = text(
    f"""
    WITH body AS (
        SELECT id FROM bodies
        WHERE (CAST(:handler AS text) = 'commune' AND nis_code = :nis_code)
           OR (CAST(:handler AS text) = 'region' AND kind = 'region'
               AND region_code = :region_code)
           OR (CAST(:handler AS text) = 'body' AND id = CAST(:category_body_id AS integer))
        ORDER BY id LIMIT 1
    ), report AS (
        INSERT INTO reports (id, category_id, description, location, accuracy_m, commune_id,
                             body_id, status, idempotency_key, request_fingerprint,
                             reporter_name, reporter_email, reporter_phone, reporter_language)
        SELECT :id, :category_id, CAST(:description AS text),
               ST_SetSRID(ST_MakePoint(:lon, :lat), {WGS84}), CAST(:accuracy_m AS float8),
               :commune_id, body.id, CAST(:status AS text), CAST(:key AS text),
               CAST(:fingerprint AS text), CAST(:reporter_name AS text),
               CAST(:reporter_email AS text), CAST(:reporter_phone AS text),
               CAST(:reporter_language AS text)
        FROM body
        RETURNING *
    ), history AS (
        INSERT INTO report_status_changes (report_id, from_status, to_status, actor, note)
        SELECT id, NULL, status, 'reporter', NULL FROM report
    )
    SELECT report.id, (n.notify_mode = 'immediate' AND n.contact_email IS NOT NULL
                       AND n.delivery_method IN ({EMAIL_METHODS_SQL}))
                AS body_notified_at_once
    FROM report JOIN bodies n ON n.id = report.body_id
    """
)


def create_report(
    session: Session,
    new: NewReport,
    idempotency_key: ReportKey | None = None,
    *,
    snap_distance_m: float = 50.0,
    hint_distance_m: float = 1000.0,
    reporter_language: str = "fr",
) -> Created:
    """Create a report once per idempotency key; the caller commits.

    `reporter_language` (fr, nl, de or en) is the language of the reporter's emails; it is
    not part of the request's fingerprint, as a retry from another browser is the same report.

    The common case costs three round trips: key and category, routing, and the INSERT. The
    caller reads the new report's public view (app.reports.queries.get_report) if it needs it.
    """
    fingerprint = new.fingerprint()
    # Core execution on the session's connection skips the ORM's per-statement bookkeeping.
    db = session.connection()
    category: Row | None
    if idempotency_key is None:
        category = db.execute(CATEGORY_SQL, {"code": new.category}).first()
    else:
        claimed = _claim_key(db, idempotency_key, new.category, fingerprint)
        if isinstance(claimed, Created):
            return claimed
        category = claimed
    if category is None or category.id is None:
        raise UnknownCategoryError(
            f"There is no category {new.category!r}; GET /api/v1/categories lists them.",
            errors=[{"pointer": "/category", "location": "json", "detail": "Unknown category."}],
        )
    match = locate(
        db, new.lon, new.lat, snap_distance_m=snap_distance_m, hint_distance_m=hint_distance_m
    )
    params = {
        "handler": category.handler,
        "nis_code": match.nis_code,
        "region_code": match.region_code,
        "category_body_id": category.body_id,
        "id": uuid.uuid4(),
        "category_id": category.id,
        "lon": new.lon,
        "lat": new.lat,
        "commune_id": match.commune_id,
        "status": Status.NEW.value,
        "key": idempotency_key.stored if idempotency_key else None,
        "fingerprint": fingerprint,
        "reporter_language": reporter_language,
    }
    row = db.execute(INSERT_SQL, {**params, **_free_fields(new)}).first()
    if row is None:
        # Bodies of communes are made by the boundary import and regions by the fixtures.
        raise RuntimeError(f"no body for {category.handler} of commune {match.nis_code}")
    return Created(row.id, replayed=False, body_notified_at_once=row.body_notified_at_once)


def _claim_key(
    db: Connection, key: ReportKey, category_code: str, fingerprint: str
) -> Row | Created:
    """Lock the Idempotency-Key and read the category; an earlier report with it is replayed."""
    params = {"key": key.stored, "earlier": key.earlier, "code": category_code}
    row = db.execute(KEYED_SQL, params).one()
    if not row.locked:
        raise RequestInFlightError(
            "A request with this Idempotency-Key is still being processed; retry shortly."
        )
    if row.existing_id is None:
        return row
    if row.request_fingerprint != fingerprint:
        raise IdempotencyKeyReuseError(
            "This Idempotency-Key was already used for a different report; "
            "use a new key for a new report."
        )
    return Created(row.existing_id, replayed=True)


def _free_fields(new: NewReport) -> dict[str, str | float | None]:
    """What the reporter wrote or measured, as the INSERT's parameters."""
    return {
        "description": new.description,
        "accuracy_m": new.accuracy_m,
        "reporter_name": new.reporter_name,
        "reporter_email": new.reporter_email,
        "reporter_phone": new.reporter_phone,
    }
