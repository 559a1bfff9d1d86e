"""Local servers the tests start: a free port, and the app under werkzeug's threaded server."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

RESPONSE_KEY = "pave.test.response"
ROOT = Path(__file__).resolve().parents[2]


def remembering_responses(app):
    """Keeps each response in its environ, so the handler can close it whatever happens."""

    def wsgi(environ, start_response):
        response = app(environ, start_response)
        environ[RESPONSE_KEY] = response
        return response

    return wsgi


class OneRequestPerConnection(WSGIRequestHandler):
    """HTTP/1.0: no kept-alive connection outlives stop(), so a stopped server is truly down.

    When the browser drops a connection (offline on purpose, a stopped server), werkzeug's
    drain after the answer can raise before it closes the response, and a static file stays
    open until the garbage collector finds it: a ResourceWarning in whichever test runs then.
    Closing the response here, always, removes that (seen twice in CI).
    """

    protocol_version = "HTTP/1.0"

    def run_wsgi(self) -> None:
        try:
            super().run_wsgi()
        finally:
            response = getattr(self, "environ", {}).get(RESPONSE_KEY)
            if hasattr(response, "close"):
                response.close()


@dataclass
class LiveServer:
    """The app under werkzeug's threaded server; stop() and start() keep the same port."""

    app: object
    port: int
    server: BaseWSGIServer | None = None
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.server = make_server(
            "127.0.0.1",
            self.port,
            remembering_responses(self.app),
            threaded=True,
            request_handler=OneRequestPerConnection,
        )
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(timeout=10)
            self.server = None


def answer_json(handler, status: int, data: bytes) -> None:
    """Write a whole JSON answer from an http.server request handler."""
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


SERVE_SCRIPT = """
import json, sys
from werkzeug.serving import run_simple
from app.web import create_app
from tests.helpers.servers import OneRequestPerConnection

app = create_app(json.loads(sys.argv[1]))
run_simple("127.0.0.1", int(sys.argv[2]), app, threaded=True,
           request_handler=OneRequestPerConnection)
"""


@dataclass
class ServerProcess:
    """The app under werkzeug's threaded server in a process of its own.

    For clients that keep Python's GIL while they wait for the answer (GDAL through pyogrio
    does): a server thread in the test's own process could never answer them. It sees only
    committed rows and files, like any other process.
    """

    config: dict
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVE_SCRIPT, json.dumps(self.config), str(self.port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not listen on {self.port} within {timeout} s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
