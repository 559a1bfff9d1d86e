"""Open311 documents: the same data as XML (required by the spec) or JSON (bare arrays).

GeoReport v2 defines its JSON as a mechanical mapping of its XML: a list becomes a repeated
element named after the list's item (service_requests → request), a mapping becomes child
elements, and an absent value becomes an empty element.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from xml.etree import ElementTree as ET

from app.xmltext import xml_text

FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}

# The element name of one item of each list the spec and its extensions define.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "service_requests_updates": "request_update",
    "service_request_updates": "request_update",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}

# W3C-DTF (https://www.w3.org/TR/NOTE-datetime) at seconds or finer, with its time zone.
W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")


class InvalidDatetimeError(ValueError):
    """A datetime parameter is not W3C-DTF with a time zone."""


def w3c(value: dt.datetime | None) -> str | None:
    """A datetime as the spec writes it: UTC, to the second, e.g. 2010-01-01T00:00:00Z."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_w3c(name: str, value: str) -> dt.datetime:
    """Parse a datetime parameter; a value without a time zone is ambiguous, so refused."""
    if not W3C_DATETIME.match(value):
        raise InvalidDatetimeError(
            f"{name} must be a W3C datetime with a time zone, e.g. 2010-01-01T00:00:00Z, "
            f"not {value!r}."
        )
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidDatetimeError(f"{name} is not a valid date and time: {value!r}.") from exc


def _text(value: Any) -> str | None:
    """An element's text; without the characters XML 1.0 forbids, which residents and
    clients may send, so that one text cannot make a whole document unreadable."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return w3c(value)
    return xml_text(str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        item_tag = ITEM_TAGS[element.tag]
        for item in value:
            _fill(ET.SubElement(element, item_tag), item)
    else:
        element.text = _text(value)


def to_xml(root: str, value: Any) -> bytes:
    """The document as UTF-8 XML, with the declaration the spec requires."""
    element = ET.Element(root)
    _fill(element, value)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def _jsonable(value: Any) -> Any:
    """What json.dumps cannot write itself: a datetime, in W3C form."""
    if isinstance(value, dt.datetime):
        return w3c(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def to_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, default=_jsonable).encode()


def render(fmt: str, root: str, value: Any) -> bytes:
    """`value` as XML under `root`, or as JSON (a list stays a bare array)."""
    return to_xml(root, value) if fmt == "xml" else to_json(value)


def errors_document(code: int, description: str) -> list[dict[str, Any]]:
    """The spec's error list: one error, its code the HTTP status."""
    return [{"code": code, "description": description}]
