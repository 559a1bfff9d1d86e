"""The communes collection: Belgium's communes in force today, with their boundaries."""

from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar, overload

from sqlalchemy import text

from app.geo.bbox import bbox_condition, bbox_params
from app.ogc import crs as crs_
from app.ogc import features
from app.ogc.features import AttributeFilter, Db, Page, Query
from app.ogc.params import clip_to_belgium

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
        "region": features.REGION_FILTER,
    }

    @overload
    def _where(self, query: None, key: str | None = None) -> tuple[str, dict]: ...
    @overload
    def _where(self, query: Query, key: str | None = None) -> tuple[str, dict] | None: ...
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
            conditions.append(bbox_condition("c.boundary", bbox.coordinates, bbox.crs.srid))
            params.update(bbox_params(bbox.coordinates))
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
            f" {features.geometry_sql('c.boundary', crs)} AS geometry"
            " FROM communes c JOIN regions reg ON reg.code = c.region_code"
            f" WHERE {where} ORDER BY c.nis_code {order} {limit}"
        )
        return (
            features.feature_sql(inner, "nis_code", self.properties)
            + f" ORDER BY p.nis_code {order}"
        )

    def extent(self, db: Db) -> dict:
        row = features.extent_row(
            db,
            "SELECT ST_Extent(boundary) AS e, min(valid_from) AS t FROM communes"
            " WHERE valid_to IS NULL",
        )
        start = None if row[4] is None else dt.datetime.combine(row[4], dt.time(), dt.UTC)
        return features.extent_of(row[:4], start)

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
        rows = list(db.execute(text(sql), params).all())
        rows, next_cursor, prev_cursor = features.paged(rows, query)
        return Page([r.feature for r in rows], next_cursor, prev_cursor, matched)

    def feature(self, db: Db, key: str, query: Query) -> str | None:
        """The feature `key` (its geometry in query.crs), as JSON text; None if there is none."""
        if not self.key_pattern.fullmatch(key):
            return None
        where, params = self._where(None, key)
        row = db.execute(text(self._select(where, query.crs)), params).first()
        return row.feature if row else None
