"""Picking another ticket or a body in the crew's forms: the nearby open tickets that may be
the original of a duplicate, a ticket's short reference typed by hand, bodies by name."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from app.accounts import access
from app.accounts.access import ReadScope
from app.accounts.models import User
from app.bodies.models import Body
from app.categories.models import Category
from app.geo.models import Commune
from app.geo.search import fold
from app.media.models import Photo, publicly_visible
from app.problems import msg
from app.reports.models import Report
from app.reports.states import OPEN_STATUSES, Status
from app.tickets import queries
from app.tickets.errors import AmbiguousReferenceError, UnknownReferenceError

CANDIDATE_RADIUS_M = 500
CANDIDATE_LIMIT = 10
BODY_LIMIT = 10
# What residents see of a report's id: its first 8 hexadecimal digits.
SHORT_REF = re.compile(r"^#?([0-9a-fA-F]{8})$")
# A duplicate's original cannot itself be a duplicate, and a closed ticket is not "open".
_CANDIDATE_STATUSES = sorted(s.value for s in OPEN_STATUSES if s is not Status.DUPLICATE)


@dataclass(frozen=True)
class Candidate:
    id: uuid.UUID
    status: str
    category_code: str
    category_names: dict[str, str]
    distance_m: float
    created_at: dt.datetime
    thumbnail_key: str | None


def short_ref(report_id: uuid.UUID) -> str:
    return report_id.hex[:8]


def _first_thumbnail():
    """The id of the report's first photo that everyone may see, or NULL."""
    shown = aliased(Photo)
    return (
        select(shown.id)
        .where(shown.report_id == Report.id, publicly_visible(shown))
        .order_by(shown.position)
        .limit(1)
        .scalar_subquery()
    )


def duplicate_candidates(
    session: Session,
    report_id: uuid.UUID,
    scope: ReadScope,
    *,
    radius_m: float = CANDIDATE_RADIUS_M,
    limit: int = CANDIDATE_LIMIT,
) -> list[Candidate]:
    """The open tickets of the same body within `radius_m` of this one, nearest first, among
    those of `scope` (the caller's tickets.read: a region reviewer reads a body's tickets in
    their region only). A ticket is only a duplicate of one of its own body's.
    """
    here = aliased(Report)
    geography = func.Geography
    distance = func.ST_Distance(geography(Report.location), geography(here.location))
    query = (
        select(
            Report.id,
            Report.status,
            Report.created_at,
            Category.code.label("category_code"),
            distance.label("distance_m"),
            _first_thumbnail().label("photo_id"),
            *(getattr(Category, f"name_{lang}").label(lang) for lang in ("fr", "nl", "de", "en")),
        )
        .select_from(Report)
        .join(here, here.id == report_id)
        .join(Category, Category.id == Report.category_id)
        .where(
            Report.id != here.id,
            Report.body_id == here.body_id,
            Report.status.in_(_CANDIDATE_STATUSES),
            func.ST_DWithin(geography(Report.location), geography(here.location), radius_m),
        )
        .order_by(distance, Report.created_at.desc())
        .limit(limit)
    )
    query = queries._in_scope(query, scope)  # the rule of the lists and the map
    rows = session.execute(query).mappings().all()
    # The thumbnails' photos in one query, not one per candidate.
    photo_ids = [row.photo_id for row in rows if row.photo_id is not None]
    photos = {p.id: p for p in session.scalars(select(Photo).where(Photo.id.in_(photo_ids)))}
    return [
        Candidate(
            id=row.id,
            status=row.status,
            category_code=row.category_code,
            category_names={lang: row[lang] for lang in ("fr", "nl", "de", "en") if row[lang]},
            distance_m=row.distance_m,
            created_at=row.created_at,
            thumbnail_key=photos[row.photo_id].thumbnail_key if row.photo_id else None,
        )
        for row in rows
    ]


def resolve_reference(session: Session, user: User, typed: str) -> uuid.UUID | None:
    """The id of the ticket a short reference (e.g. "34195c85") names among those `user`
    may read; None if `typed` is not a short reference (a full id is used as it is).

    Tickets the user may not read do not exist for them: they neither resolve nor make a
    reference ambiguous.
    """
    match = SHORT_REF.match(typed.strip())
    if match is None:
        return None
    prefix = match.group(1).lower()
    # Ids are random: a prefix names one ticket almost always, so the few rows are checked
    # one by one with the same rule as any read. UUIDs sort by their bytes: the prefix is a
    # range of the primary key's index.
    query = (
        select(Report.id, Report.body_id, Commune.region_code)
        .join(Commune, Commune.id == Report.commune_id)
        .where(Report.id.between(uuid.UUID(prefix + "0" * 24), uuid.UUID(prefix + "f" * 24)))
        .limit(50)
    )
    found = [
        row.id
        for row in session.execute(query)
        if access.can(user, "tickets.read", body_id=row.body_id, region_code=row.region_code)
    ]
    if not found:
        raise UnknownReferenceError(msg("ticket.unknown-reference", reference=prefix))
    if len(found) > 1:
        raise AmbiguousReferenceError(
            msg("ticket.ambiguous-reference", count=len(found), reference=prefix),
            reference=prefix,
        )
    return found[0]


@dataclass(frozen=True)
class BodyMatch:
    code: str
    kind: str
    names: dict[str, str]
    region_code: str | None


def search_bodies(session: Session, query: str, limit: int = BODY_LIMIT) -> list[BodyMatch]:
    """Bodies (communes, regions, operators) whose name in any language, or one of its words,
    starts with the query; a code or NIS code typed whole finds its body too.

    Names that start with the query first, then alphabetically; accents, case and hyphens do
    not matter ("elsene" and "ixelles" both find commune-21009).
    """
    wanted = fold(query)
    if not wanted:
        return []
    exact = query.strip().lower()
    ranked: list[tuple[int, str, str]] = []
    bodies = {}
    for body in session.scalars(select(Body)):
        names = [fold(n) for n in body.names().values()]
        starts = [n for n in names if n.startswith(wanted)]
        inside = [n for n in names if f" {wanted}" in f" {n}"]
        rank = None
        if exact in {body.code.lower(), (body.nis_code or "").lower()}:
            rank = (0, body.code)
        elif starts:
            rank = (1, min(starts))
        elif inside:
            rank = (2, min(inside))
        if rank is not None:
            ranked.append((*rank, body.code))
            bodies[body.code] = body
    return [
        BodyMatch(
            code=code,
            kind=bodies[code].kind,
            names=bodies[code].names(),
            region_code=bodies[code].region_code,
        )
        for _, _, code in sorted(ranked)[:limit]
    ]
