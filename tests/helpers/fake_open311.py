"""A tiny Open311 server that is not Pavé: GeoReport v2's GET requests/{id} and tokens/{token},
and no servicerequestupdates (404), as many commune systems answer. The test sets what each
request says (`requests`, `tokens`) and reads what was asked (`asked`, with the headers)."""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.helpers.servers import answer_json, free_port


class FakeOpen311:
    def __init__(self):
        self.requests: dict[str, dict] = {}
        self.tokens: dict[str, str] = {}
        self.asked: list[tuple[str, dict[str, str]]] = []
        # path -> the raw bytes to answer with 200, whatever they are.
        self.raw: dict[str, bytes] = {}
        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/open311/v2/"

    def __enter__(self) -> FakeOpen311:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def asked_paths(self) -> list[str]:
        return [path for path, _ in self.asked]

    def answer(self, path: str) -> tuple[int, object]:
        if path.startswith("/open311/v2/requests/") and path.endswith(".json"):
            remote_id = urllib.parse.unquote(path.removeprefix("/open311/v2/requests/")[:-5])
            found = self.requests.get(remote_id)
            return (200, [{"service_request_id": remote_id, **found}]) if found else (404, [])
        if path.startswith("/open311/v2/tokens/") and path.endswith(".json"):
            token = urllib.parse.unquote(path.removeprefix("/open311/v2/tokens/")[:-5])
            found_id = self.tokens.get(token)
            if found_id is None:
                return 404, []
            return 200, [{"service_request_id": found_id, "token": token}]
        return 404, [{"code": 404, "description": "not here"}]

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                path = urllib.parse.urlsplit(self.path).path
                fake.asked.append((path, dict(self.headers)))
                if path in fake.raw:
                    status, data = 200, fake.raw[path]
                else:
                    status, body = fake.answer(path)
                    data = json.dumps(body).encode()
                answer_json(self, status, data)

            def log_message(self, *args):
                pass

        return Handler
