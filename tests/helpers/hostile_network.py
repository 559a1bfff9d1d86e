"""The network around the Open311 client, as a hostile remote or a manager makes it: a
resolver whose answers the test sets, and real servers on this machine that record who came.

- `FakeResolver`: socket.getaddrinfo for the names the test gives, answering each call the
  next of their addresses (the last one for ever after), or never (`hang`); other names
  resolve as usual. `asked` counts the look-ups of each name.
- `Recorder`: an HTTP server (TLS with a certificate if given) on any address of this
  machine, answering `[]` to each GET; what it was sent (`hosts`, `server_names` by SNI).
- `Listener`: a TCP server counting the connections it takes; it never answers a byte, or,
  with `trickle`, answers an HTTP status line and then headers a byte at a time, never ending.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.helpers.servers import answer_json


class FakeResolver:
    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.answers: dict[str, list[str]] = {}
        self.hanging: set[str] = set()
        self.asked: Counter[str] = Counter()
        self.released = threading.Event()
        real = socket.getaddrinfo

        def getaddrinfo(host, port, *args, **kwargs):
            if isinstance(host, bytes):
                host = host.decode("ascii")
            if host in self.hanging:
                self.asked[host] += 1
                self.released.wait(60)
                raise socket.gaierror(socket.EAI_AGAIN, "no answer")
            if host not in self.answers:
                return real(host, port, *args, **kwargs)
            self.asked[host] += 1
            queue = self.answers[host]
            address = queue.pop(0) if len(queue) > 1 else queue[0]
            return real(address, port, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    def answer(self, name: str, *addresses: str) -> None:
        self.answers[name] = list(addresses)

    def hang(self, name: str) -> None:
        self.hanging.add(name)

    def release(self) -> None:
        """Lets the look-ups still hanging end (their threads, left behind by the client)."""
        self.released.set()


class Recorder:
    def __init__(self, address: str = "127.0.0.1", port: int = 0, certificate: Path | None = None):
        self.hosts: list[str | None] = []
        self.server_names: list[str | None] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                recorder.hosts.append(self.headers.get("Host"))
                answer_json(self, 200, b"[]")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((address, port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        if certificate is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certificate, certificate.parent / "privkey.pem")
            context.sni_callback = lambda _sock, name, _context: self.server_names.append(name)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Listener:
    def __init__(self, address: str = "127.0.0.1", port: int = 0, trickle: bool = False):
        self.taken = 0
        self.trickle = trickle
        self.closed = threading.Event()
        self.socket = socket.socket()
        self.socket.bind((address, port))
        self.socket.listen()
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.closed.is_set():
            try:
                conn, _ = self.socket.accept()
            except (TimeoutError, OSError):
                continue
            self.taken += 1
            self.held.append(conn)
            if self.trickle:
                threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket) -> None:
        try:
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            while not self.closed.is_set():
                conn.sendall(b"X")  # One header's name, longer and longer.
                time.sleep(0.2)
        except OSError:
            pass  # The client gave up.

    def close(self) -> None:
        self.closed.set()
        for conn in self.held:
            conn.close()
        self.socket.close()
