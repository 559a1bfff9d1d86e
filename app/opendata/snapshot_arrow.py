"""GeoPackage and FlatGeobuf snapshot files: the published records as Arrow batches to GDAL.

The same columns as the CSV export (app.opendata.export.COLUMNS, photo_url included), typed
for GIS programs: times as UTC date-times to the second (as the CSV writes them), numbers
as numbers, `location_generalised` as a boolean, and the point in WGS84 (EPSG:4326) as the
layer's geometry. Rows are read through a server-side cursor, BATCH_ROWS at a time, and handed
to pyogrio.write_arrow through a pyarrow RecordBatchReader, so neither Python nor GDAL holds
more than one batch of rows. One streamed write rather than appends batch after batch: the
bundled GDAL (3.12) accepts appends to a FlatGeobuf, but its spatial index sits before the
features, so each append would rewrite the file; one write builds the index once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pyogrio
from sqlalchemy.engine import Connection

from app.errors import PaveError
from app.geo.projection import WGS84
from app.opendata import records
from app.opendata.export import COLUMNS, PHOTO_URL_SQL

BATCH_ROWS = 10_000
LAYER = "reports"
GEOMETRY = "geometry"

TIMESTAMP = pa.timestamp("s", tz="UTC")
# The SQL type of each column that is not text, and its Arrow type.
TYPED = {
    "created_at": ("timestamptz", TIMESTAMP),
    "updated_at": ("timestamptz", TIMESTAMP),
    "resolved_at": ("timestamptz", TIMESTAMP),
    "resolution_hours": ("float8", pa.float64()),
    "location_generalised": ("boolean", pa.bool_()),
    "lon": ("float8", pa.float64()),
    "lat": ("float8", pa.float64()),
    "x_lambert2008": ("float8", pa.float64()),
    "y_lambert2008": ("float8", pa.float64()),
}
SCHEMA = pa.schema(
    [pa.field(name, TYPED[name][1] if name in TYPED else pa.string()) for name in COLUMNS]
    + [pa.field(GEOMETRY, pa.binary())]
)


class SnapshotStoppedError(PaveError):
    """The writer was asked to stop (the worker is shutting down); nothing was replaced."""


def _expression(name: str) -> str:
    expression = PHOTO_URL_SQL if name == "photo_url" else records.COLUMNS[name]
    if name in ("created_at", "updated_at", "resolved_at"):
        # To the second, as the CSV and GeoJSON write them.
        return f"date_trunc('second', {expression})"
    cast = TYPED[name][0] if name in TYPED else "text"
    return f"({expression})::{cast}"


def batches(
    connection: Connection, photo_url_prefix: str, counted: list[int], stopping: Callable
) -> Iterator[pa.RecordBatch]:
    """The published records, BATCH_ROWS at a time, as Arrow record batches (WKB points)."""
    expressions = {name: _expression(name) for name in COLUMNS}
    expressions[GEOMETRY] = "ST_AsBinary(v.location)"
    sql, params = records.select(
        records.RecordFilter(), [*COLUMNS, GEOMETRY], expressions=expressions
    )
    result = connection.execute(
        sql,
        {**params, "photo_url_prefix": photo_url_prefix},
        execution_options={"yield_per": BATCH_ROWS},
    )
    try:
        for rows in result.partitions(BATCH_ROWS):
            if stopping():
                raise SnapshotStoppedError("The snapshot was stopped midway.")
            columns = list(zip(*rows, strict=True))
            arrays = [
                pa.array(values, type=field.type)
                for values, field in zip(columns, SCHEMA, strict=True)
            ]
            counted[0] += len(rows)
            yield pa.record_batch(arrays, schema=SCHEMA)
    finally:
        result.close()


def write_gdal(
    connection: Connection, path: Path, driver: str, photo_url_prefix: str, stopping: Callable
) -> int:
    """Write the records into a new `driver` file at `path`; the number of features."""
    counted = [0]
    reader = pa.RecordBatchReader.from_batches(
        SCHEMA, batches(connection, photo_url_prefix, counted, stopping)
    )
    pyogrio.write_arrow(
        reader,
        str(path),
        layer=LAYER,
        driver=driver,
        geometry_name=GEOMETRY,
        geometry_type="Point",
        crs=f"EPSG:{WGS84}",
    )
    return counted[0]
