"""The two feature collections: published reports (anonymised) and the current communes.

Reports are read through app/opendata/records.py only, that is from the anonymised view; the
properties are the published columns (and the photo's address, as the exports give it) but
for lon/lat and x/y, which are the geometry.

PostgreSQL writes each feature as JSON text (json_build_object), which Python joins without
decoding: building 1,000 features as dicts and dumping them took several times as long as
the query (see app/api/tickets/geojson.py). Pages follow the key in ascending order (report
id, NIS code) with keyset cursors, so a deep page costs what the first one does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

from app.ogc import crs as crs_
from app.ogc.params import Bbox, InvalidParameter, Period, clip_to_belgium, encode_cursor
from app.opendata import records
from app.reports.states import Status

# Belgium (lon 2.54 to 6.41, lat 49.50 to 51.51), for an extent while there is no report yet.
BELGIUM_BBOX = (2.54, 49.49, 6.41, 51.51)
# numberMatched is exact or absent. Counting all matches of a broad query over a million
# reports costs seconds, far more than the page: above this many, it is left out.
COUNT_LIMIT = 10_000
# The planner's count of reports (pg_class statistics), for choosing how to read a page.
TABLE_SIZE_SQL = "SELECT reltuples FROM pg_class WHERE oid = 'reports'::regclass"
# Reports' published columns that make the geometry rather than properties.
GEOMETRY_COLUMNS = ("lon", "lat", "x_lambert2008", "y_lambert2008")
TIMESTAMPS = ("created_at", "updated_at", "resolved_at")


def _report_properties() -> tuple[str, ...]:
    """The published columns but the geometry's, with the photo's address beside its key."""
    names: list[str] = []
    for name in records.COLUMNS:
        if name not in GEOMETRY_COLUMNS:
            names.append(name)
        if name == "photo_key":
            names.append("photo_url")
    return tuple(names)


# As the exports write them: times in UTC to the second, the photo's address in full.
REPORT_EXPRESSIONS = {name: records.rfc3339(records.COLUMNS[name]) for name in TIMESTAMPS} | {
    "photo_url": ":photo_url_prefix || v.photo_key"  # NULL without a photo
}

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


def _paged(
    rows: list, query: Query, key=lambda row: row.key
) -> tuple[list, str | None, str | None]:
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


def _feature_sql(inner: str, key: str, properties: tuple[str, ...]) -> str:
    """Rows of (key, Feature as JSON text) over the subquery `inner` aliased p."""
    pairs = ", ".join(f"'{name}', p.{name}" for name in properties)
    return (
        f"SELECT p.{key}::text AS key, json_build_object('type', 'Feature', 'id', p.{key},"
        f" 'geometry', p.geometry::json, 'properties', json_build_object({pairs}))::text"
        f" AS feature FROM ({inner}) p"
    )


def _plan_each_query(db: Db) -> None:
    """Plan each query for its own values, on one core, for the rest of the transaction.

    psycopg prepares a statement run five times, and PostgreSQL may then keep one plan for
    all values; a bbox around a street and one around Belgium need opposite plans (this
    took a query from 30 ms to over 10 s on a million reports). A page reads at most some
    thousands of rows: parallel workers cost more to start than they save, and take the
    cores that other requests need.
    """
    db.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    db.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))


def _geometry_sql(column: str, crs: crs_.Crs) -> str:
    # srid and decimals come from app.ogc.crs, never from the request.
    # Options 0: no "crs" member (Part 2 names the CRS in the Content-Crs header instead).
    return f"ST_AsGeoJSON(ST_Transform({column}, {crs.srid}), {crs.decimals}, 0)"


class Reports:
    id = "reports"
    title = "Street problem reports"
    description = (
        "Problems residents reported in Belgian streets and what became of them, anonymised: "
        "no reporter's identity or contact, the description only once staff marked it "
        "publishable, and for sensitive categories a location on a 100 m grid within the "
        "commune and times rounded to the hour."
    )
    keywords = ("street", "incident", "report", "public space", "Belgium")
    key_pattern = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
    temporal_property = "created_at"
    properties = _report_properties()
    filters: ClassVar[dict[str, AttributeFilter]] = {
        "category_code": AttributeFilter(
            "a category code, such as pothole", pattern=r"[a-z0-9_]{1,50}"
        ),
        "status": AttributeFilter(
            "lifecycle statuses separated by commas; open and closed stand for several",
            enum=(*(s.value for s in Status), "open", "closed"),
            multiple=True,
        ),
        "commune_nis_code": AttributeFilter("a five-digit NIS code", pattern=r"[0-9]{5}"),
        "region": AttributeFilter("a region: brussels, flanders or wallonia", enum=REGIONS),
    }

    def extent(self, db: Db) -> dict:
        """The published reports' bounding box and the time of the oldest (the end is open)."""
        row = db.execute(
            text(
                "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), t FROM"
                " (SELECT ST_Extent(v.location) AS e, min(v.created_at) AS t"
                " FROM open_data_reports v) x"
            )
        ).one()
        bbox = BELGIUM_BBOX if row[0] is None else tuple(round(float(c), 6) for c in row[:4])
        return _extent(bbox, row[4])

    def _filter(self, query: Query) -> records.RecordFilter | None:
        """The records' filter for `query`, or None when nothing can match."""
        values: dict = {}
        if query.bbox is not None:
            bbox = clip_to_belgium(query.bbox)
            if bbox is None:
                return None
            values.update(bbox=bbox.coordinates, bbox_crs=bbox.crs.srid)
        if query.period is not None:
            values.update(start=query.period.start, end=query.period.end)
        filters = query.filters
        values.update(
            category=filters.get("category_code"),
            commune=filters.get("commune_nis_code"),
            region=filters.get("region"),
            statuses=tuple(filters.get("status", ())),
        )
        if query.cursor:
            direction, key = query.cursor
            values[f"{direction}_id"] = uuid.UUID(key)
        return records.RecordFilter(**values)

    def count(self, db: Db, query: Query) -> int | None:
        """How many reports match `query` (whatever its cursor); None for over COUNT_LIMIT."""
        flt = self._filter(query)
        if flt is None:
            return 0
        whole = dataclasses.replace(flt, after_id=None, before_id=None)
        total = db.execute(*records.count(whole, at_most=COUNT_LIMIT + 1)).scalar_one()
        return total if total <= COUNT_LIMIT else None

    def sorts(self, db: Db, query: Query, matched: int | None) -> bool:
        """Whether to read a page by sorting every match rather than in id order.

        In id order (the primary key), reading stops once the page is full, after about
        limit * reports / matches rows, each from a random place in the table; sorting
        reads every match, through the filter's index, at about a third of that cost each
        (measured on a million reports). So matches are sorted when there are at most
        sqrt(3 * limit * reports) of them: `matched` when known, else the planner's
        estimate. Left to itself the planner read a bbox holding 9,000 of a million reports
        in id order, twenty times slower than sorting them.
        """
        flt = dataclasses.replace(self._filter(query), after_id=None, before_id=None)
        if records.where_clause(flt)[0] == "true":
            return False  # everything matches: id order
        if matched is None:
            sql, params = records.select(flt, ["id"], "v.id")
            plan = db.execute(text(f"EXPLAIN (FORMAT JSON) {sql.text}"), params).scalar_one()
            matched = plan[0]["Plan"]["Plan Rows"]
        reports = db.execute(text(TABLE_SIZE_SQL)).scalar_one()
        return matched * matched <= 3 * (query.limit + 1) * max(reports, matched)

    def page_sql(self, query: Query, sort: bool) -> tuple[TextClause, dict] | None:
        """The ids of a page, one more than the limit, in the cursor's direction; None if empty.

        Only the ids: the published columns (a photo lookup, the status' URI…) are then
        worked out for the page alone, not for every match a sort goes through. With `sort`,
        the order is on the id's text (the same order as the id's), which the primary key
        cannot give, so the matches are read through the filter's index (the GiST index
        for a bbox) and sorted.
        """
        flt = self._filter(query)
        if flt is None:
            return None
        descending = " DESC" if flt.before_id is not None else ""
        key = "v.id::text" if sort else "v.id"
        return records.select(flt, ["id"], key + descending, limit=query.limit + 1)

    def _features(self, db: Db, ids: list[uuid.UUID], query: Query) -> list:
        """(key, feature) rows of these reports, in id order."""
        inner, params = records.select(
            records.RecordFilter(ids=tuple(ids)),
            [*self.properties, "geometry"],
            "v.id",
            REPORT_EXPRESSIONS | {"geometry": _geometry_sql("v.location", query.crs)},
        )
        sql = _feature_sql(inner.text, "id", self.properties) + " ORDER BY p.id"
        params["photo_url_prefix"] = query.photo_url_prefix
        return db.execute(text(sql), params).all() if ids else []

    def page(self, db: Db, query: Query) -> Page:
        if self._filter(query) is None:
            return Page([], None, None, 0)
        _plan_each_query(db)
        matched = self.count(db, query)
        ids = db.execute(*self.page_sql(query, self.sorts(db, query, matched))).scalars().all()
        ids, next_cursor, prev_cursor = _paged(ids, query, key=str)
        features = self._features(db, ids, query)
        return Page([f.feature for f in features], next_cursor, prev_cursor, matched)

    def feature(self, db: Db, key: str, query: Query) -> str | None:
        """The feature `key` (its geometry in query.crs), as JSON text; None if there is none."""
        if not self.key_pattern.fullmatch(key):
            return None
        rows = self._features(db, [uuid.UUID(key)], query)
        return rows[0].feature if rows else None


COMMUNE_PROPERTIES = (
    "nis_code", "name_fr", "name_nl", "name_de", "region", "region_code", "valid_from", "valid_to",
)  # fmt: skip


class Communes:
    id = "communes"
    title = "Communes"
    description = (
        "Belgium's communes (municipalities) in force today, with their NIS code, names, "
        "region and boundary as Pavé routes reports with them."
    )
    keywords = ("commune", "gemeente", "Gemeinde", "municipality", "boundary", "Belgium")
    key_pattern = re.compile(r"[0-9]{5}")
    temporal_property = "valid_from"
    properties = COMMUNE_PROPERTIES
    filters: ClassVar[dict[str, AttributeFilter]] = {
        "region": AttributeFilter("a region: brussels, flanders or wallonia", enum=REGIONS),
    }

    def _where(self, query: Query | None, key: str | None = None) -> tuple[str, dict] | None:
        conditions = ["c.valid_to IS NULL"]
        params: dict = {}
        if key is not None:
            conditions.append("c.nis_code = :key")
            params["key"] = key
        if query is None:
            return " AND ".join(conditions), params
        if query.bbox is not None:
            bbox = clip_to_belgium(query.bbox)
            if bbox is None:
                return None
            conditions.append(_polygon_bbox_condition(bbox))
            params.update(zip(("minx", "miny", "maxx", "maxy"), bbox.coordinates, strict=True))
        if query.period is not None:
            # A commune is in force from valid_from to the end of valid_to (or still).
            if query.period.end is not None:
                conditions.append("c.valid_from < :end")
                params["end"] = query.period.end
            if query.period.start is not None:
                conditions.append("(c.valid_to IS NULL OR c.valid_to + 1 > :start)")
                params["start"] = query.period.start
        if "region" in query.filters:
            conditions.append("reg.slug = :region")
            params["region"] = query.filters["region"]
        return " AND ".join(conditions), params

    def _select(self, where: str, crs: crs_.Crs, descending: bool = False, limit: str = "") -> str:
        order = "DESC" if descending else "ASC"
        inner = (
            "SELECT c.nis_code, c.name_fr, c.name_nl, c.name_de, reg.slug AS region,"
            " c.region_code, c.valid_from, c.valid_to,"
            f" {_geometry_sql('c.boundary', crs)} AS geometry"
            " FROM communes c JOIN regions reg ON reg.code = c.region_code"
            f" WHERE {where} ORDER BY c.nis_code {order} {limit}"
        )
        return _feature_sql(inner, "nis_code", self.properties) + f" ORDER BY p.nis_code {order}"

    def extent(self, db: Db) -> dict:
        row = db.execute(
            text(
                "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), t FROM"
                " (SELECT ST_Extent(boundary) AS e, min(valid_from) AS t FROM communes"
                " WHERE valid_to IS NULL) x"
            )
        ).one()
        bbox = BELGIUM_BBOX if row[0] is None else tuple(round(float(c), 6) for c in row[:4])
        start = None if row[4] is None else dt.datetime.combine(row[4], dt.time(), dt.UTC)
        return _extent(bbox, start)

    def page(self, db: Db, query: Query) -> Page:
        found = self._where(query)
        if found is None:
            return Page([], None, None, 0)
        where, params = found
        matched = db.execute(
            text(
                "SELECT count(*) FROM communes c JOIN regions reg ON reg.code = c.region_code"
                f" WHERE {where}"
            ),
            params,
        ).scalar_one()
        descending = False
        if query.cursor:
            direction, key = query.cursor
            descending = direction == "before"
            where += " AND c.nis_code < :key" if descending else " AND c.nis_code > :key"
            params["key"] = key
        params["limit"] = query.limit + 1
        sql = self._select(where, query.crs, descending, "LIMIT :limit")
        rows = db.execute(text(sql), params).all()
        rows, next_cursor, prev_cursor = _paged(rows, query)
        return Page([r.feature for r in rows], next_cursor, prev_cursor, matched)

    def feature(self, db: Db, key: str, query: Query) -> str | None:
        """The feature `key` (its geometry in query.crs), as JSON text; None if there is none."""
        if not self.key_pattern.fullmatch(key):
            return None
        where, params = self._where(None, key)
        row = db.execute(text(self._select(where, query.crs)), params).first()
        return row.feature if row else None


def _polygon_bbox_condition(bbox: Bbox) -> str:
    """A boundary that intersects `bbox` (ST_Intersects goes through the GiST index)."""
    if bbox.crs is not crs_.CRS84:
        # As records.py does: the box's outline, densified, taken to lon/lat.
        box = f"ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, {bbox.crs.srid})"
        return f"ST_Intersects(c.boundary, ST_Transform(ST_Segmentize({box}, 1000), 4326))"
    if bbox.minx > bbox.maxx:  # across the antimeridian
        return (
            "(ST_Intersects(c.boundary, ST_MakeEnvelope(:minx, :miny, 180, :maxy, 4326))"
            " OR ST_Intersects(c.boundary, ST_MakeEnvelope(-180, :miny, :maxx, :maxy, 4326)))"
        )
    return "ST_Intersects(c.boundary, ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326))"


def _extent(bbox: tuple, start: dt.datetime | None) -> dict:
    return {
        "spatial": {"bbox": [list(bbox)], "crs": crs_.CRS84.uri},
        "temporal": {
            "interval": [[start.isoformat().replace("+00:00", "Z") if start else None, None]],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        },
    }


COLLECTIONS: dict[str, Reports | Communes] = {c.id: c for c in (Reports(), Communes())}
