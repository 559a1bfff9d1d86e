"""After an unknown outcome: does the remote already hold our request? Match its list on
Pavé's report id if the remote echoes it, else on the place, the service and the time.

A remote that echoes `pave_report_id` (as an attribute, an extended attribute or a field of
its own) is trusted on it alone: a request that echoes another id, or none while others do,
is never taken for ours. A remote that echoes nothing is matched on what it shows back: the
service_code, a point within `distance_m`, a requested_datetime inside the window, and the
description when it shows one. A request already recorded as another delivery's is never
taken again (the unique (body, remote id) index guards it too).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ATTRIBUTE = "pave_report_id"
EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class Sent:
    """What we sent, as the remote would show it back."""

    pave_report_id: str
    service_code: str
    lat: float
    lon: float
    description: str | None
    # Requests created by the remote outside this window are not ours.
    start: dt.datetime
    end: dt.datetime


def echoed_id(item: Mapping[str, Any]) -> str | None:
    """The pave_report_id a remote shows back with a request, if it shows one."""
    for key in ("attributes", "extended_attributes", "attribute"):
        attributes = item.get(key)
        if isinstance(attributes, Mapping) and attributes.get(ATTRIBUTE):
            return str(attributes[ATTRIBUTE])
    value = item.get(ATTRIBUTE)
    return str(value) if value else None


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(a, 1.0)))


def _when(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _looks_like(item: Mapping[str, Any], sent: Sent, distance_limit_m: float) -> bool:
    lat, lon = _number(item.get("lat")), _number(item.get("long"))
    when = _when(item.get("requested_datetime"))
    if lat is None or lon is None or when is None:
        return False
    if str(item.get("service_code") or "") != sent.service_code:
        return False
    if distance_m(lat, lon, sent.lat, sent.lon) > distance_limit_m:
        return False
    if not sent.start <= when <= sent.end:
        return False
    shown = item.get("description")
    if isinstance(shown, str) and shown.strip() and sent.description:
        return " ".join(shown.split()) == " ".join(sent.description.split())
    return True


def find_ours(
    items: Iterable[Mapping[str, Any]],
    sent: Sent,
    taken: set[str],
    *,
    distance_limit_m: float = 10.0,
) -> str | None:
    """The service_request_id of our request among the remote's, or None if it is not there."""
    listed = [item for item in items if item.get("service_request_id") not in (None, "")]
    echoing = [item for item in listed if echoed_id(item) is not None]
    if echoing:
        for item in echoing:
            if echoed_id(item) == sent.pave_report_id:
                return str(item["service_request_id"])
        return None
    candidates = [
        item
        for item in listed
        if str(item["service_request_id"]) not in taken
        and _looks_like(item, sent, distance_limit_m)
    ]
    if not candidates:
        return None
    # Several alike: the earliest after our first attempt is the one that attempt created.
    candidates.sort(key=lambda item: _when(item["requested_datetime"]) or sent.end)
    return str(candidates[0]["service_request_id"])
