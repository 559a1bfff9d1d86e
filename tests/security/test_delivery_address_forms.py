"""The other spellings of an internal address (found by an outside test of the running app).

Python 3.11's ipaddress calls global the IPv6 addresses that carry an IPv4 one: through NAT64
(64:ff9b::a9fe:a9fe is 169.254.169.254, cloud metadata), 6to4 (2002:7f00:1:: is 127.0.0.1),
Teredo or the old IPv4-compatible form (::7f00:1). A commune manager could save them as their
body's endpoint, and the client's check before each request let them through. And the
resolver reads 127.1 or full-width digits as 127.0.0.1: the client refused those when it sent,
but the settings took them. Both now answer as every other internal address does
(docs/delivery.md, "Where requests may go").
"""

from __future__ import annotations

import pytest

from app.accounts.models import Role
from app.delivery import open311_client as client
from app.delivery.validation import endpoint_fault, is_public_address
from tests.helpers.api import assert_problem
from tests.helpers.staff import make_staff, places, staff_as

__all__ = ["make_staff", "places", "staff_as"]  # fixtures

INTERNAL_ADDRESSES = [
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a00:5",  # NAT64 of 10.0.0.5
    "64:ff9b:1::a9fe:a9fe",  # NAT64's local-use prefix, whatever it carries
    "64:ff9b:1:a9fe:a9:fe00::",
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
    "2002:808:808::1",  # 6to4 of a public address: a tunnel all the same
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    "::7f00:1",  # IPv4-compatible 127.0.0.1
    "::a9fe:a9fe",  # IPv4-compatible 169.254.169.254
    "::808:808",  # IPv4-compatible, of a public address: deprecated, no host has one
    "::ffff:0:a9fe:a9fe",  # IPv4-translated (SIIT), in the reserved ::/8
    "::ffff:169.254.169.254",  # IPv4-mapped, as before
    "::ffff:127.0.0.1",
    "fe80::1%eth0",
]
PUBLIC_ADDRESSES = [
    "64:ff9b::808:808",  # NAT64 of 8.8.8.8: how an IPv6-only network reaches IPv4 servers
    "::ffff:8.8.8.8",
    "2606:4700:4700::1111",
    "2a02:2788::1",
    "8.8.8.8",
]


@pytest.mark.parametrize("address", INTERNAL_ADDRESSES)
def test_an_ipv6_address_carrying_an_internal_ipv4_one_is_not_public(address):
    assert not is_public_address(address)


@pytest.mark.parametrize("address", PUBLIC_ADDRESSES)
def test_a_public_address_stays_public(address):
    assert is_public_address(address)


def wide(text: str) -> str:
    """`text` in full-width characters (U+FF01 to U+FF5E), which NFKC maps back to ASCII."""
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


SPELLINGS = [
    "https://127.1/",  # inet_aton's short forms
    "https://127.0.1/",
    "https://0x7f.0.0.1/",
    "https://0177.0.0.1/",
    "https://0xa9.0xfe.0xa9.0xfe/latest/",
    "https://169.254.43518/latest/",
    f"https://{wide('127')}.{wide('0')}.{wide('0')}.{wide('1')}/",  # full-width digits (NFKC)
    f"https://{wide('169.254.169.254')}/",  # and full-width dots
    "https://127.0.0.1./",  # the final dot
    f"https://{wide('localhost')}/",
    f"https://metadata.google.{wide('internal')}/",
    *(f"https://[{address}]/" for address in INTERNAL_ADDRESSES if "%" not in address),
]


@pytest.mark.parametrize("endpoint", SPELLINGS)
def test_the_settings_refuse_every_spelling_of_an_internal_address(endpoint):
    fault = endpoint_fault(endpoint, allow_http=False)
    assert fault is not None and fault.key == "delivery.endpoint-private"


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://open311.bruxelles.example/v2/",
        "https://Open311.Bruxelles.Example./v2/",
        "https://bruxelles-öffentlich.example/v2/",  # an IDN
        "https://10.0.0.1.nip.example/v2/",  # a name, checked when it is resolved
        "https://8.8.8.8/v2/",
        "https://[64:ff9b::808:808]/v2/",
    ],
)
def test_public_endpoints_are_still_taken(endpoint):
    assert endpoint_fault(endpoint, allow_http=False) is None


PATH = "/api/v1/bodies/commune-21004/delivery"


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://[64:ff9b::a9fe:a9fe]/",
        "https://[2002:7f00:1::]/",
        "https://[::7f00:1]/",
        "https://127.1/",
        f"https://{wide('127')}.{wide('0')}.{wide('0')}.{wide('1')}/",
    ],
)
def test_a_manager_saving_one_gets_the_422_of_any_internal_address(staff_as, endpoint):
    manager = staff_as(Role.COMMUNE_MANAGER)
    settings = {"method": "open311", "service_codes": {}, "attributes": {}}

    def saved(url: str) -> dict:
        return assert_problem(manager.change("PUT", PATH, json={**settings, "endpoint": url}), 422)

    assert saved(endpoint) == saved("https://169.254.169.254/")
    assert manager.get(PATH).get_json()["method"] == "pave"


@pytest.mark.parametrize("address", ["64:ff9b::7f00:1", "2002:7f00:1::", "::7f00:1"])
def test_the_client_refuses_them_before_each_request(address):
    conn = client.Connection(f"https://[{address}]/v2/", "k3y", timeout_s=2)

    with pytest.raises(client.NotSent, match="is at an internal address"):
        client.get_json(conn, "requests.json", {})
