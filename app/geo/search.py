"""Finding current communes by name, for residents who place a report without a position."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.geo.models import Commune
from app.geo.projection import METRIC_SRID
from app.i18n import COMMUNE_LANGUAGES, names_from

# Current communes only: the ones routing uses (their parts are in commune_parts).
CURRENT = "id IN (SELECT DISTINCT commune_id FROM commune_parts)"

NAMES_SQL = text(f"SELECT id, name_fr, name_nl, name_de FROM communes WHERE {CURRENT}")

# A point surely inside the commune, and the radius of a disc of the commune's area (in
# Lambert 2008), which the app sends as the report's accuracy: the place is "somewhere here".
# Of the communes `where` selects, with their `columns`.
PLACES = f"""
    SELECT {{columns}}, ST_X(p) AS lon, ST_Y(p) AS lat,
           sqrt(ST_Area(ST_Transform(boundary, {METRIC_SRID})) / pi()) AS radius_m
    FROM (SELECT *, ST_PointOnSurface(boundary) AS p FROM communes WHERE {{where}}) c
"""
PLACES_SQL = text(PLACES.format(columns="id", where="id = ANY(:ids)"))
# Every current commune at once: the copy a phone keeps to find a commune by name offline.
ALL_PLACES_SQL = text(
    PLACES.format(columns="nis_code, name_fr, name_nl, name_de, region_code", where=CURRENT)
    + "ORDER BY nis_code"
)


def fold(name: str) -> str:
    """Lower case without accents or punctuation: 'Saint-Josse-ten-Noode' → 'saint josse…'."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in letters).split())


@dataclass(frozen=True)
class CommunePlace:
    commune: Commune
    lon: float
    lat: float
    radius_m: float


def search_communes(session: Session, query: str, limit: int = 10) -> list[CommunePlace]:
    """Communes whose name (fr, nl or de) or one of its words starts with the query.

    Names that start with the query come before names where a later word does, then
    alphabetically; accents, case and hyphens do not matter ('lie' finds Liège and Lier).
    """
    wanted = fold(query)
    if not wanted:
        return []
    ranked: list[tuple[int, str, int]] = []
    for row in session.execute(NAMES_SQL):
        names = [fold(n) for n in (row.name_fr, row.name_nl, row.name_de) if n]
        starts = [n for n in names if n.startswith(wanted)]
        inside = [n for n in names if f" {wanted}" in f" {n}"]
        if starts:
            ranked.append((0, min(starts), row.id))
        elif inside:
            ranked.append((1, min(inside), row.id))
    ids = [commune_id for _, _, commune_id in sorted(ranked)[:limit]]
    if not ids:
        return []
    places = {row.id: row for row in session.execute(PLACES_SQL, {"ids": ids})}
    communes = {c.id: c for c in session.query(Commune).filter(Commune.id.in_(ids))}
    return [
        CommunePlace(communes[i], places[i].lon, places[i].lat, places[i].radius_m) for i in ids
    ]


def all_commune_places(session: Session) -> list[dict[str, Any]]:
    """Every current commune with a point inside it and its radius, in one query.

    Points to 5 decimals (about a metre) and radius to the metre: a resident's phone keeps
    the whole list (565 communes, about 90 KB), and searches it with `fold`'s rules when
    there is no network.
    """
    return [
        {
            "nis_code": row.nis_code,
            "names": names_from(row, "name", COMMUNE_LANGUAGES),
            "region": row.region_code,
            "point": {"lat": round(row.lat, 5), "lon": round(row.lon, 5)},
            "radius_m": round(row.radius_m),
        }
        for row in session.execute(ALL_PLACES_SQL)
    ]
