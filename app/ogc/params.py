"""Query parameters of the OGC API, parsed strictly: anything unknown or malformed is an error.

Part 1 Core requires a 400 for a parameter the API definition does not declare
(/req/core/query-param-unknown) and for an invalid value (/req/core/query-param-invalid).
Each function here raises InvalidParameter with a sentence a client can act on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import cast

from dateutil.relativedelta import relativedelta

from app import cursors
from app.geo.projection import NEAR_BELGIUM, transformer
from app.ogc import crs as crs_

DEFAULT_LIMIT = 10
MAX_LIMIT = 1000


# No query parameter of the OGC API needs more (the longest are a datetime interval and a
# cursor); a longer one is refused with 400 before it is parsed.
MAX_PARAMETER_LENGTH = 1000


class InvalidParameter(ValueError):
    """A query parameter the API does not know, or whose value it cannot use (HTTP 400)."""

    code = "InvalidParameterValue"

    def __init__(self, name: str, description: str):
        super().__init__(f"{name}: {description}")
        self.name = name
        self.description = description


def check_names(args: Mapping[str, list[str]], allowed: Iterable[str]) -> None:
    """Refuse a parameter not in `allowed` and one given twice: which one would count?"""
    allowed = set(allowed)
    for name, values in args.items():
        if name not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            raise InvalidParameter(
                name, f"unknown parameter; this resource takes only these: {known}."
            )
        if len(values) > 1:
            raise InvalidParameter(name, "given more than once; give it once.")


def parse_limit(raw: str | None) -> int:
    """1 or more; above MAX_LIMIT the maximum is served, as the standard expects, not refused."""
    if raw is None:
        return DEFAULT_LIMIT
    if not re.fullmatch(r"[0-9]+", raw):
        raise InvalidParameter("limit", f"{raw!r} is not a whole number (1 to {MAX_LIMIT}).")
    value = int(raw)
    if value < 1:
        raise InvalidParameter("limit", f"must be at least 1 (at most {MAX_LIMIT} are served).")
    return min(value, MAX_LIMIT)


def parse_crs(name: str, raw: str | None) -> crs_.Crs:
    if raw is None:
        return crs_.CRS84
    found = crs_.by_name(raw)
    if found is None:
        supported = ", ".join(c.uri for c in crs_.SUPPORTED)
        raise InvalidParameter(name, f"{raw!r} is not supported; use one of {supported}.")
    return found


# A decimal number as JSON writes it; float() would also take "nan", "inf" and "1_000".
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass(frozen=True)
class Bbox:
    """A bounding box in `crs`. In CRS84, minx > maxx is a box across the antimeridian."""

    minx: float
    miny: float
    maxx: float
    maxy: float
    crs: crs_.Crs

    @property
    def coordinates(self) -> tuple[float, float, float, float]:
        return (self.minx, self.miny, self.maxx, self.maxy)


def parse_bbox(raw: str | None, bbox_crs: crs_.Crs) -> Bbox | None:
    """Four numbers, or six with heights (which a 2D dataset ignores once checked)."""
    if raw is None:
        return None
    parts = raw.split(",")
    if len(parts) not in (4, 6):
        raise InvalidParameter(
            "bbox",
            f"has {len(parts)} number{'s' * (len(parts) != 1)}; give 4 (minx,miny,maxx,maxy)"
            " or 6 (with minz and maxz).",
        )
    for part in parts:
        if not _NUMBER.fullmatch(part.strip()):
            raise InvalidParameter("bbox", f"{part!r} is not a number.")
    numbers = [float(p) for p in parts]
    if len(numbers) == 6:
        minz, maxz = numbers[2], numbers[5]
        if minz > maxz:
            raise InvalidParameter("bbox", "its minimum height is above its maximum height.")
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    minx, miny, maxx, maxy = numbers
    if miny > maxy:
        raise InvalidParameter("bbox", f"its lower edge ({miny}) is above its upper edge ({maxy}).")
    if bbox_crs is crs_.CRS84:
        if not all(-180 <= x <= 180 for x in (minx, maxx)):
            raise InvalidParameter("bbox", "longitudes must be between -180 and 180.")
        if not all(-90 <= y <= 90 for y in (miny, maxy)):
            raise InvalidParameter("bbox", "latitudes must be between -90 and 90.")
    elif minx > maxx:
        # Only a longitude wraps around (across the antimeridian); eastings do not.
        raise InvalidParameter(
            "bbox", f"its left edge ({minx}) is east of its right edge ({maxx})."
        )
    return Bbox(minx, miny, maxx, maxy, bbox_crs)


def clip_to_belgium(bbox: Bbox) -> Bbox | None:
    """A projected bbox cut to the surroundings of Belgium, or None if it lies elsewhere.

    Far from Belgium a Lambert projection turns coordinates into meaningless longitudes and
    latitudes (PROJ still answers), which would make the database look in the wrong place.
    Every report and commune lies in Belgium, so cutting the box there changes no answer.
    """
    if bbox.crs is crs_.CRS84:
        return bbox
    to_projected = transformer(crs_.CRS84.srid, bbox.crs.srid)
    dminx, dminy, dmaxx, dmaxy = to_projected.transform_bounds(*NEAR_BELGIUM, densify_pts=21)
    minx, miny = max(bbox.minx, dminx), max(bbox.miny, dminy)
    maxx, maxy = min(bbox.maxx, dmaxx), min(bbox.maxy, dmaxy)
    if minx > maxx or miny > maxy:
        return None
    return Bbox(minx, miny, maxx, maxy, bbox.crs)


# RFC 3339: a full-date, or a date-time with its offset ("t" and "z" may be lower case).
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})"
)
# An ISO 8601 duration (PnYnMnWnDTnHnMnS), which the official test suite sends after a start.
_DURATION = re.compile(
    r"P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
    r"(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?"
)
_OPEN = ("", "..")


@dataclass(frozen=True)
class Period:
    """Times from `start` (inclusive) to `end` (exclusive); None is open."""

    start: dt.datetime | None
    end: dt.datetime | None


# The largest UTC offset PostgreSQL takes (Python takes up to 23:59).
MAX_UTC_OFFSET = dt.timedelta(hours=15, minutes=59)


LAST = dt.datetime.max.replace(tzinfo=dt.UTC)


def _later(moment: dt.datetime, span: dt.timedelta) -> dt.datetime | None:
    """`moment` + `span`, or None (open) past the last datetime, 9999-12-31T23:59:59.999999.

    "9999-12-31" is a valid RFC 3339 date, so OGC API Features wants it answered, not refused
    with a 400; the span it names reaches the end of the calendar, which is an open end.
    """
    try:
        return moment + span
    except OverflowError:
        return None


def _moment(text: str) -> Period:
    """A date or date-time as the span it names, to the precision it is written in.

    "2026-03-04" is that whole day (UTC); "2026-03-04T10:17:42Z" is that second, so it finds
    a report made at 10:17:42.3; "…T10:17:42.250Z" is that millisecond.
    """
    try:
        if _DATE.fullmatch(text):
            day = dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
            return Period(day, _later(day, dt.timedelta(days=1)))
        match = _DATE_TIME.fullmatch(text)
        if match:
            moment = dt.datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
            # The pattern requires an offset: the moment is never naive.
            if abs(cast(dt.timedelta, moment.utcoffset())) > MAX_UTC_OFFSET:
                # Refused below: an InvalidParameter (a ValueError) here would be swallowed.
                raise OverflowError
            digits = len(match.group(1) or ".") - 1
            return Period(
                moment, _later(moment, dt.timedelta(microseconds=10 ** max(0, 6 - digits)))
            )
    except OverflowError:
        raise InvalidParameter(
            "datetime", f"{text!r} has a UTC offset beyond ±15:59, which no one uses."
        ) from None
    except ValueError:
        pass  # Matches the pattern but is no real time (2026-02-30, 25:00:00).
    raise InvalidParameter(
        "datetime",
        f"{text!r} is not an RFC 3339 date-time (2026-03-04T10:17:42Z) or date (2026-03-04).",
    )


def _duration(text: str) -> relativedelta | None:
    match = _DURATION.fullmatch(text)
    if not match:
        return None
    years, months, weeks, days, hours, minutes, seconds = (g or "0" for g in match.groups())
    return relativedelta(
        years=int(years),
        months=int(months),
        weeks=int(weeks),
        days=int(days),
        hours=int(hours),
        minutes=int(minutes),
        # dateutil takes fractional seconds; its stubs say int.
        seconds=float(seconds),  # type: ignore[arg-type]
    )


def parse_datetime(raw: str | None) -> Period | None:
    """An instant, or an interval start/end with either end open (".." or empty).

    A start with a duration ("2026-03-01/P2D") or a duration with an end is an interval too.
    """
    if raw is None:
        return None
    if "/" not in raw:
        return _moment(raw)
    parts = raw.split("/")
    if len(parts) != 2:
        raise InvalidParameter("datetime", "an interval has one '/' between its start and end.")
    first, second = parts
    first_span, second_span = _duration(first), _duration(second)
    if first_span and second_span:
        raise InvalidParameter("datetime", "an interval cannot be two durations.")
    if second_span:
        if first in _OPEN:
            raise InvalidParameter("datetime", "a duration needs a start before it.")
        since = cast(dt.datetime, _moment(first).start)  # a moment always has its start
        try:
            return Period(since, since + second_span)
        except (ValueError, OverflowError):  # Past 9999: open-ended, as above.
            return Period(since, None)
    if first_span:
        if second in _OPEN:
            raise InvalidParameter("datetime", "a duration needs an end after it.")
        end = _moment(second).end
        try:
            return Period((end or LAST) - first_span, end)
        except (ValueError, OverflowError):  # Before year 1: open-ended.
            return Period(None, end)
    start = None if first in _OPEN else _moment(first).start
    end = None if second in _OPEN else _moment(second).end
    if start and end and start >= end:
        raise InvalidParameter("datetime", f"the interval {raw!r} ends before it starts.")
    return Period(start, end)


def encode_cursor(direction: str, key: str) -> str:
    """An opaque page token: the key of the row the page starts after (or ends before)."""
    return cursors.pack(f"{direction}:{key}")


def decode_cursor(raw: str | None, key_pattern: re.Pattern) -> tuple[str, str] | None:
    """(direction, key) of a token encode_cursor made; anything else is refused."""
    if raw is None:
        return None
    try:
        decoded = cursors.unpack(raw)
    except ValueError:
        decoded = ""
    direction, _, key = decoded.partition(":")
    if direction not in ("after", "before") or not key_pattern.fullmatch(key):
        raise InvalidParameter("cursor", "is not one this API returned; follow its next link.")
    return direction, key
