"""The reports collection: the published reports, anonymised; the communes collection is in
app.ogc.communes, what the two share in app.ogc.features, and both are listed in
app.ogc.collections.

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
import re
import uuid
from typing import ClassVar

from sqlalchemy import text
from sqlalchemy.sql.elements import TextClause

from app.ogc import features
from app.ogc.features import AttributeFilter, Db, Page, Query
from app.ogc.params import clip_to_belgium
from app.opendata import records
from app.reports.states import Status

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


class Reports:
    id = "reports"
    title = "Street problem reports"
    description = (
        "Problems residents reported in Belgian streets and what became of them, anonymised: "
        "no reporter's identity or contact, the description only once staff marked it "
        "publishable, and for sensitive categories a location on a 100 m grid within the "
        "commune and times rounded to the hour (also for a duplicate of such a report; either "
        "is published once that hour is over). The same records, under the same ids, as "
        "Pavé's report API and Open311."
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
        "region": features.REGION_FILTER,
    }

    def extent(self, db: Db) -> dict:
        """The published reports' bounding box and the time of the oldest (the end is open)."""
        row = features.extent_row(
            db, "SELECT ST_Extent(v.location) AS e, min(v.created_at) AS t FROM open_data_reports v"
        )
        return features.extent_of(row[:4], row[4])

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
        base = self._filter(query)
        if base is None:
            return False  # nothing matches: page() answers at once
        flt = dataclasses.replace(base, after_id=None, before_id=None)
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
            REPORT_EXPRESSIONS | {"geometry": features.geometry_sql("v.location", query.crs)},
        )
        sql = features.feature_sql(inner.text, "id", self.properties) + " ORDER BY p.id"
        params["photo_url_prefix"] = query.photo_url_prefix
        return list(db.execute(text(sql), params).all()) if ids else []

    def page(self, db: Db, query: Query) -> Page:
        if self._filter(query) is None:
            return Page([], None, None, 0)
        features.plan_each_query(db)
        matched = self.count(db, query)
        sql = self.page_sql(query, self.sorts(db, query, matched))
        ids = list(db.execute(*sql).scalars().all()) if sql else []
        ids, next_cursor, prev_cursor = features.paged(ids, query, key=str)
        rows = self._features(db, ids, query)
        return Page([r.feature for r in rows], next_cursor, prev_cursor, matched)

    def feature(self, db: Db, key: str, query: Query) -> str | None:
        """The feature `key` (its geometry in query.crs), as JSON text; None if there is none."""
        if not self.key_pattern.fullmatch(key):
            return None
        rows = self._features(db, [uuid.UUID(key)], query)
        return rows[0].feature if rows else None
