"""Where the Open311 client connects, and for how long (an outside review of issue 16; a
manager is trusted with their body's endpoint, not with this machine, and a remote is not
trusted at all: docs/delivery.md, "Where requests may go"):
- a name that answers a public address to the check and this machine's to the connection
  (DNS rebinding) reaches only the address that was checked; the Host header and TLS (SNI,
  the certificate's name) keep the name;
- HTTP_PROXY, HTTPS_PROXY and ALL_PROXY in the worker's environment are not used: a proxy
  would resolve the name itself;
- a resolver that does not answer, a server that never sends its headers, or sends them a
  byte at a time, hold a call no longer than its deadline.

What is "public" here is this machine's 127.0.0.2 (the client's notion of a public address
is patched for it): the "outside" server can then be a real one, beside the internal one at
127.0.0.1, and no test goes out on the network.
"""

from __future__ import annotations

import time

import pytest

from app.delivery import open311_client as client
from tests.helpers.deploy import HOST, self_signed_certificate
from tests.helpers.hostile_network import FakeResolver, Listener, Recorder

KEY = "remote-key-0123456789"
OUTSIDE = "127.0.0.2"
INSIDE = "127.0.0.1"
NAME = "open311.rebinding.example"


@pytest.fixture
def resolver(monkeypatch):
    fake = FakeResolver(monkeypatch)
    yield fake
    fake.release()


@pytest.fixture
def outside_is_public(monkeypatch):
    real = client.is_public_address
    monkeypatch.setattr(client, "is_public_address", lambda a: a == OUTSIDE or real(a))


@pytest.fixture
def internal():
    """A server on this machine's loopback, which the endpoint must never reach."""
    listener = Listener(INSIDE)
    yield listener
    listener.close()


def test_a_name_rebound_to_this_machine_reaches_only_the_checked_address(
    resolver, outside_is_public, internal
):
    outside = Recorder(OUTSIDE, internal.port)  # The same port: only the address differs.
    resolver.answer(NAME, OUTSIDE, INSIDE)  # Public to the first look-up, loopback after.
    conn = client.Connection(f"http://{NAME}:{internal.port}/v2/", KEY, timeout_s=2)
    try:
        assert client.get_json(conn, "requests.json", {}) == []
        assert resolver.asked[NAME] == 1  # The connection asked no resolver again.
        with pytest.raises(client.NotSent, match="is at an internal address"):
            client.get_json(conn, "requests.json", {})  # The next call's look-up: refused.
    finally:
        outside.close()

    assert internal.taken == 0, "the request reached this machine's server"
    assert outside.hosts == [f"{NAME}:{internal.port}"]


def test_tls_to_the_pinned_address_checks_the_names_certificate_and_skips_https_proxy(
    resolver, outside_is_public, internal, monkeypatch, tmp_path
):
    certificate = self_signed_certificate(tmp_path / "tls")  # For HOST.
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
    proxy = Listener(INSIDE)
    for unset in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(unset, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", f"http://{INSIDE}:{proxy.port}")
    outside = Recorder(OUTSIDE, internal.port, certificate=certificate)
    resolver.answer(HOST, OUTSIDE, INSIDE)
    resolver.answer("impostor.example.be", OUTSIDE)
    try:
        conn = client.Connection(f"https://{HOST}:{internal.port}/v2/", KEY, timeout_s=2)
        assert client.get_json(conn, "requests.json", {}) == []
        other = client.Connection(f"https://impostor.example.be:{internal.port}/v2/", KEY)
        with pytest.raises(client.NotSent, match="unreachable"):
            client.get_json(other, "requests.json", {})  # A certificate for another name.
    finally:
        outside.close()
        proxy.close()

    assert outside.server_names[0] == HOST and outside.hosts == [f"{HOST}:{internal.port}"]
    assert internal.taken == 0 and proxy.taken == 0


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"])
def test_a_proxy_in_the_environment_is_not_used(
    variable, resolver, outside_is_public, internal, monkeypatch
):
    proxy = Listener(INSIDE)
    for unset in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(unset, raising=False)
    monkeypatch.setenv(variable, f"http://{INSIDE}:{proxy.port}")
    outside = Recorder(OUTSIDE, internal.port)
    resolver.answer(NAME, OUTSIDE)
    try:
        conn = client.Connection(f"http://{NAME}:{internal.port}/v2/", KEY, timeout_s=2)
        assert client.get_json(conn, "requests.json", {}) == []
    finally:
        outside.close()
        proxy.close()

    assert proxy.taken == 0, "the request went through the environment's proxy"
    assert outside.hosts == [f"{NAME}:{internal.port}"]


def test_a_resolver_that_never_answers_is_given_the_calls_deadline(resolver):
    resolver.hang("slow.resolver.example")
    conn = client.Connection("https://slow.resolver.example/v2/", KEY, timeout_s=0.5)
    started = time.monotonic()

    with pytest.raises(client.NotSent) as failed:
        client.get_json(conn, "requests.json", {})

    assert "its name not resolved in 1.5 s" in str(failed.value)
    assert time.monotonic() - started < 3 * 1.5
    assert KEY not in str(failed.value)


@pytest.mark.parametrize("trickle", [False, True], ids=["silent", "trickling headers"])
def test_a_server_that_never_ends_its_headers_is_cut_at_the_calls_deadline(trickle):
    server = Listener(INSIDE, trickle=trickle)
    conn = client.Connection(
        f"http://{INSIDE}:{server.port}/v2/", KEY, timeout_s=1, allow_private=True
    )
    started = time.monotonic()
    try:
        with pytest.raises(client.UnknownOutcome) as failed:
            client.get_json(conn, "requests.json", {})
    finally:
        server.close()

    assert time.monotonic() - started < 3 * 3
    assert server.taken == 1 and KEY not in str(failed.value)
    # Silent, the read's timeout (1 s) ends it; trickling, only the call's deadline (3 s).
    expected = "in 3 s" if trickle else "(ReadTimeout)"
    assert expected in str(failed.value)
