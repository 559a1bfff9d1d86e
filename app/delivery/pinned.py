"""One call's connection: to the addresses that were checked, and within the call's deadline.

httpx resolves a URL's host when it connects, after, and apart from, the client's own look-up
that checked it (app/delivery/open311_client.py): a name answering a public address to the
check and 127.0.0.1 to httpx (DNS rebinding) would have reached this machine. So the name is
resolved once, here, and the connection goes only to what that look-up answered: `transport`
gives httpx a network backend that connects to those addresses, while the URL, the Host
header and TLS (the SNI and the certificate's name) keep the name.

Every step of the call is given what is left of one deadline, not a timeout each: the
look-up (getaddrinfo has no timeout of its own, so it runs in a thread that is waited for
until the deadline), connecting, the TLS handshake, sending, waiting for the answer's headers
and reading its body. A remote that trickles its headers a byte at a time is cut there too.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx


class DeadlineError(Exception):
    """The call's deadline passed while its name was looked up, or once its request could
    have been sent (before that, connecting and the TLS handshake say httpcore's
    ConnectTimeout: not sent)."""


def resolve(host: str, port: int, deadline: float) -> list[str]:
    """The addresses `host` resolves to, looked up by `deadline` (DeadlineError otherwise),
    or what getaddrinfo raised (OSError, UnicodeError...). A look-up still running
    at the deadline is left to end in its thread (a daemon) when the resolver gives up."""
    answer: list[Any] = []
    done = threading.Event()

    def look_up() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except Exception as exc:  # Raised again in the caller's thread.
            answer.append(exc)
        done.set()

    threading.Thread(target=look_up, name=f"resolve {host}", daemon=True).start()
    if not done.wait(max(0.0, deadline - time.monotonic())):
        raise DeadlineError
    if isinstance(answer[0], Exception):
        raise answer[0]
    # Unique, in the resolver's order of preference.
    return list(dict.fromkeys(str(info[4][0]) for info in answer[0]))


@contextmanager
def within(
    deadline: float, timeout: float | None, timed_out: type[Exception], past: type[Exception]
) -> Iterator[float]:
    """The timeout one step may have: its own, or what is left of the deadline when that is
    shorter. `past` when nothing is left, or when the step timed out for want of it."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise past("the call's deadline passed")
    limit = left if timeout is None else min(timeout, left)
    try:
        yield limit
    except timed_out:
        if limit == left:
            raise past("the call's deadline passed") from None
        raise


class DeadlineStream(httpcore.NetworkStream):
    """A connection each of whose reads and writes ends by the deadline."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float):
        self.stream = stream
        self.deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        with within(self.deadline, timeout, httpcore.ReadTimeout, DeadlineError) as limit:
            return self.stream.read(max_bytes, limit)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        with within(self.deadline, timeout, httpcore.WriteTimeout, DeadlineError) as limit:
            self.stream.write(buffer, limit)

    def close(self) -> None:
        self.stream.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        # Nothing is sent before the handshake ends: past the deadline, it is not sent.
        timed_out = httpcore.ConnectTimeout
        with within(self.deadline, timeout, timed_out, timed_out) as limit:
            secure = self.stream.start_tls(ssl_context, server_hostname, limit)
        return DeadlineStream(secure, self.deadline)

    def get_extra_info(self, info: str) -> Any:
        return self.stream.get_extra_info(info)


class PinnedBackend(httpcore.NetworkBackend):
    """Connects to `host` at `addresses` only (IP addresses, which need no look-up), each in
    turn until one takes the connection; to no other host."""

    def __init__(self, host: str, addresses: list[str], deadline: float):
        self.host = host
        self.addresses = addresses
        self.deadline = deadline
        self.backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        if host != self.host:
            raise httpcore.ConnectError(f"{host} is not the host that was checked")
        failed: Exception = httpcore.ConnectError(f"no address for {host}")
        timed_out = httpcore.ConnectTimeout
        for address in self.addresses:
            try:
                with within(self.deadline, timeout, timed_out, timed_out) as limit:
                    stream = self.backend.connect_tcp(
                        address, port, limit, local_address, socket_options
                    )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failed = exc
            else:
                return DeadlineStream(stream, self.deadline)
        raise failed


class PinnedTransport(httpx.HTTPTransport):
    """httpx's transport, over a connection pool whose connections `backend` makes."""

    def __init__(self, backend: PinnedBackend):
        # The certificates are checked as httpx does (certifi's, or SSL_CERT_FILE's or
        # SSL_CERT_DIR's when set); the pool httpx makes, which takes no network backend, is
        # replaced by one that does.
        ssl_context = httpx.create_ssl_context()
        super().__init__(verify=ssl_context)
        self._pool = httpcore.ConnectionPool(ssl_context=ssl_context, network_backend=backend)


def client(
    host: str, addresses: list[str], deadline: float, timeout: httpx.Timeout
) -> httpx.Client:
    """An httpx client for one call to `host`, connecting to `addresses` only, by `deadline`.
    It reads no proxy from the environment (HTTPS_PROXY, ALL_PROXY...): a proxy would
    resolve the name itself, and reach what the check refused. Redirects are not followed."""
    return httpx.Client(
        transport=PinnedTransport(PinnedBackend(host, addresses, deadline)),
        timeout=timeout,
        trust_env=False,
        follow_redirects=False,
    )
