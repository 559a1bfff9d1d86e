"""Reading a POSTed Open311 request into a NewReport and its media link, as the API validates.

The fields go through the same schema as POST /api/v1/reports, so that Open311 accepts
exactly what the native API accepts; only the shape (form fields, lat/long) differs.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from urllib.parse import urlsplit

from marshmallow import ValidationError
from sqlalchemy.orm import Session

from app.api.reports.schemas import ReportCreateSchema, new_report
from app.geo.search import fold, search_communes
from app.open311.requests import Open311QueryError
from app.reports.services import NewReport

CREATE_SCHEMA = ReportCreateSchema()
# The report id another Pavé sends with its request (app/delivery/sender.py).
PAVE_REPORT_ID = "attribute[pave_report_id]"


def param_value(params: Mapping[str, str], name: str) -> str | None:
    """A parameter, with an empty one treated as absent, as the spec asks."""
    value = params.get(name)
    return value.strip() if value and value.strip() else None


def _coordinate(name: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise Open311QueryError(f"{name} must be a number in WGS84 degrees.") from None
    if not math.isfinite(number):
        raise Open311QueryError(f"{name} must be a finite number.")
    return number


def place_address(session: Session, address: str) -> tuple[float, float, float]:
    """A point for an address without coordinates: the commune it names, if exactly one.

    The spec writes addresses from the most specific part to the most general, so the parts
    are tried from the end. Pavé has no street geocoder: the point is somewhere inside the
    commune, and the accuracy is the radius of a disc of the commune's area, as when a
    resident places a report by commune in the app.
    """
    for part in reversed(address.split(",")):
        # A postal code before the name ("1000 Bruxelles") says nothing the name does not.
        words = [w for w in part.split() if not w.isdigit()]
        wanted = fold(" ".join(words))
        if not wanted:
            continue
        found = [
            place
            for place in search_communes(session, wanted)
            if wanted in {fold(n) for n in place.commune.names().values()}
        ]
        if len(found) == 1:
            return found[0].lon, found[0].lat, found[0].radius_m
    raise Open311QueryError(
        "The address_string names no Belgian commune that Pavé can place; send lat and long."
    )


def _error_text(messages, path: str = "") -> list[str]:
    if isinstance(messages, dict):
        out = []
        for key, value in messages.items():
            out += _error_text(value, f"{path}.{key}" if path else str(key))
        return out
    return [f"{path}: {message}" for message in messages]


# The native schema's field names, as the Open311 client sent them.
OPEN311_NAMES = {
    "category": "service_code",
    "location.lat": "lat",
    "location.lon": "long",
    "location.accuracy_m": "lat/long",
    "reporter.email": "email",
    "reporter.phone": "phone",
    "reporter.name": "first_name/last_name",
}


def parse_new_request(session: Session, params: Mapping[str, str]) -> NewReport:
    """The report a POST requests describes; Open311QueryError (400) for anything invalid."""
    attributes = [key for key in params if key.startswith("attribute[") and key != PAVE_REPORT_ID]
    if attributes:
        # No service has attributes (metadata is false): an answer to none is a mistake.
        raise Open311QueryError(f"No service takes attributes; remove {attributes[0]}.")
    service_code = param_value(params, "service_code")
    if service_code is None:
        raise Open311QueryError("service_code was not provided.")
    lat, lon = param_value(params, "lat"), param_value(params, "long")
    address = param_value(params, "address_string")
    accuracy = None
    if lat is not None and lon is not None:
        lat_value, lon_value = _coordinate("lat", lat), _coordinate("long", lon)
    elif lat is not None or lon is not None:
        raise Open311QueryError("lat and long must both be sent.")
    elif address is not None:
        lon_value, lat_value, accuracy = place_address(session, address)
    elif param_value(params, "address_id") is not None:
        raise Open311QueryError("address_id is not supported; send lat and long.")
    else:
        raise Open311QueryError("A location is required: lat and long, or address_string.")
    name = " ".join(
        filter(None, (param_value(params, "first_name"), param_value(params, "last_name")))
    )
    reporter = {
        "name": name or None,
        "email": param_value(params, "email"),
        "phone": param_value(params, "phone"),
    }
    payload = {
        "category": service_code,
        "description": param_value(params, "description"),
        "location": {"lat": lat_value, "lon": lon_value, "accuracy_m": accuracy},
        "reporter": {k: v for k, v in reporter.items() if v is not None} or None,
    }
    try:
        data = CREATE_SCHEMA.load(payload)
    except ValidationError as exc:
        problems = _error_text(exc.messages)
        for native, open311 in OPEN311_NAMES.items():
            problems = [p.replace(f"{native}:", f"{open311}:") for p in problems]
        raise Open311QueryError("; ".join(problems)) from None
    return new_report(data)


MEDIA_URL_MAX = 2000


def parse_media_url(params: Mapping[str, str]) -> str | None:
    """The posted media_url: an absolute http(s) address, or Open311QueryError (400).

    Only the address is kept, shown back as media_url; Pavé never fetches it, so it cannot
    be made to reach into a network it should not (the photo pipeline takes uploads only).
    """
    value = param_value(params, "media_url")
    if value is None:
        return None
    parts = urlsplit(value)
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or len(value) > MEDIA_URL_MAX
        or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value)
    ):
        raise Open311QueryError(
            f"media_url must be an http or https address of at most {MEDIA_URL_MAX} characters."
        )
    return value


def parse_pave_report_id(params: Mapping[str, str]) -> uuid.UUID | None:
    """The sending Pavé's report id (attribute[pave_report_id]), a UUID, if sent."""
    value = param_value(params, PAVE_REPORT_ID)
    if value is None:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Open311QueryError("attribute[pave_report_id] must be a report id (UUID).") from None
