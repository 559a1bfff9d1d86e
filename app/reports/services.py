"""Creating a report: idempotency, routing to commune and body, and its first history row."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.errors import IdempotencyKeyReuseError, RequestInFlightError, UnknownCategoryError
from app.geo.routing import CommuneMatch, locate
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


@dataclass(frozen=True)
class Created:
    report_id: uuid.UUID
    replayed: bool


CATEGORY_SQL = text("SELECT id, handler, body_id FROM categories WHERE code = :code AND active")

# The body follows from the category's handler: the commune, its region, or a named body.
BODY_SQL = text(
    """
    SELECT id FROM bodies
    WHERE (:handler = 'commune' AND nis_code = :nis_code)
       OR (:handler = 'region' AND kind = 'region' AND region_code = :region_code)
       OR (:handler = 'body' AND id = :body_id)
    ORDER BY id LIMIT 1
    """
)

INSERT_SQL = text(
    """
    WITH report AS (
        INSERT INTO reports (id, category_id, description, location, accuracy_m, commune_id,
                             body_id, status, idempotency_key, request_fingerprint,
                             reporter_name, reporter_email, reporter_phone)
        VALUES (:id, :category_id, :description, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326),
                :accuracy_m, :commune_id, :body_id, :status, :key, :fingerprint,
                :reporter_name, :reporter_email, :reporter_phone)
        RETURNING id
    )
    INSERT INTO report_status_changes (report_id, from_status, to_status, actor, note)
    SELECT id, NULL, :status, 'reporter', 'Report received' FROM report
    """
)


def resolve_body(session: Session, category, match: CommuneMatch) -> int:
    body_id = session.execute(
        BODY_SQL,
        {
            "handler": category.handler,
            "nis_code": match.nis_code,
            "region_code": match.region_code,
            "body_id": category.body_id,
        },
    ).scalar()
    if body_id is None:
        # Bodies of communes are made by the boundary import and regions by the fixtures.
        raise RuntimeError(f"no body for {category.handler} of commune {match.nis_code}")
    return body_id


def create_report(
    session: Session,
    new: NewReport,
    idempotency_key: str | None = None,
    *,
    snap_distance_m: float = 50.0,
    hint_distance_m: float = 1000.0,
) -> Created:
    """Create a report once per idempotency key; the caller commits."""
    fingerprint = new.fingerprint()
    if idempotency_key is not None:
        # The transaction-scoped lock makes a concurrent retry with the same key fail fast
        # instead of waiting; the unique constraint on the column remains the real guarantee.
        locked = session.execute(
            text("SELECT pg_try_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": idempotency_key},
        ).scalar()
        if not locked:
            raise RequestInFlightError(
                "A request with this Idempotency-Key is still being processed; retry shortly."
            )
        existing = session.execute(
            text("SELECT id, request_fingerprint FROM reports WHERE idempotency_key = :key"),
            {"key": idempotency_key},
        ).first()
        if existing is not None:
            if existing.request_fingerprint != fingerprint:
                raise IdempotencyKeyReuseError(
                    "This Idempotency-Key was already used for a different report; "
                    "use a new key for a new report."
                )
            return Created(existing.id, replayed=True)

    category = session.execute(CATEGORY_SQL, {"code": new.category}).first()
    if category is None:
        raise UnknownCategoryError(
            f"There is no category {new.category!r}; GET /api/v1/categories lists them.",
            errors=[{"pointer": "/category", "location": "json", "detail": "Unknown category."}],
        )
    match = locate(
        session,
        new.lon,
        new.lat,
        snap_distance_m=snap_distance_m,
        hint_distance_m=hint_distance_m,
    )
    body_id = resolve_body(session, category, match)
    report_id = uuid.uuid4()
    session.execute(
        INSERT_SQL,
        {
            "id": report_id,
            "category_id": category.id,
            "description": new.description,
            "lon": new.lon,
            "lat": new.lat,
            "accuracy_m": new.accuracy_m,
            "commune_id": match.commune_id,
            "body_id": body_id,
            "status": Status.NEW.value,
            "key": idempotency_key,
            "fingerprint": fingerprint,
            "reporter_name": new.reporter_name,
            "reporter_email": new.reporter_email,
            "reporter_phone": new.reporter_phone,
        },
    )
    return Created(report_id, replayed=False)
