"""Point → commune routing in PostGIS, with deterministic rules for imperfect boundaries.

The rules, in order:

1. Inside: the point is covered (ST_Covers, so a point on an edge counts) by exactly one
   current commune. This is the common case and costs one indexed query on the
   subdivided parts.
2. Overlap: simplified boundaries overlap a little, so a point may be covered by two
   communes. It goes to the one it lies deepest inside, i.e. the commune whose boundary
   line is farthest from the point (measured in Lambert 2008); on a tie, the lower NIS code.
   The true border most likely runs through the middle of the overlap, so the deeper side
   is the likelier owner.
3. Gap: a point in no commune but within ROUTING_SNAP_DISTANCE_M (50 m) of one goes to the
   nearest; on a tie, the lower NIS code.
4. Outside: farther than that from every commune, OutsideServiceAreaError; it names the
   nearest commune when one lies within ROUTING_HINT_DISTANCE_M (1 km).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.errors import OutsideServiceAreaError
from app.geo.projection import METRIC_SRID, WGS84, near_belgium
from app.i18n import pick_name
from app.problems import Localized, msg

Match = Literal["inside", "overlap", "nearest"]

_POINT = f"ST_SetSRID(ST_MakePoint(:lon, :lat), {WGS84})"

# The point sits in a scalar sub-select on purpose. Written inline, it is a constant to the
# planner, whose estimates then differ from those of the generic plan; on detailed
# boundaries PostgreSQL keeps re-planning every execution (about 0.2 ms, more than the
# lookup itself). Behind the sub-select every plan looks alike, so the prepared statement
# settles on its generic plan after five executions. Duplicates (a point on the seam of two
# parts of one commune) are removed in Python, which is cheaper than DISTINCT's sort.
COVERING_SQL = text(
    f"""
    SELECT c.id, c.nis_code, c.region_code
    FROM commune_parts p JOIN communes c ON c.id = p.commune_id
    WHERE ST_Covers(p.geom, (SELECT {_POINT}))
    """
)

DEEPEST_SQL = text(
    f"""
    SELECT c.id, c.nis_code, c.region_code,
           ST_Distance(ST_Boundary(ST_Transform(c.boundary, {METRIC_SRID})),
                       ST_Transform({_POINT}, {METRIC_SRID})) AS depth
    FROM communes c
    WHERE c.id = ANY(:ids)
    ORDER BY depth DESC, c.nis_code
    LIMIT 1
    """
)

# The KNN operator orders parts by distance in degrees, which is not metric; taking a few
# candidates and measuring them in Lambert 2008 gives the true nearest. The box of 0.05°
# (over 3 km at Belgian latitudes, more than the 1 km hint distance) keeps far-away points,
# which Lambert 2008 cannot even represent near the poles, away from ST_Transform.
NEAREST_SQL = text(
    f"""
    WITH candidates AS (
        SELECT p.commune_id, p.geom FROM commune_parts p
        WHERE p.geom && ST_Expand({_POINT}, 0.05)
        ORDER BY p.geom <-> {_POINT}
        LIMIT 16
    )
    SELECT c.id, c.nis_code, c.region_code, c.name_fr, c.name_nl, c.name_de,
           ST_Distance(ST_Transform(k.geom, {METRIC_SRID}), ST_Transform({_POINT}, {METRIC_SRID}))
             AS distance
    FROM candidates k JOIN communes c ON c.id = k.commune_id
    ORDER BY distance, c.nis_code
    LIMIT 1
    """
)


@dataclass(frozen=True)
class CommuneMatch:
    commune_id: int
    nis_code: str
    region_code: str
    match: Match
    distance_m: float = 0.0


def locate(
    db: Session | Connection,
    lon: float,
    lat: float,
    *,
    snap_distance_m: float = 50.0,
    hint_distance_m: float = 1000.0,
) -> CommuneMatch:
    """Return the current commune responsible for a WGS84 point, by the rules above."""
    params = {"lon": lon, "lat": lat}
    rows = list({row.id: row for row in db.execute(COVERING_SQL, params)}.values())
    if len(rows) == 1:
        row = rows[0]
        return CommuneMatch(row.id, row.nis_code, row.region_code, "inside")
    if len(rows) > 1:
        row = db.execute(DEEPEST_SQL, {**params, "ids": [r.id for r in rows]}).one()
        return CommuneMatch(row.id, row.nis_code, row.region_code, "overlap")
    # Far from Belgium there is nothing to snap to or name (and no Lambert 2008 to measure in).
    nearest = db.execute(NEAREST_SQL, params).first() if near_belgium(lon, lat) else None
    if nearest is not None and nearest.distance <= snap_distance_m:
        return CommuneMatch(
            nearest.id, nearest.nis_code, nearest.region_code, "nearest", nearest.distance
        )
    if nearest is None or nearest.distance > hint_distance_m:
        raise OutsideServiceAreaError(msg("area.outside"))
    # Named in the reader's language (Fourons in French, Voeren in Dutch) when the answer is.
    names = {
        k: v
        for k, v in {"fr": nearest.name_fr, "nl": nearest.name_nl, "de": nearest.name_de}.items()
        if v
    }
    commune = Localized(names, nearest.region_code)
    raise OutsideServiceAreaError(
        msg("area.outside-near", commune=commune, distance=round(nearest.distance)),
        # Its names too, for an app to say so in the resident's language.
        nearest_commune={
            "nis_code": nearest.nis_code,
            "distance_m": round(nearest.distance),
            "name": pick_name(names, None, nearest.region_code),
            "names": names,
        },
    )
