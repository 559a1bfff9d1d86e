"""A real TCP/HTTP proxy between a Pavé's worker and a remote, that misbehaves on demand.

`FaultyProxy(upstream_port)` listens on a free port of 127.0.0.1 and forwards each HTTP
request to the upstream server, then its answer back. Told to, it:
- (always) answers 502 Bad Gateway when the upstream is down, as a reverse proxy does;
- `refuse()`: stops listening, so connections are refused (a server that is down), until
  `forward()` listens again on the same port;
- `drop_answers(n)`: forwards the next n requests, waits for the upstream's whole answer (the
  upstream has done its work), then closes the client's connection without a byte of it (an
  answer lost on the way back);
- `hold_answers()`: forwards requests and keeps each answer, without sending it, until
  `release()` (a worker can be killed while its request is done upstream and its answer not
  yet back).

The upstream must close each connection after its answer (HTTP/1.0, as the test servers do).
`seen` lists each forwarded request's method and path.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass, field

from tests.helpers.servers import free_port

BAD_GATEWAY = (
    b"HTTP/1.0 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nBad Gateway"
)


def _read_request(conn: socket.socket) -> bytes:
    """One whole HTTP request: its head, and its body by Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def _read_all(conn: socket.socket) -> bytes:
    data = b""
    while chunk := conn.recv(65536):
        data += chunk
    return data


@dataclass
class FaultyProxy:
    upstream_port: int
    port: int = field(default_factory=free_port)
    seen: list[str] = field(default_factory=list)
    _listener: socket.socket | None = None
    _drop: int = 0
    _hold: bool = False
    _released: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def forward(self) -> None:
        """Listen (again) and forward everything."""
        with self._lock:
            self._drop, self._hold = 0, False
            self._released.set()
            if self._listener is None:
                listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                listener.bind(("127.0.0.1", self.port))
                listener.listen(32)
                self._listener = listener
                threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def refuse(self) -> None:
        """Stop listening: connections are refused, as by a server that is down."""
        with self._lock:
            listener, self._listener = self._listener, None
        if listener is not None:
            listener.shutdown(socket.SHUT_RDWR)
            listener.close()

    def drop_answers(self, count: int = 1) -> None:
        with self._lock:
            self._drop = count

    def hold_answers(self) -> None:
        with self._lock:
            self._hold = True
            self._released.clear()

    def release(self) -> None:
        """Send the held answers (to whoever still listens) and stop holding."""
        with self._lock:
            self._hold = False
            self._released.set()

    def stop(self) -> None:
        self.release()
        self.refuse()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with client:
            request = _read_request(client)
            if not request:
                return
            first_line = request.split(b"\r\n", 1)[0].decode("latin-1")
            try:
                with socket.create_connection(("127.0.0.1", self.upstream_port), 30) as up:
                    up.sendall(request)
                    answer = _read_all(up)
            except OSError:
                # The upstream is down: answer as a reverse proxy does.
                answer = BAD_GATEWAY
            with self._lock:
                self.seen.append(" ".join(first_line.split("?")[0].split()[:2]))
                drop = self._drop > 0
                self._drop -= drop
                hold = self._hold
            if drop:
                return  # The upstream answered; the client hears nothing.
            if hold:
                self._released.wait(timeout=120)
            # The client may be gone (killed, or it gave up waiting).
            with contextlib.suppress(OSError):
                client.sendall(answer)
