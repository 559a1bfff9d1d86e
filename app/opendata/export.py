"""Exports of the published reports as CSV and GeoJSON, streamed, whatever their size.

One implementation, two callers: the HTTP route (/opendata/reports.csv|geojson) and the
command `flask opendata export`. Both open an `Export`, which takes a database connection of
its own and a snapshot, counts the rows (`total`, for a progress bar), then hands out the
file in chunks of about 64 KB while it reads the rows from the server:

- CSV is PostgreSQL's own `COPY (…) TO STDOUT` of the records query, so quoting and escaping
  are PostgreSQL's and Python only gathers chunks; a text cell that a spreadsheet would run
  as a formula gets a leading apostrophe there too (`csv_text`);
- GeoJSON is built by PostgreSQL too, one Feature per row as JSON text
  (json_build_object, ST_AsGeoJSON), sent by `COPY` as well (`FEATURES_COPY`); Python only
  puts the commas between Features, a chunk at a time.

Memory stays flat: nothing holds more than one chunk. Rows come from app.opendata.records
(the anonymised view), never from the reports table.

Speed (bench/opendata.py): within about twice a plain `COPY reports TO STDOUT`. The view
reads values kept on each report (migration 0021) instead of computing them, every cell is
evaluated once or twice, and only the text cells that could start a formula are checked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.elements import TextClause

from app.errors import PaveError
from app.opendata import records
from app.problems import Message, msg
from app.reports.states import Status

CHUNK_BYTES = 64 * 1024
# The Features as COPY's rows, as they are: a CSV with one column and a delimiter and a quote
# that JSON text never holds (it writes every control character as an escape, \u0001), so
# that COPY neither quotes nor escapes a thing. Each row is one Feature and a newline.
FEATURES_COPY = "WITH (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02', ENCODING 'UTF8')"
BELGIAN_TIME = ZoneInfo("Europe/Brussels")


@dataclass(frozen=True)
class ExportFormat:
    name: str
    media_type: str


FORMATS: dict[str, ExportFormat] = {
    "csv": ExportFormat("csv", "text/csv; charset=utf-8; header=present"),
    "geojson": ExportFormat("geojson", "application/geo+json"),
}

# The exported columns: the published ones, in their order, with the photo's address beside
# its key. GeoJSON has the same as properties, less `id` (the Feature's) and lon/lat (its
# geometry).
COLUMNS: list[str] = []
for _name in records.COLUMNS:
    COLUMNS.append(_name)
    if _name == "photo_key":
        COLUMNS.append("photo_url")
PROPERTIES = [name for name in COLUMNS if name not in {"id", "lon", "lat"}]

# CSV formula injection: a spreadsheet runs a cell that starts with =, +, -, @ (or a tab or
# a carriage return before one) as a formula. In the CSV file every text cell that starts
# with one of them gets a leading apostrophe, which spreadsheets read as "text": a published
# description "=HYPERLINK(…)" is written '=HYPERLINK(…). The numeric columns stay numbers;
# GeoJSON, for programs, keeps the text as it is.
NUMERIC_COLUMNS = frozenset({"resolution_hours", "lon", "lat", "x_lambert2008", "y_lambert2008"})
# The code points of =, +, -, @, tab and carriage return.
FORMULA_STARTS_SQL = "61, 43, 45, 64, 9, 13"
# Text that can never start with one of them, whose cells need no check: identifiers (uuid),
# a boolean, the times (written from the year's first digit), the lifecycle's own words and
# URIs (statuses, Open311's open/closed, OSLO's https://…: constants of the view), the photo's
# file name (a SHA-256 in hex) and its address (PUBLIC_BASE_URL's http(s)://… before it).
# Names and codes that people type (categories, bodies, communes) and the description are
# checked.
NEVER_FORMULAS = frozenset(
    {
        "id",
        "duplicate_of",
        "location_generalised",
        "status",
        "open311_status",
        "oslo_status_uri",
        "photo_key",
        "photo_url",
    }
)


def csv_text(expression: str) -> str:
    """SQL of a CSV text cell: `expression` as text, with an apostrophe before a formula.

    ascii() gives the first character's code point (0 for an empty text): one comparison of
    integers, where left(…, 1) made a new text to compare with six others, for every cell.
    """
    cell = f"({expression})::text"
    return f"CASE WHEN ascii({cell}) IN ({FORMULA_STARTS_SQL}) THEN '''' || {cell} ELSE {cell} END"


# Times as the same text in both formats, to the second, in UTC: 2026-03-04T10:17:42Z.
TIMESTAMPS = ("created_at", "updated_at", "resolved_at")
# NULL when there is no photo: `||` with NULL is NULL.
PHOTO_URL_SQL = ":photo_url_prefix || v.photo_key"

STATUS_WORDS = ("open", "closed", *(s.value for s in Status))
NIS_CODE = re.compile(r"\d{5}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# The largest UTC offset PostgreSQL takes (Python takes up to 23:59).
MAX_UTC_OFFSET = dt.timedelta(hours=15, minutes=59)
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


class UnknownFilterValueError(PaveError):
    """A filter names a region, commune or category that does not exist."""

    code = "unknown-filter-value"

    def __init__(self, parameter: str, detail: Message):
        super().__init__(detail, parameter=parameter)
        self.parameter = parameter


def parse_bound(value: str, *, end: bool = False) -> dt.datetime:
    """A bound of the period on created_at: a date, or an RFC 3339 date-time with its offset.

    A date is a whole day in Belgian time: as `start` it begins there, as `end` it is
    included (the period ends when the next day begins). Raises ValueError saying why.
    """
    if _DATE.fullmatch(value):
        try:
            day = dt.date.fromisoformat(value) + dt.timedelta(days=1 if end else 0)
        except (ValueError, OverflowError) as exc:  # 2026-02-30, or the day after 9999-12-31
            raise ValueError(str(msg("filter.invalid-date", value=repr(value)))) from exc
        return dt.datetime.combine(day, dt.time(), BELGIAN_TIME)
    if _RFC3339.fullmatch(value):
        try:
            moment = dt.datetime.fromisoformat(value.upper())
            offset = cast(dt.timedelta, moment.utcoffset())  # the pattern requires one
            moment.astimezone(dt.UTC)  # OverflowError before year 1 or after 9999 in UTC
        except (ValueError, OverflowError) as exc:
            raise ValueError(str(msg("filter.invalid-date", value=repr(value)))) from exc
        if abs(offset) > MAX_UTC_OFFSET:  # PostgreSQL's limit
            raise ValueError(str(msg("filter.offset-too-large", value=repr(value))))
        return moment
    raise ValueError(str(msg("filter.not-a-date", value=repr(value))))


def parse_statuses(value: str) -> tuple[str, ...]:
    """Comma-separated lifecycle statuses, or open/closed. Raises ValueError naming the bad."""
    names = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = [name for name in names if name not in STATUS_WORDS]
    choices = ", ".join(STATUS_WORDS)
    if unknown:
        given = ", ".join(map(repr, unknown))
        raise ValueError(str(msg("filter.unknown-status", unknown=given, choices=choices)))
    if not names:
        raise ValueError(str(msg("filter.no-status", choices=choices)))
    return names


def check_period(start: dt.datetime | None, end: dt.datetime | None) -> None:
    if start and end and start >= end:
        raise ValueError(str(msg("filter.period-order")))


def check_values(session: Session, flt: records.RecordFilter) -> None:
    """Refuse a region, commune or category that does not exist, rather than export nothing."""
    if flt.region:
        slugs = list(session.execute(text("SELECT slug FROM regions ORDER BY slug")).scalars())
        if flt.region not in slugs:
            choices = ", ".join(slugs)
            detail = msg("filter.unknown-region", region=repr(flt.region), choices=choices)
            raise UnknownFilterValueError("region", detail)
    if flt.commune and not _exists(session, "communes", "nis_code", flt.commune):
        detail = msg("filter.unknown-commune", code=flt.commune)
        raise UnknownFilterValueError("commune", detail)
    if flt.category and not _exists(session, "categories", "code", flt.category):
        detail = msg("filter.unknown-category", category=repr(flt.category))
        raise UnknownFilterValueError("category", detail)


def _exists(session: Session, table: str, column: str, value: str) -> bool:
    """Whether a row of `table` has `value` in `column` (both names from the code)."""
    sql = text(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {column} = :value)")
    return session.execute(sql, {"value": value}).scalar_one()


def filename(flt: records.RecordFilter, fmt: str, day: dt.date | None = None) -> str:
    """reports-<region>-<commune>-<category>-<date>.<format>, naming only the filters given."""
    day = day or dt.datetime.now(BELGIAN_TIME).date()
    parts = ["reports", flt.region, flt.commune, flt.category, day.isoformat()]
    return "-".join(p for p in parts if p) + "." + fmt


def csv_select(flt: records.RecordFilter, photo_url_prefix: str) -> tuple[TextClause, dict]:
    """The records query of the CSV file: every column, times and booleans as text."""
    expressions = {name: records.rfc3339_iso(records.COLUMNS[name]) for name in TIMESTAMPS}
    expressions["location_generalised"] = f"({records.COLUMNS['location_generalised']})::text"
    expressions["photo_url"] = PHOTO_URL_SQL
    unchecked = NEVER_FORMULAS | set(TIMESTAMPS)
    for name in COLUMNS:
        expression = expressions.get(name) or records.COLUMNS[name]
        if name in unchecked:
            expression = f"({expression})::text"
        elif name not in NUMERIC_COLUMNS:
            expression = csv_text(expression)
        expressions[name] = expression
    sql, params = records.select(flt, COLUMNS, expressions=expressions)
    return sql, {**params, "photo_url_prefix": photo_url_prefix}


# How each property becomes JSON text in a Feature. PostgreSQL's json_build_object took a
# microsecond per value (it looks up each argument's type every time): the Feature is
# concatenated instead, in json_build_object's very layout ("key" : value, …), escaping only
# the text that may need it. Numbers and booleans are their own JSON text; the values in
# JSON_QUOTED can hold no quote, backslash or control character (statuses and URIs of the
# lifecycle, uuids, to_char's times) and are only put between quotes.
JSON_RAW = NUMERIC_COLUMNS | {"location_generalised"}
JSON_QUOTED = frozenset(
    {"status", "open311_status", "oslo_status_uri", "duplicate_of", *TIMESTAMPS}
)


def json_value(name: str, expression: str) -> str:
    """SQL writing the property `name` as JSON text (null when it is NULL)."""
    if name in JSON_RAW:
        text_sql = f"({expression})::text"
    elif name in JSON_QUOTED:
        text_sql = f"'\"' || ({expression})::text || '\"'"
    else:
        text_sql = f"to_json({expression})::text"
    return f"coalesce({text_sql}, 'null')"


def geojson_select(flt: records.RecordFilter, photo_url_prefix: str) -> tuple[TextClause, dict]:
    """The records query of the GeoJSON file: one Feature per row, as JSON text."""
    expressions = {**records.COLUMNS, "photo_url": PHOTO_URL_SQL}
    expressions |= {name: records.rfc3339_iso(records.COLUMNS[name]) for name in TIMESTAMPS}
    parts = ['\'{"type" : "Feature", "id" : "\'', "v.id", '\'", "geometry" : \'']
    parts += ["ST_AsGeoJSON(v.location, 6)", "', \"properties\" : {'"]
    for number, name in enumerate(PROPERTIES):
        separator = ", " if number else ""
        parts += [f"'{separator}\"{name}\" : '", json_value(name, expressions[name])]
    parts.append("'}}'")
    # concat() makes the text once; a chain of || would copy it at every step.
    feature = f"concat({', '.join(parts)})"
    sql, params = records.select(flt, ["feature"], expressions={"feature": feature})
    return sql, {**params, "photo_url_prefix": photo_url_prefix}


def driver_sql(connection: Connection, sql: TextClause, params: dict) -> tuple[str, dict]:
    """The statement in psycopg's own placeholders (%(name)s), for COPY."""
    compiled = sql.bindparams(**params).compile(dialect=connection.dialect)
    return compiled.string, compiled.params


class Export:
    """One export being written: its own session and snapshot, its row count, then its bytes.

    Iterate it (once) for the file's chunks; `rows` says how many rows they hold so far.
    `close()` gives the connection back to the pool, even midway (an unfinished COPY is
    cancelled first); a complete iteration closes it by itself.
    """

    def __init__(
        self,
        sessions: sessionmaker,
        fmt: str,
        flt: records.RecordFilter,
        photo_url_prefix: str,
    ):
        self.format = FORMATS[fmt]
        self.filter = flt
        self.rows = 0
        self._photo_url_prefix = photo_url_prefix
        self._chunks: Generator[bytes, None, None] | None = None
        self._session = sessions()
        try:
            self._connection = self._session.connection()
            # The count and the rows from one snapshot, so `total` is what the file holds.
            # Inside a caller's transaction (a savepoint: the tests) that transaction's view
            # already is one, and its isolation can no longer be set.
            if not self._connection.in_nested_transaction():
                self._connection.exec_driver_sql(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                )
            # Per-row reprojections make the plan look costly, and PostgreSQL would spend
            # seconds JIT-compiling expressions that are calls into PostGIS: no gain.
            self._connection.exec_driver_sql("SET LOCAL jit = off")
            # The times are cut from their ISO text (records.rfc3339_iso), whatever the
            # server's or the database's own DateStyle.
            self._connection.exec_driver_sql("SET LOCAL datestyle = 'ISO, YMD'")
            check_values(self._session, flt)
            sql, params = records.count(flt)
            self.total: int = self._connection.execute(sql, params).scalar_one()
        except BaseException:
            self._session.close()
            raise

    def __iter__(self) -> Iterator[bytes]:
        if self._chunks is None:
            self._chunks = self._csv() if self.format.name == "csv" else self._geojson()
        return self._chunks

    def close(self) -> None:
        if self._chunks is not None:
            # Stops a generator paused mid-file: its COPY is cancelled, its cursor closed.
            self._chunks.close()
        self._session.close()

    def _copied(self, sql: TextClause, params: dict, options: str) -> Iterator[bytes]:
        """COPY's rows of the query, in chunks of about CHUNK_BYTES; counts them in `rows`."""
        query, values = driver_sql(self._connection, sql, params)
        # COPY takes no bound parameters: psycopg merges them client-side, quoted as
        # literals by its adapters (never by string formatting).
        copy_sql = f"COPY ({query}) TO STDOUT {options}"
        raw = self._connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(copy_sql, values) as copy:
            # COPY hands out one row at a time.
            buffer = bytearray()
            for row in copy:
                buffer += row
                self.rows += 1
                if len(buffer) >= CHUNK_BYTES:
                    yield bytes(buffer)
                    buffer.clear()
        if buffer:
            yield bytes(buffer)

    def _csv(self) -> Generator[bytes, None, None]:
        try:
            sql, params = csv_select(self.filter, self._photo_url_prefix)
            self.rows = -1  # COPY's first row is the header
            yield from self._copied(sql, params, "WITH (FORMAT csv, HEADER, ENCODING 'UTF8')")
        finally:
            self._session.close()

    def _geojson(self) -> Generator[bytes, None, None]:
        try:
            sql, params = geojson_select(self.filter, self._photo_url_prefix)
            # One Feature per line, so a client can count lines against X-Total-Count. JSON
            # text has no newline of its own: each in a chunk ends a Feature, and all but the
            # file's last take a comma before them.
            yield b'{"type":"FeatureCollection","features":[\n'
            separator = b""
            for chunk in self._copied(sql, params, FEATURES_COPY):
                yield separator + chunk[:-1].replace(b"\n", b",\n")
                separator = b",\n"
            yield b"\n]}\n"
        finally:
            self._session.close()
