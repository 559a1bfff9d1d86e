"""What a body's delivery settings may hold: each value checked, every fault named by its field.

Faults are collected rather than raised one at a time, so that a screen shows them all at once;
each is a JSON pointer (the API's field, e.g. /service_codes/potholes) and a catalogue message
(app/problems), which the API renders in the reader's language and the CLI in English.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import unicodedata
from collections.abc import Iterator
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
# Names that only a local resolver answers (RFC 6761, 6762, and the clouds' internal zones).
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa", ".lan")
# NAT64's well-known prefix (RFC 6052): its last 32 bits are the IPv4 address a translator on
# the path reaches, judged as that address (an IPv6-only network reaches IPv4 servers so).
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# IPv6 addresses that reach an IPv4 one by a way of their own, refused whatever they carry:
# the deprecated IPv4-compatible addresses (RFC 4291), NAT64's local-use prefix (RFC 8215, a
# translator of the network's own, with the IPv4 address at a place of its choosing), Teredo
# (RFC 4380) and 6to4 (RFC 3056, deprecated by RFC 7526) tunnels.
TUNNELS = tuple(
    ipaddress.IPv6Network(prefix)
    for prefix in ("::/96", "64:ff9b:1::/48", "2001::/32", "2002::/16")
)


class InvalidDeliverySettingsError(PaveError):
    """Delivery settings refused; `errors` lists each faulty field (pointer and message)."""

    code = "invalid-delivery-settings"


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


def is_public_address(address: str) -> bool:
    """Whether an IP address is a global one (not loopback, private, link-local, reserved,
    unspecified, shared or documentation). An IPv6 address that carries an IPv4 one is judged
    by it (IPv4-mapped, NAT64), or refused (TUNNELS): Python's ipaddress calls 64:ff9b::a9fe:a9fe
    (cloud metadata through NAT64) or 2002:7f00:1:: (this machine through 6to4) global."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone (fe80::1%eth0) aside
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in tunnel for tunnel in TUNNELS):
            return False
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip in NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


def resolver_host(host: str) -> str:
    """`host` as the resolver reads it: in lower case without its final dot, mapped as IDNA
    maps Unicode (NFKC: full-width digits and dots are ASCII ones), and an IPv4 address in any
    form that inet_aton takes (127.1, 0x7f.0.0.1, 0177.0.0.1) written in its usual four parts."""
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        host = unicodedata.normalize("NFKC", host)
    host = host.lower().rstrip(".")
    if host.isascii() and "." in host and ":" not in host:
        try:
            return socket.inet_ntoa(socket.inet_aton(host))
        except OSError:
            pass
    return host


def is_private_host(host: str) -> bool:
    """A host the worker must not be aimed at: an address that is not global (cloud metadata,
    private networks, this machine), or a name that can only be local (localhost, .local,
    .internal, a name without a dot that a search domain completes); judged as the resolver
    reads it (resolver_host), so that 127.1 is 127.0.0.1."""
    host = resolver_host(host)
    try:
        return not is_public_address(host)
    except ValueError:
        pass
    return "." not in host or host.endswith(LOCAL_SUFFIXES)


def endpoint_fault(url: str, allow_http: bool, allow_private: bool = False) -> Message | None:
    """Why `url` cannot be an Open311 endpoint, or None. Unless `allow_private`, its host
    may not be an internal address or a local name (app/delivery/open311_client.py checks
    again what a name resolves to, before each request)."""
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
    if not allow_private and is_private_host(host):
        return msg("delivery.endpoint-private")
    if parts.scheme == "http" and not (allow_http or (allow_private and is_local_host(host))):
        return msg("delivery.endpoint-https")
    return None


def _per_category(
    value: object, setting: str, categories: set[str], faults: Faults
) -> Iterator[tuple[str, object]]:
    """(pointer, value) for each category of the mapping `value` (the field `setting`) that
    is one of `categories`; a fault for the others, and for a `value` that is no mapping."""
    if not isinstance(value, dict):
        faults.add(f"/{setting}", msg("delivery.not-mapping"))
        return
    for category, item in value.items():
        pointer = f"/{setting}/{escape(str(category))}"
        if category in categories:
            yield pointer, item
        else:
            faults.add(pointer, msg("delivery.unknown-category", category=shown(category)))


def check_service_codes(value: object, categories: set[str], faults: Faults) -> None:
    for pointer, code in _per_category(value, "service_codes", categories, faults):
        fault = text_fault(code, MAX_SERVICE_CODE)
        if fault is not None:
            faults.add(pointer, fault)


def check_attributes(value: object, categories: set[str], faults: Faults) -> None:
    for pointer, pairs in _per_category(value, "attributes", categories, faults):
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
