"""What the two feature collections share: the parsed query, a page, attribute filters, the
keyset paging, and the SQL that makes a GeoJSON Feature (as JSON text) of a row."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.ogc import crs as crs_
from app.ogc.params import Bbox, InvalidParameter, Period, encode_cursor

# Belgium (lon 2.54 to 6.41, lat 49.50 to 51.51), for an extent while there is no report yet.
BELGIUM_BBOX = (2.54, 49.49, 6.41, 51.51)

Db = Session | Connection


@dataclass(frozen=True)
class Query:
    """What a client asked of a collection's items, once parsed (see app.ogc.params)."""

    limit: int
    crs: crs_.Crs = crs_.CRS84
    bbox: Bbox | None = None
    period: Period | None = None
    # ("after" | "before", key) from the cursor the previous page handed out.
    cursor: tuple[str, str] | None = None
    filters: Mapping[str, str] = field(default_factory=dict)
    # Where photo files are served (…/api/v1/photos/), for the reports' photo_url.
    photo_url_prefix: str = ""


@dataclass(frozen=True)
class Page:
    features: list[str]  # each a GeoJSON Feature as JSON text, in key order
    next_cursor: str | None
    prev_cursor: str | None
    number_matched: int | None


@dataclass(frozen=True)
class AttributeFilter:
    """A query parameter named after a property (/req/core/fc-filters), matched for equality."""

    description: str
    enum: tuple[str, ...] = ()
    pattern: str | None = None
    # Several values separated by commas, any of which matches.
    multiple: bool = False

    def parse(self, name: str, raw: str) -> str | tuple[str, ...]:
        values = tuple(raw.split(",")) if self.multiple else (raw,)
        for value in values:
            if self.enum and value not in self.enum:
                raise InvalidParameter(name, f"{value!r} is not one of {', '.join(self.enum)}.")
            if self.pattern and not re.fullmatch(self.pattern, value):
                raise InvalidParameter(name, f"{value!r} is not valid: {self.description}.")
        return values if self.multiple else raw


REGIONS = ("brussels", "flanders", "wallonia")
REGION_FILTER = AttributeFilter("a region: brussels, flanders or wallonia", enum=REGIONS)


def paged(rows: list, query: Query, key=lambda row: row.key) -> tuple[list, str | None, str | None]:
    """The page's rows in key order, and the cursors of the pages after and before it.

    Rows were fetched limit + 1 at a time, in the cursor's direction: one row too many
    tells there is more that way. Coming from a cursor tells there is more the other way.
    `key` gives a row's key, as text.
    """
    direction = query.cursor[0] if query.cursor else "after"
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    if direction == "before":
        rows.reverse()
    if not rows:
        return rows, None, None
    has_next = more if direction == "after" else True
    has_prev = query.cursor is not None if direction == "after" else more
    next_cursor = encode_cursor("after", key(rows[-1])) if has_next else None
    prev_cursor = encode_cursor("before", key(rows[0])) if has_prev else None
    return rows, next_cursor, prev_cursor


def feature_sql(inner: str, key: str, properties: tuple[str, ...]) -> str:
    """Rows of (key, Feature as JSON text) over the subquery `inner` aliased p."""
    pairs = ", ".join(f"'{name}', p.{name}" for name in properties)
    return (
        f"SELECT p.{key}::text AS key, json_build_object('type', 'Feature', 'id', p.{key},"
        f" 'geometry', p.geometry::json, 'properties', json_build_object({pairs}))::text"
        f" AS feature FROM ({inner}) p"
    )


def plan_each_query(db: Db) -> None:
    """Plan each query for its own values, on one core, for the rest of the transaction.

    psycopg prepares a statement run five times, and PostgreSQL may then keep one plan for
    all values; a bbox around a street and one around Belgium need opposite plans (this
    took a query from 30 ms to over 10 s on a million reports). A page reads at most some
    thousands of rows: parallel workers cost more to start than they save, and take the
    cores that other requests need.
    """
    db.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    db.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))


def geometry_sql(column: str, crs: crs_.Crs) -> str:
    # srid and decimals come from app.ogc.crs, never from the request.
    # Options 0: no "crs" member (Part 2 names the CRS in the Content-Crs header instead).
    return f"ST_AsGeoJSON(ST_Transform({column}, {crs.srid}), {crs.decimals}, 0)"


def extent_row(db: Db, extent_sql: str):
    """The row (west, south, east, north, t) of `extent_sql`, a query of one row that selects
    a box `e` (ST_Extent) and a time `t`."""
    return db.execute(
        text(f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), t FROM ({extent_sql}) x")
    ).one()


def extent_of(box: tuple, start: dt.datetime | None) -> dict:
    """The extent of a collection from its box (west, south, east, north; all None when it
    holds nothing, which gives Belgium's) and the start of its time (None: unknown)."""
    bbox = BELGIUM_BBOX if box[0] is None else tuple(round(float(c), 6) for c in box[:4])
    return {
        "spatial": {"bbox": [list(bbox)], "crs": crs_.CRS84.uri},
        "temporal": {
            "interval": [[start.isoformat().replace("+00:00", "Z") if start else None, None]],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        },
    }
