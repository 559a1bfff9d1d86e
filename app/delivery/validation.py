"""What a body's delivery settings may hold: each value checked, every fault named by its field.

Faults are collected rather than raised one at a time, so that a screen shows them all at once;
each is a JSON pointer (the API's field, e.g. /service_codes/potholes) and a catalogue message
(app/problems), which the API renders in the reader's language and the CLI in English.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from app.delivery.models import METHODS
from app.errors import PaveError
from app.problems import Message, msg

MAX_ENDPOINT = 500
MAX_JURISDICTION = 200
MAX_API_KEY = 500
MAX_SERVICE_CODE = 200
MAX_ATTRIBUTE_NAME = 100
MAX_ATTRIBUTE_VALUE = 500
MAX_ATTRIBUTES_PER_CATEGORY = 20
# Sent as attribute[name]=value: a name keeps to what needs no escaping in any server.
ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,100}")


class InvalidDeliverySettingsError(PaveError):
    """Delivery settings refused; `errors` lists each faulty field (pointer and message)."""

    code = "invalid-delivery-settings"
    title = "Invalid delivery settings"


@dataclass
class Faults:
    """The faults found so far, each a (JSON pointer, message)."""

    found: list[tuple[str, Message]] = field(default_factory=list)

    def add(self, pointer: str, message: Message) -> None:
        self.found.append((pointer, message))

    def raise_any(self) -> None:
        if self.found:
            raise InvalidDeliverySettingsError(
                msg("delivery.invalid"),
                errors=[
                    {"pointer": pointer, "location": "json", "detail": message}
                    for pointer, message in self.found
                ],
            )


def text_fault(value: object, max_length: int, *, allow_empty: bool = False) -> Message | None:
    """Why `value` is not an acceptable one-line text, or None."""
    if not isinstance(value, str):
        return msg("delivery.not-text")
    if not value and not allow_empty:
        return msg("delivery.empty")
    if len(value) > max_length:
        return msg("delivery.too-long", max=max_length)
    # isprintable refuses NUL, control characters, line and paragraph separators.
    if not value.isprintable():
        return msg("delivery.not-printable")
    return None


def check_method(method: object, faults: Faults) -> None:
    if method not in METHODS:
        faults.add("/method", msg("delivery.unknown-method", methods=", ".join(METHODS)))


def is_local_host(host: str) -> bool:
    """localhost, or a loopback address: a server on this machine, for tests and tunnels."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def endpoint_fault(url: str, allow_http: bool) -> Message | None:
    """Why `url` cannot be an Open311 endpoint, or None."""
    fault = text_fault(url, MAX_ENDPOINT)
    if fault is not None:
        return fault
    if any(c.isspace() for c in url):
        return msg("delivery.endpoint-invalid")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  (raises ValueError on a port that is not a number)
    except ValueError:
        return msg("delivery.endpoint-invalid")
    if parts.scheme not in ("http", "https") or not host:
        return msg("delivery.endpoint-invalid")
    if parts.username is not None or parts.password is not None:
        return msg("delivery.endpoint-credentials")
    if parts.query or parts.fragment or "?" in url or "#" in url:
        return msg("delivery.endpoint-query")
    if parts.scheme == "http" and not (allow_http or is_local_host(host)):
        return msg("delivery.endpoint-https")
    return None


def check_service_codes(value: object, categories: set[str], faults: Faults) -> None:
    if not isinstance(value, dict):
        faults.add("/service_codes", msg("delivery.not-mapping"))
        return
    for category, code in value.items():
        pointer = "/service_codes/" + escape(str(category))
        if category not in categories:
            faults.add(pointer, msg("delivery.unknown-category", category=shown(category)))
            continue
        fault = text_fault(code, MAX_SERVICE_CODE)
        if fault is not None:
            faults.add(pointer, fault)


def check_attributes(value: object, categories: set[str], faults: Faults) -> None:
    if not isinstance(value, dict):
        faults.add("/attributes", msg("delivery.not-mapping"))
        return
    for category, pairs in value.items():
        pointer = "/attributes/" + escape(str(category))
        if category not in categories:
            faults.add(pointer, msg("delivery.unknown-category", category=shown(category)))
            continue
        if not isinstance(pairs, dict):
            faults.add(pointer, msg("delivery.not-mapping"))
            continue
        if len(pairs) > MAX_ATTRIBUTES_PER_CATEGORY:
            faults.add(pointer, msg("delivery.too-many", max=MAX_ATTRIBUTES_PER_CATEGORY))
            continue
        for name, attribute in pairs.items():
            at = f"{pointer}/{escape(str(name))}"
            if not ATTRIBUTE_NAME.fullmatch(str(name)):
                faults.add(at, msg("delivery.attribute-name", max=MAX_ATTRIBUTE_NAME))
                continue
            fault = text_fault(attribute, MAX_ATTRIBUTE_VALUE)
            if fault is not None:
                faults.add(at, fault)


def escape(segment: str) -> str:
    """A JSON pointer's segment (RFC 6901), cut short: a pointer names, it does not echo."""
    return shown(segment).replace("~", "~0").replace("/", "~1")


def shown(value: object) -> str:
    """A value sent back in a message: printable and short, whatever was sent."""
    text = str(value)[:80]
    return "".join(c if c.isprintable() else "\ufffd" for c in text)
